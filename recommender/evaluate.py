"""The offline benchmark on a Crunchbase-format export (the protocol of the shared data's README).

Train on the rounds dated before ``train_until``; test on the rounds dated in
``[train_until, test_until)`` (by default one year). Candidates are the investors with at least
``min_train_rounds`` distinct rounds before the split. A test round is a round in the test period
that at least one candidate joined; its relevant investors are the candidates who joined it.
"Round -> investors" ranks every candidate for every test round; "investor -> rounds" ranks every
test round for every candidate that joined at least one. A test round's company is "seen" when
some investor backed it before the split, "new" otherwise. Scores: Recall@10, Recall@50 and
NDCG@10 (binary gains, ideal DCG over min(relevant, 10)), averaged over queries.

A ranker is fitted on the history before the split only, and scores the test rounds from what
is known when they open (company, sector, region, round type, amount): never their investors.

    python -m recommender.evaluate DIR --train-until 2012-01-01 [--test-until DATE]
        [--min-train-rounds 5] [--out FILE] [--methods random,most_active,...]
    python -m recommender.evaluate DIR --train-until 2012-01-01 --score FILE   # a rankings file's figures
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import crunchbase
from .base import BaseRanker, top_k
from .baselines import PopularityRanker, ProfileRanker, RandomRanker, SectorStageRanker
from .chart import results_svg
from .datasets import load_crunchbase, seen_companies
from .model import LearnedRanker
from .records import Dataset, RoundTable, add_years, distinct, from_day, to_day

K_LIST = (10, 50)
OUT_K = 50


def default_methods(random_state: int = 0) -> dict[str, BaseRanker]:
    """Every ranker the benchmark measures, by name, in the order of the table. The learned
    ranker's trees use every core here (the same figures; a server keeps one thread a query)."""
    return {
        "random": RandomRanker(random_state=random_state),
        "most_active": PopularityRanker(),
        "sector_stage": SectorStageRanker(),
        "sector_stage_earlier": SectorStageRanker(earlier_first=True),
        "profile_earlier": ProfileRanker(),
        "learned": LearnedRanker(random_state=random_state, n_threads=os.cpu_count() or 1),
    }


LABELS = {
    "random": "random",
    "most_active": "most active investors",
    "sector_stage": "most active in the sector and stage",
    "sector_stage_earlier": "the above + the company's earlier investors first",
    "profile_earlier": "TF-IDF profiles x log popularity + earlier investors",
    "learned": "learned ranker (log-linear model, gradient-boosted trees and a neural net over pair features)",
}


class BenchmarkError(ValueError):
    """The export or the split asked for cannot be measured (a message for the person who asked)."""


@dataclass
class Split:
    """The benchmark's questions: what is known, who may be ranked, and the answers."""

    history: Dataset
    candidates: np.ndarray  # investor ids, sorted
    rounds: RoundTable  # the test rounds, content only
    relevant: np.ndarray  # bool (rounds, candidates)
    new_company: np.ndarray  # bool per test round
    train_until: int
    test_until: int

    def summary(self) -> dict:
        return {"train_until": from_day(self.train_until).isoformat(),
                "test_until": from_day(self.test_until).isoformat(),
                "history_rounds": int(len(self.history.rounds)),
                "history_interactions": int(len(self.history.investor)),
                "candidates": int(len(self.candidates)), "test_rounds": int(len(self.rounds)),
                "seen_company_rounds": int((~self.new_company).sum()),
                "new_company_rounds": int(self.new_company.sum()),
                "investor_queries": int((self.relevant.sum(axis=0) > 0).sum())}


def make_split(data: Dataset, train_until, test_until=None, min_train_rounds: int = 5) -> Split:
    start = to_day(train_until)
    end = to_day(test_until) if test_until is not None else add_years(start, 1)
    if end <= start:
        raise BenchmarkError("the test period must end after it starts (--test-until after --train-until)")
    if min_train_rounds < 1:
        raise BenchmarkError(f"a candidate needs at least 1 round before the split, not {min_train_rounds} "
                             "(--min-train-rounds)")
    history = data.before(start)
    candidates, _ = history.investor_rounds(min_train_rounds)
    rows = data.rounds_between(start, end)
    pos = data.positive() & np.isin(data.round, rows)
    inv = np.searchsorted(candidates, np.asarray(data.investor[pos], dtype=str)) if len(candidates) else \
        np.zeros(int(pos.sum()), np.int64)
    inv = np.minimum(inv, max(len(candidates) - 1, 0))
    is_cand = (candidates[inv] == np.asarray(data.investor[pos], dtype=str)) if len(candidates) else \
        np.zeros(len(inv), bool)
    rnd = data.round[pos][is_cand]
    inv = inv[is_cand]
    test_rows = distinct(rnd)
    if len(test_rows) == 0:
        dated = data.rounds.day
        known = (f"the export's rounds are dated {from_day(dated.min())} to {from_day(dated.max())}" if len(dated)
                 else "the export has no rounds")
        raise BenchmarkError(f"no round dated from {from_day(start)} to before {from_day(end)} has an investor with "
                             f"{min_train_rounds} or more rounds before {from_day(start)} ({len(candidates)} such "
                             f"investors; {known}): choose another --train-until or --test-until")
    relevant = np.zeros((len(test_rows), len(candidates)), dtype=bool)
    relevant[np.searchsorted(test_rows, rnd), inv] = True
    rounds = data.rounds.take(test_rows)
    new = ~np.isin(np.asarray(rounds.company, dtype=str), seen_companies(history))
    # a stable order: by round key
    order = np.argsort(np.asarray(rounds.key, dtype=str), kind="stable")
    return Split(history=history, candidates=candidates, rounds=rounds.take(order), relevant=relevant[order],
                 new_company=new[order], train_until=start, test_until=end)


