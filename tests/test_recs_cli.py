"""``flask recs evaluate-crunchbase``: the offline benchmark from the command line."""
from __future__ import annotations

import json

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


def test_the_command_prints_every_method_and_writes_the_rankings(tmp_path):
    out = tmp_path / "rankings.jsonl"
    result = make_app("sqlite://").test_cli_runner().invoke(args=[
        "recs", "evaluate-crunchbase", str(tiny_export(tmp_path)), "--train-until", "2012-01-01",
        "--min-train-rounds", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "40 test rounds" in result.output
    for method in ("random", "most active investors", "learned ranker"):
        assert method in result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    rounds = [q for q in lines if q["task"] == "round_to_investors"]
    assert len(rounds) == 40 and all(q["round"].count("|") == 2 for q in rounds)
    assert {q["task"] for q in lines} == {"round_to_investors", "investor_to_rounds"}
