"""``flask recs evaluate-crunchbase``: the offline benchmark from the command line."""
from __future__ import annotations

import json
from xml.etree import ElementTree

from tests.conftest import make_app
from tests.recommender.test_evaluate import write_export


def tiny_export(folder):
    companies, rounds, investments = [], [], []
    kinds = ("angel", "series-a", "series-b", "series-c+")
    for k in range(40):
        company = f"/company/c{k}"
        founded = 2005 + k % 7
        companies.append(f"{company},Caf\u00e9 {k},{('web', 'biotech', 'software')[k % 3]},SF Bay,{founded}-01-01")
        for step, year in enumerate(range(founded + 1, 2013)):
            day = f"{year}-0{1 + k % 9}-15"
            rounds.append(f"{company},{kinds[min(step, 3)]},{day},{1_000_000 * (step + 1)}")
            for investor in (f"/financial-organization/f{(k + step) % 6}", f"/person/p{k % 5}"):
                investments.append(f"{company},{kinds[min(step, 3)]},{day},{investor},X,SF Bay")
    write_export(folder, companies, rounds, investments)
    return folder


def test_the_command_prints_every_method_writes_the_rankings_and_draws_the_figures(tmp_path):
    out, drawn = tmp_path / "rankings.jsonl", tmp_path / "figures.svg"
    result = make_app("sqlite://").test_cli_runner().invoke(args=[
        "recs", "evaluate-crunchbase", str(tiny_export(tmp_path)), "--train-until", "2012-01-01",
        "--min-train-rounds", "2", "--out", str(out), "--chart", str(drawn)])
    assert result.exit_code == 0, result.output
    assert "40 test rounds" in result.output
    for method in ("random", "most active investors", "learned ranker"):
        assert method in result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    rounds = [q for q in lines if q["task"] == "round_to_investors"]
    assert len(rounds) == 40 and all(q["round"].count("|") == 2 for q in rounds)
    assert {q["task"] for q in lines} == {"round_to_investors", "investor_to_rounds"}
    # the chart: a bar per method and figure, each labelled with the value the table prints
    bars = [t.text for t in ElementTree.parse(drawn).getroot().iter("{http://www.w3.org/2000/svg}title")]
    assert len(bars) == 6 * 8
    for label, name in (("most active investors", "most active investors"), ("learned ranker", "learned ranker (")):
        assert [bar.rsplit(": ", 1)[1] for bar in bars if bar.startswith(name)] == figures_row(result.output, label)


def figures_row(output: str, label: str) -> list[str]:
    [row] = [line for line in output.splitlines() if line.startswith(f"| {label}")]
    return [cell.strip() for cell in row.strip("|").split("|")][1:]


def test_the_rankings_file_scores_as_printed(tmp_path):
    """Done when: the --out file agrees with the figures the command prints."""
    out, export = tmp_path / "rankings.jsonl", tiny_export(tmp_path)
    runner = make_app("sqlite://").test_cli_runner()
    args = ["recs", "evaluate-crunchbase", str(export), "--train-until", "2012-01-01", "--min-train-rounds", "2"]
    printed = runner.invoke(args=args + ["--out", str(out)])
    scored = runner.invoke(args=args + ["--score", str(out)])
    assert scored.exit_code == 0, scored.output
    assert figures_row(scored.output, str(out)) == figures_row(printed.output, "learned ranker")
    assert "'rounds_left_out': 0" in scored.output and "'unknown': 0" in scored.output


def test_a_split_with_nothing_to_measure_says_why_and_writes_nothing(tmp_path):
    out, export = tmp_path / "rankings.jsonl", tiny_export(tmp_path)
    runner = make_app("sqlite://").test_cli_runner()
    args = ["recs", "evaluate-crunchbase", str(export), "--min-train-rounds", "2", "--out", str(out)]
    late = runner.invoke(args=args + ["--train-until", "2013-01-01"])
    assert late.exit_code == 1
    assert "no round dated from 2013-01-01 to before 2014-01-01" in late.output
    assert "the export's rounds are dated 2006-01-15 to 2012-09-15" in late.output
    backwards = runner.invoke(args=args + ["--train-until", "2012-01-01", "--test-until", "2011-01-01"])
    assert backwards.exit_code == 1 and "--test-until after --train-until" in backwards.output
    not_a_date = runner.invoke(args=args + ["--train-until", "2012-13-01"])
    assert not_a_date.exit_code == 2 and "'2012-13-01' does not match the format '%Y-%m-%d'" in not_a_date.output
    assert not out.exists()


def test_a_folder_that_is_not_an_export_or_a_candidate_rule_below_one_is_refused_and_writes_nothing(tmp_path):
    (tmp_path / "export").mkdir()
    (tmp_path / "empty").mkdir()
    out, export = tmp_path / "rankings.jsonl", tiny_export(tmp_path / "export")
    runner = make_app("sqlite://").test_cli_runner()
    empty = runner.invoke(args=["recs", "evaluate-crunchbase", str(tmp_path / "empty"), "--train-until", "2012-01-01",
                                "--out", str(out)])
    assert empty.exit_code == 1 and isinstance(empty.exception, SystemExit)  # a message, not an uncaught error
    assert "cannot read" in empty.output and "crunchbase-companies.csv" in empty.output
    (export / "crunchbase-rounds.csv").write_text("company_permalink,funded_at\r", encoding="mac_roman")
    broken = runner.invoke(args=["recs", "evaluate-crunchbase", str(export), "--train-until", "2012-01-01",
                                 "--out", str(out)])
    assert broken.exit_code == 1
    assert "crunchbase-rounds.csv lacks the column(s) funding_round_type" in broken.output
    for rounds in ("0", "-3"):
        refused = runner.invoke(args=["recs", "evaluate-crunchbase", str(export), "--train-until", "2012-01-01",
                                      "--min-train-rounds", rounds, "--out", str(out)])
        assert refused.exit_code == 2 and "--min-train-rounds" in refused.output and "x>=1" in refused.output
    assert not out.exists()


def test_a_rankings_file_that_is_not_in_the_out_format_says_which_line(tmp_path):
    (tmp_path / "export").mkdir()
    export, runner = tiny_export(tmp_path / "export"), make_app("sqlite://").test_cli_runner()
    args = ["recs", "evaluate-crunchbase", str(export), "--train-until", "2012-01-01", "--min-train-rounds", "2"]
    cases = {"not json\n": "line 1: not a line of the --out format",
             '\n{"task": "round_to_investors", "round": "x", "ranked": ["a"]}\n[1, 2]\n': "line 3: not a line",
             '{"task": "investor_to_rounds", "investor": "a", "ranked": [["b"]]}\n': "line 1: not a line"}
    for text, said in cases.items():
        (tmp_path / "ranked.jsonl").write_text(text, encoding="utf-8")
        result = runner.invoke(args=args + ["--score", str(tmp_path / "ranked.jsonl")])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit) and said in result.output, \
            result.output
    (tmp_path / "ranked.jsonl").write_bytes(b'{"task": "caf\xe9"}\n')
    result = runner.invoke(args=args + ["--score", str(tmp_path / "ranked.jsonl")])
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output