def ranking_metrics(ranked: np.ndarray, relevant: np.ndarray) -> dict[str, np.ndarray]:
    """Per-query Recall@10/@50 and NDCG@10 of ranked positions (queries x >=50) against a bool matrix."""
    hits = np.take_along_axis(relevant, ranked, axis=1)
    n_rel = relevant.sum(axis=1)
    out = {f"recall@{k}": hits[:, :k].sum(axis=1) / np.maximum(n_rel, 1) for k in K_LIST}
    disc = 1.0 / np.log2(np.arange(2, 12))
    dcg = (hits[:, :10] * disc[: hits[:, :10].shape[1]]).sum(axis=1)
    ideal = np.cumsum(disc)[np.minimum(n_rel, 10) - 1]
    out["ndcg@10"] = dcg / ideal
    return out


def _mean(values: dict[str, np.ndarray], mask: np.ndarray | None = None) -> dict[str, float]:
    """Each metric's mean over the queries (those in ``mask``); None over none (a split without
    rounds of new companies, say)."""
    out = {}
    for k, v in values.items():
        v = v if mask is None else v[mask]
        out[k] = float(v.mean()) if len(v) else None
    return out


def evaluate_scores(split: Split, scores: np.ndarray) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """Figures for a score matrix (test rounds x candidates), and the top-50 lists of both tasks."""
    ranked_inv = top_k(scores, OUT_K)
    per_round = ranking_metrics(ranked_inv, split.relevant)
    queries = np.flatnonzero(split.relevant.sum(axis=0) > 0)
    ranked_rounds = top_k(scores[:, queries].T, OUT_K)
    per_investor = ranking_metrics(ranked_rounds, split.relevant[:, queries].T)
    return _figures(split, per_round, per_investor), ranked_inv, queries, ranked_rounds


def _figures(split: Split, per_round: dict, per_investor: dict) -> dict:
    """The means of per-query metrics: every round, new and seen companies' rounds, every investor."""
    return {"round_to_investors": {**_mean(per_round), "new_companies": _mean(per_round, split.new_company),
                                   "seen_companies": _mean(per_round, ~split.new_company)},
            "investor_to_rounds": _mean(per_investor)}


def score_rankings(split: Split, path: str | Path) -> dict:
    """The figures of a rankings file in the ``--out`` format, from its lists alone: any method's
    file can be scored against the split's answers (and the learned ranker's agrees with its table).

    A query the file leaves out counts as a miss; names the split does not know (a round, an
    investor) are never relevant. ``"lines"`` says how many queries were read, left out or unknown.
    """
    keys = np.asarray(split.rounds.key, dtype=str)
    queries = np.flatnonzero(split.relevant.sum(axis=0) > 0)
    round_at = {key: k for k, key in enumerate(keys)}
    investor_at = {name: k for k, name in enumerate(split.candidates)}
    query_at = {split.candidates[q]: k for k, q in enumerate(queries)}
    # position len(...) is a column that is never relevant: unknown names and short lists point there
    ranked_inv = np.full((len(keys), OUT_K), len(split.candidates), dtype=np.int64)
    ranked_rounds = np.full((len(queries), OUT_K), len(keys), dtype=np.int64)
    seen = {"round_to_investors": set(), "investor_to_rounds": set()}
    unknown = 0
    for item in _rankings_lines(path):
        task = item.get("task")
        if task == "round_to_investors" and item.get("round") in round_at:
            row, names, lookup_ = round_at[item["round"]], item.get("ranked", []), investor_at
            target, missing = ranked_inv, len(split.candidates)
        elif task == "investor_to_rounds" and item.get("investor") in query_at:
            row, names, lookup_ = query_at[item["investor"]], item.get("ranked", []), round_at
            target, missing = ranked_rounds, len(keys)
        else:
            unknown += 1
            continue
        seen[task].add(row)
        picked = [lookup_.get(name, missing) for name in dict.fromkeys(names)][:OUT_K]  # a repeat counts once
        target[row, :len(picked)] = picked
    pad = np.zeros((len(keys), 1), dtype=bool)
    per_round = ranking_metrics(ranked_inv, np.hstack([split.relevant, pad]))
    by_investor = np.vstack([split.relevant[:, queries], np.zeros((1, len(queries)), dtype=bool)]).T
    per_investor = ranking_metrics(ranked_rounds, by_investor)
    return {
        **_figures(split, per_round, per_investor),
        "lines": {"rounds": len(seen["round_to_investors"]),
                  "rounds_left_out": len(keys) - len(seen["round_to_investors"]),
                  "investors": len(seen["investor_to_rounds"]),
                  "investors_left_out": len(queries) - len(seen["investor_to_rounds"]), "unknown": unknown},
    }


