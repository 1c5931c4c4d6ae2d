"""The benchmark's figures drawn: one SVG of horizontal bars, a group per figure and a bar per
method in the same colour throughout, so that how far each method lies from the others is seen
rather than read off the table (``--chart FILE``; ``docs/recommender-2012.svg``).

Plain SVG text, no plotting library: the package needs nothing beyond scikit-learn's stack.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

# one colour per method, in the order the methods ran (the learned ranker last, strongest)
COLOURS = ("#b0b7c3", "#8fa3bf", "#6d8fb3", "#4f7aa6", "#2f6690", "#0f766e", "#b45309", "#7c3aed")
WIDTH, LEFT, RIGHT = 860, 250, 60
BAR, GAP, GROUP_GAP = 13, 3, 18


def figures_svg(methods: Sequence[str], figures: Sequence[str], values: Sequence[Sequence[float | None]],
                title: str, subtitle: str = "") -> str:
    """``values[m][f]`` is method ``methods[m]``'s value of figure ``figures[f]``, from 0 to 1
    (None: not measured, drawn as no bar)."""
    span = WIDTH - LEFT - RIGHT
    legend_rows = len(methods)
    top = 58 + 18 * legend_rows + 10
    group = len(methods) * (BAR + GAP) + GROUP_GAP + 16
    height = top + group * len(figures) + 24
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
           f'<text x="16" y="24" font-size="15" font-weight="bold">{escape(title)}</text>',
           f'<text x="16" y="44" fill="#4b5563">{escape(subtitle)}</text>']
    for m, name in enumerate(methods):
        y = 58 + 18 * m
        out.append(f'<rect x="{LEFT}" y="{y}" width="12" height="12" fill="{_colour(m)}"/>'
                   f'<text x="{LEFT + 18}" y="{y + 10}">{escape(name)}</text>')
    for tick in range(0, 11, 2):
        x = LEFT + span * tick / 10
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="#e5e7eb"/>'
                   f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#6b7280">{tick / 10:.1f}</text>')
    for f, figure in enumerate(figures):
        y0 = top + group * f
        out.append(f'<text x="{LEFT - 8}" y="{y0 + 12}" text-anchor="end" font-weight="bold">{escape(figure)}</text>')
        for m in range(len(methods)):
            value = values[m][f]
            if value is None:
                continue
            y = y0 + 16 + m * (BAR + GAP)
            w = max(span * min(max(value, 0.0), 1.0), 0.5)
            out.append(f'<rect x="{LEFT}" y="{y}" width="{w:.1f}" height="{BAR}" fill="{_colour(m)}">'
                       f'<title>{escape(methods[m])}: {value:.3f}</title></rect>'
                       f'<text x="{LEFT + w + 4:.1f}" y="{y + BAR - 2}" fill="#374151">{value:.3f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _colour(index: int) -> str:
    return COLOURS[min(index, len(COLOURS) - 1)]


def results_svg(results: Mapping, labels: Mapping[str, str], figures: Sequence[str],
                values_of: Callable[[dict], Sequence[float | None]]) -> str:
    """``figures_svg`` of an evaluation's results (``evaluate.evaluate``'s dict): ``values_of(fig)``
    gives a method's values in the order of ``figures``."""
    s = results["split"]
    names = list(results["methods"])
    title = f"Trained on rounds before {s['train_until']}, tested on rounds until {s['test_until']}"
    subtitle = (f"{s['candidates']} candidate investors; {s['test_rounds']} test rounds "
                f"({s['new_company_rounds']} of new companies); {s['investor_queries']} investors asked")
    return figures_svg([labels.get(n, n) for n in names], figures,
                       [values_of(results["methods"][n]) for n in names], title, subtitle)