def _rankings_lines(path: str | Path) -> Iterator[dict]:
    """The objects of a rankings file, one a line (blank lines skipped); a line that is not one, or
    a file that is not UTF-8 text, is a ``BenchmarkError`` naming where."""
    try:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as error:
                    raise BenchmarkError(f"{path}, line {number}: not a line of the --out format ({error})") from None
                if not _is_rankings_line(item):
                    raise BenchmarkError(f"{path}, line {number}: not a line of the --out format (not an object "
                                         "with a task, a round or an investor, and a ranked list of names)")
                yield item
    except UnicodeDecodeError:
        raise BenchmarkError(f"{path} is not UTF-8 text") from None


def _is_rankings_line(item) -> bool:
    return (isinstance(item, dict) and all(isinstance(item.get(k, ""), str) for k in ("task", "round", "investor"))
            and isinstance(item.get("ranked", []), list) and all(isinstance(v, str) for v in item.get("ranked", [])))


def write_rankings(path, split: Split, ranked_inv: np.ndarray, queries: np.ndarray, ranked_rounds: np.ndarray) -> None:
    keys = np.asarray(split.rounds.key, dtype=str)
    with open(path, "w", encoding="utf-8") as out:
        for r, row in enumerate(ranked_inv):
            out.write(json.dumps({"task": "round_to_investors", "round": keys[r],
                                  "ranked": split.candidates[row].tolist()}) + "\n")
        for q, row in zip(queries, ranked_rounds):
            out.write(json.dumps({"task": "investor_to_rounds", "investor": split.candidates[q],
                                  "ranked": keys[row].tolist()}) + "\n")


def _read_split(data: Dataset | str | Path, train_until, test_until, min_train_rounds: int,
                say: Callable[[str], None]) -> Split:
    if not isinstance(data, Dataset):
        try:
            crunchbase.check(data)
        except OSError as error:
            raise BenchmarkError(f"cannot read {error.filename}: {error.strerror} (a Crunchbase export's folder "
                                 f"holds {', '.join(crunchbase.FILES.values())})") from None
        except crunchbase.FormatError as error:
            raise BenchmarkError(f"{error}: not a Crunchbase export") from None
        data = load_crunchbase(data, progress=lambda part: say(f"read {part}"))
    return make_split(data, train_until, test_until, min_train_rounds)


def evaluate(data: Dataset | str | Path, train_until, test_until=None, min_train_rounds: int = 5,
             out: str | Path | None = None, methods: dict[str, BaseRanker] | None = None, out_method: str = "learned",
             progress: Callable[[str], None] | None = None) -> dict:
    """Run the benchmark; return {"split": counts, "methods": {name: figures}}; write ``out`` for ``out_method``."""
    say = progress or (lambda message: None)
    clock = time.perf_counter()
    split = _read_split(data, train_until, test_until, min_train_rounds, say)
    say(f"split: {split.summary()}")
    methods = default_methods() if methods is None else methods
    results = {"split": split.summary(), "methods": {}}
    for name, ranker in methods.items():
        start = time.perf_counter()
        ranker.fit(split.history)
        fitted = time.perf_counter()
        scores = ranker.score(split.rounds, split.candidates)
        figures, ranked_inv, queries, ranked_rounds = evaluate_scores(split, scores)
        figures["fit_seconds"] = round(fitted - start, 2)
        figures["score_seconds"] = round(time.perf_counter() - fitted, 2)
        results["methods"][name] = figures
        say(f"{name}: R@10 {figures['round_to_investors']['recall@10']:.3f}, "
            f"investor R@10 {figures['investor_to_rounds']['recall@10']:.3f} "
            f"({time.perf_counter() - start:.1f}s)")
        if out is not None and name == out_method:
            write_rankings(out, split, ranked_inv, queries, ranked_rounds)
    results["seconds"] = round(time.perf_counter() - clock, 2)
    return results


def score_file(data: Dataset | str | Path, path: str | Path, train_until, test_until=None, min_train_rounds: int = 5,
               progress: Callable[[str], None] | None = None) -> dict:
    """``evaluate``'s results for a rankings file instead of the methods (``score_rankings``)."""
    say = progress or (lambda message: None)
    clock = time.perf_counter()
    split = _read_split(data, train_until, test_until, min_train_rounds, say)
    figures = score_rankings(split, path)
    say(f"{path}: {figures['lines']}")
    return {"split": split.summary(), "methods": {str(path): figures}, "seconds": round(time.perf_counter() - clock, 2)}


def run(data: Dataset | str | Path, train_until, test_until=None, min_train_rounds: int = 5,
        out: str | Path | None = None, score: str | Path | None = None,
        methods: dict[str, BaseRanker] | None = None, write: Callable[[str], None] | None = None) -> dict:
    """The benchmark as the command lines run it: the figures of the rankings file ``score`` when
    given, else ``evaluate``'s; each progress line goes to ``write`` with the seconds since the start."""
    write = write or (lambda line: print(line, file=sys.stderr, flush=True))
    start = time.perf_counter()

    def progress(message: str) -> None:
        write(f"[{time.perf_counter() - start:6.1f}s] {message}")

    if score:
        return score_file(data, score, train_until, test_until, min_train_rounds, progress=progress)
    return evaluate(data, train_until, test_until, min_train_rounds, out, methods, progress=progress)


HEADER = ("method", "round->investors R@10", "R@50", "NDCG@10", "new-company rounds R@10",
          "seen-company rounds R@10", "investor->rounds R@10", "R@50", "NDCG@10")


# the table's columns in full, for the chart
FIGURE_NAMES = ("round → investors R@10", "round → investors R@50", "round → investors NDCG@10",
                "new-company rounds R@10", "seen-company rounds R@10", "investor → rounds R@10",
                "investor → rounds R@50", "investor → rounds NDCG@10")


def figure_values(fig: dict) -> list[float | None]:
    """One method's figures in the order of the table's columns."""
    r, q = fig["round_to_investors"], fig["investor_to_rounds"]
    return [r["recall@10"], r["recall@50"], r["ndcg@10"], r["new_companies"]["recall@10"],
            r["seen_companies"]["recall@10"], q["recall@10"], q["recall@50"], q["ndcg@10"]]


def table_rows(results: dict) -> list[list[str]]:
    return [[LABELS.get(name, name)] + ["-" if x is None else f"{x:.3f}" for x in figure_values(fig)]
            for name, fig in results["methods"].items()]


def chart(results: dict) -> str:
    """The table drawn, as SVG text (``recommender.chart``)."""
    return results_svg(results, LABELS, FIGURE_NAMES, figure_values)


def format_table(results: dict) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    return "\n".join(lines)


def report(results: dict) -> str:
    """The split in one line, then the table of every method's figures."""
    s = results["split"]
    return (f"train before {s['train_until']}, test until {s['test_until']}: {s['candidates']} candidate investors, "
            f"{s['test_rounds']} test rounds ({s['seen_company_rounds']} of seen companies, "
            f"{s['new_company_rounds']} new), {s['investor_queries']} investors; {results['seconds']:.1f}s\n"
            + format_table(results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recommender.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", help="a folder holding a Crunchbase export's CSV files")
    parser.add_argument("--train-until", required=True, help="YYYY-MM-DD: train on rounds dated before it")
    parser.add_argument("--test-until", default=None,
                        help="YYYY-MM-DD: test on rounds dated before it (default: a year on)")
    parser.add_argument("--min-train-rounds", type=int, default=5, help="rounds before the split a candidate needs")
    parser.add_argument("--out", default=None, help="write the learned ranker's top 50 per query as JSON lines")
    parser.add_argument("--methods", default=None, help="comma-separated subset of: " + ", ".join(default_methods()))
    parser.add_argument("--score", metavar="FILE", default=None,
                        help="score a rankings file in the --out format (any method's) instead of running the methods")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    parser.add_argument("--chart", metavar="FILE", default=None, help="also draw the figures as an SVG bar chart")
    args = parser.parse_args(argv)
    methods = default_methods()
    if args.min_train_rounds < 1:
        parser.error(f"--min-train-rounds must be at least 1, not {args.min_train_rounds}")
    if args.methods:
        wanted = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = [m for m in wanted if m not in methods]
        if unknown:
            parser.error(f"unknown method(s): {', '.join(unknown)}")
        methods = {m: methods[m] for m in wanted}
    try:
        results = run(args.directory, args.train_until, args.test_until, args.min_train_rounds, args.out, args.score,
                      methods)
    except BenchmarkError as error:
        parser.exit(1, f"error: {error}\n")
    if args.chart:
        Path(args.chart).write_text(chart(results), encoding="utf-8")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
