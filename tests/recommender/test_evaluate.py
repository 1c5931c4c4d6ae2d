"""The benchmark's protocol, metrics and command line, on hand-made and synthetic data."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recommender import crunchbase
from recommender.baselines import PopularityRanker, ProfileRanker, RandomRanker, SectorStageRanker
from recommender.datasets import load_crunchbase
from recommender.evaluate import evaluate, main, make_split, ranking_metrics, score_rankings
from recommender.model import LearnedRanker
from recommender.records import Dataset, Interaction, Investor, Round, add_years, from_day, to_day


def rnd(company, day, stage="seed", sector="web"):
    return Round(key=f"{company}|{stage}|{day}", company=company, date=day, sector=sector, stage=stage, region="SF Bay",
                 amount=1e6)


@pytest.fixture
def tiny():
    """A and B have five rounds before 2012, C two; 2012 brings x (A), y (C only) and z (A, B)."""
    rounds = [rnd(f"old{k}", f"2011-0{k + 1}-01") for k in range(5)]
    links = [Interaction(i, r.key) for r in rounds for i in ("A", "B")] + \
            [Interaction("C", rounds[0].key), Interaction("C", rounds[1].key)]
    later = [rnd("old0", "2012-03-01", "series-a"), rnd("y", "2012-04-01"), rnd("z", "2012-05-01")]
    links += [Interaction("A", later[0].key), Interaction("C", later[1].key), Interaction("B", later[2].key),
              Interaction("A", later[2].key), Interaction("B", rnd("late", "2013-02-01").key)]
    return Dataset.from_records(rounds + later + [rnd("late", "2013-02-01")], links)


def test_candidates_test_rounds_and_answers_follow_the_protocol(tiny):
    split = make_split(tiny, "2012-01-01")
    assert split.candidates.tolist() == ["A", "B"]  # C has two rounds only
    assert split.rounds.key.tolist() == ["old0|series-a|2012-03-01", "z|seed|2012-05-01"]  # y: no candidate
    assert split.relevant.tolist() == [[True, False], [True, True]]
    assert split.new_company.tolist() == [False, True]
    assert split.summary()["investor_queries"] == 2
    assert len(split.history.rounds) == 5 and all(split.history.rounds.day < split.train_until)


def test_the_test_period_defaults_to_one_year(tiny):
    assert make_split(tiny, "2012-01-01").test_until == make_split(tiny, "2012-01-01", "2013-01-01").test_until
    assert len(make_split(tiny, "2012-01-01", "2014-01-01").rounds) == 3


def test_what_is_known_before_a_day_leaves_out_the_investors_first_heard_of_later(tiny):
    with_newcomers = Dataset.from_records(tiny.rounds.records(), [
        *(Interaction(i, k) for i, k in zip(tiny.investor, tiny.rounds.key[tiny.round])),
        Interaction("D", "z|seed|2012-05-01")], [Investor(id="E", kind="person"), Investor(id="F", since="2012-06-01"),
                                                 Investor(id="A", since="2012-06-01")])
    known = with_newcomers.before("2012-01-01").investors.id.tolist()
    # D only joins a 2012 round, F signs up in 2012; E declares itself with no history or sign-up day,
    # and A's history is older than its sign-up (an export imported later)
    assert known == ["A", "B", "C", "E"]
    assert with_newcomers.before("2013-01-01").investors.id.tolist() == ["A", "B", "C", "D", "E", "F"]


def test_an_investor_says_what_it_had_declared_on_the_day(tiny):
    """A rewrote its thesis twice; B declared once, late; C never dated its one declaration."""
    links = [Interaction(i, k) for i, k in zip(tiny.investor, tiny.rounds.key[tiny.round])]
    data = Dataset.from_records(
        tiny.rounds.records(), links,
        [Investor(id="A", sectors=("biotech",), ticket_max=9e6, text="now", declared="2012-06-01"),
         Investor(id="B", sectors=("web",), declared="2012-02-01"), Investor(id="C", sectors=("games",))],
        revisions=[Investor(id="A", sectors=("web",), text="first", declared="2011-01-15"),
                   Investor(id="A", sectors=("mobile",), stage_min=1.0, text="second", declared="2011-09-01")])

    def said(day):
        table = data.before(day).investors
        return {i: (s, t) for i, s, t in zip(table.id, table.sectors, table.text)}

    assert said("2011-03-01") == {"A": (("web",), "first"), "B": (("web",), ""), "C": (("games",), "")}
    assert said("2012-01-01")["A"] == (("mobile",), "second")
    assert said("2011-01-10")["A"] == (("web",), "first")  # before its first declaration: its first
    assert said("2013-01-01") == {i: (s, t) for i, s, t in zip(data.investors.id, data.investors.sectors,
                                                                 data.investors.text)}
    early = data.before("2012-01-01").investors
    a = early.id.tolist().index("A")
    # the whole declaration is the earlier one, not a mix; who A is (its kind, region) stays
    assert (early.stage_min[a], np.isnan(early.ticket_max[a]), early.declared[a]) == (1.0, True, to_day("2011-09-01"))
    # a version replaced the day it was made: the investor's own row stands for that day
    same_day = Dataset.from_records(tiny.rounds.records(), links,
                                    [Investor(id="A", sectors=("biotech",), declared="2011-09-01")],
                                    revisions=[Investor(id="A", sectors=("web",), declared="2011-09-01")])
    assert [same_day.before(d).investors.sectors[0] for d in ("2011-03-01", "2012-01-01")] == [("biotech",)] * 2
    # what is known on a day is known on any earlier day from it as from the whole
    for later, earlier in (("2012-01-01", "2011-03-01"), ("2011-03-01", "2011-01-10")):
        chained = data.before(later).before(earlier).investors
        assert chained.sectors.tolist() == data.before(earlier).investors.sectors.tolist()


def test_an_interaction_is_known_from_the_day_it_was_done_never_before_its_round():
    """A need posted in January and saved in March: on 1 February the need is known, the save is not."""
    posted = rnd("n", "2012-01-10")
    data = Dataset.from_records([posted], [Interaction("A", posted.key, "saved", day="2012-03-05"),
                                           Interaction("B", posted.key, "saved", day="2011-12-01")])
    assert data.day.tolist() == [to_day("2012-03-05"), to_day("2012-01-10")]  # B's: its round's day
    early = data.before("2012-02-01")
    assert early.rounds.key.tolist() == [posted.key] and early.investor.tolist() == ["B"]
    assert early.investors.id.tolist() == ["B"]  # A is first heard of in March
    assert data.before("2012-03-06").investor.tolist() == ["A", "B"]


@pytest.fixture(scope="module")
def exports(data):
    """Two exports of one history, split two years before ``data`` ends and tested on the next year:
    one ends with the test year; the other has one more year, which brings 40 investors unheard of."""
    train_until, test_until = add_years(data.as_of, -2), add_years(data.as_of, -1)
    links = [Interaction(i, k) for i, k in zip(data.investor, data.rounds.key[data.round])]
    investors = [Investor(id=i, region=r, kind=k) for i, r, k in zip(data.investors.id, data.investors.region,
                                                                    data.investors.kind)]
    kept = data.rounds.day < test_until
    keys = set(data.rounds.key[kept])
    ended_links = [link for link in links if link.round in keys]
    joined = {link.investor for link in ended_links}
    ended = Dataset.from_records(data.rounds.take(np.flatnonzero(kept)).records(), ended_links,
                                 [i for i in investors if i.id in joined], as_of=test_until)
    last = data.rounds_between(test_until, data.as_of)
    newcomers = [Interaction(f"newcomer-{n % 40}", data.rounds.key[row]) for n, row in enumerate(last[::3])]
    full = Dataset.from_records(data.rounds.records(), links + newcomers, investors)
    return [make_split(d, from_day(train_until), from_day(test_until), min_train_rounds=3) for d in (ended, full)]


@pytest.mark.parametrize("make_ranker", [ProfileRanker, lambda: LearnedRanker(
    n_folds=2, trees=8, negatives=8, shortlist=20, max_bins=15)], ids=["profiles", "learned"])
def test_rows_after_the_test_period_change_nothing(exports, make_ranker):
    """The protocol's "only what is known before the split": an export with later rows gives the same
    rankings as the export that ends with the test period."""
    ended, full = exports
    assert np.array_equal(ended.candidates, full.candidates) and np.array_equal(ended.relevant, full.relevant)
    assert ended.history.investors.id.tolist() == full.history.investors.id.tolist()
    scores = [make_ranker().fit(s.history).score(s.rounds, s.candidates) for s in exports]
    np.testing.assert_array_equal(scores[0], scores[1])


def test_recall_and_ndcg_by_hand():
    relevant = np.array([[True, False, True, False], [False, False, False, True]])
    ranked = np.array([[1, 0, 3, 2], [3, 0, 1, 2]])
    m = ranking_metrics(ranked, relevant)
    assert m["recall@10"].tolist() == [1.0, 1.0]
    expected = (1 / np.log2(3) + 1 / np.log2(5)) / (1 + 1 / np.log2(3))
    np.testing.assert_allclose(m["ndcg@10"], [expected, 1.0])
    m = ranking_metrics(np.array([[1, 2]]), np.array([[True, False, False]]))
    assert m["recall@10"].tolist() == [0.0] and m["ndcg@10"].tolist() == [0.0]


def test_baselines_beat_chance_and_the_rankings_are_written(data, cut, tmp_path):
    out = tmp_path / "ranked.jsonl"
    methods = {"random": RandomRanker(random_state=0), "most_active": PopularityRanker(),
               "sector_stage_earlier": SectorStageRanker(earlier_first=True)}
    results = evaluate(data, cut, min_train_rounds=3, out=out, methods=methods, out_method="sector_stage_earlier")
    figures = results["methods"]
    assert set(figures) == set(methods)
    for name in methods:
        for task in ("round_to_investors", "investor_to_rounds"):
            assert set(figures[name][task]) >= {"recall@10", "recall@50", "ndcg@10"}
    r = {k: v["round_to_investors"]["recall@10"] for k, v in figures.items()}
    assert r["sector_stage_earlier"] > r["most_active"] > r["random"]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    split = results["split"]
    tasks = [line["task"] for line in lines]
    assert tasks.count("round_to_investors") == split["test_rounds"]
    assert tasks.count("investor_to_rounds") == split["investor_queries"]
    first = lines[0]
    company, kind, day = first["round"].split("|")
    assert day[4] == "-" and len(first["ranked"]) == min(50, split["candidates"])
    last = lines[-1]
    assert last["investor"] and all(key.count("|") == 2 for key in last["ranked"])


def without_lines(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k != "lines"}


def test_the_rankings_file_agrees_with_the_printed_figures(data, cut, tmp_path):
    out = tmp_path / "ranked.jsonl"
    methods = {"sector_stage_earlier": SectorStageRanker(earlier_first=True)}
    results = evaluate(data, cut, min_train_rounds=3, out=out, methods=methods, out_method="sector_stage_earlier")
    split = make_split(data, cut, min_train_rounds=3)
    scored = score_rankings(split, out)
    printed = {k: v for k, v in results["methods"]["sector_stage_earlier"].items() if not k.endswith("_seconds")}
    assert without_lines(scored) == printed
    assert scored["lines"] == {"rounds": split.summary()["test_rounds"], "rounds_left_out": 0,
                               "investors": split.summary()["investor_queries"], "investors_left_out": 0, "unknown": 0}


def test_a_rankings_file_cannot_gain_by_repeating_or_leaving_out(data, cut, tmp_path):
    """A round left out scores 0; a relevant investor listed ten times counts once; a stranger never."""
    split = make_split(data, cut, min_train_rounds=3)
    keys = split.rounds.key.tolist()
    best = [split.candidates[split.relevant[k]].tolist() for k in range(len(keys))]
    perfect = tmp_path / "perfect.jsonl"
    perfect.write_text("".join(json.dumps({"task": "round_to_investors", "round": key, "ranked": names}) + "\n"
                               for key, names in zip(keys, best)))
    assert score_rankings(split, perfect)["round_to_investors"]["recall@10"] == pytest.approx(
        np.mean([min(len(b), 10) / len(b) for b in best]))
    gamed = tmp_path / "gamed.jsonl"
    gamed.write_text(json.dumps({"task": "round_to_investors", "round": keys[0], "ranked": [best[0][0]] * 10}) + "\n"
                     + json.dumps({"task": "round_to_investors", "round": "nobody|seed|2012-01-01",
                                   "ranked": best[0]}) + "\n")
    scored = score_rankings(split, gamed)
    assert scored["round_to_investors"]["recall@10"] == pytest.approx(1 / len(best[0]) / len(keys))
    assert scored["lines"]["rounds"] == 1 and scored["lines"]["rounds_left_out"] == len(keys) - 1
    assert scored["lines"]["unknown"] == 1 and scored["investor_to_rounds"]["recall@10"] == 0.0


def write_export(folder, companies, rounds, investments):
    header = {"companies": "permalink,name,category_code,region,founded_at",
              "rounds": "company_permalink,funding_round_type,funded_at,raised_amount_usd",
              "investments": "company_permalink,funding_round_type,funded_at,investor_permalink,investor_name,"
                             "investor_region"}
    for kind, rows in (("companies", companies), ("rounds", rounds), ("investments", investments)):
        text = "\r".join([header[kind]] + rows) + "\r"
        (folder / crunchbase.FILES[kind]).write_bytes(text.encode("mac_roman"))


def test_an_investor_is_placed_where_its_earliest_round_places_it_whatever_the_rows_order(tmp_path):
    """A complete export may place a fund elsewhere in a later row: the region read must be the one
    an export cut before that row also gives, so that later rows change nothing."""
    companies = ["/company/a,A,web,SF Bay,2009-01-01", "/company/b,B,web,Boston,2009-01-01"]
    rounds = ["/company/b,series-a,2013-03-01,2000000", "/company/a,seed,2011-05-01,500000"]
    investments = ["/company/b,series-a,2013-03-01,/financial-organization/f,F,Boston",
                   "/company/a,seed,2011-05-01,/financial-organization/f,F,SF Bay"]
    write_export(tmp_path, companies, rounds, investments)
    whole = load_crunchbase(tmp_path)
    assert whole.investors.region.tolist() == ["SF Bay"]
    write_export(tmp_path, companies[:1], rounds[1:], investments[1:])
    assert load_crunchbase(tmp_path).investors.region.tolist() == ["SF Bay"]


def test_the_command_reads_an_export_and_prints_every_method(tmp_path, capsys):
    companies, rounds, investments = [], [], []
    for k in range(12):
        company = f"/company/c{k}"
        companies.append(f"{company},Caf\u00e9 {k},{'web' if k % 2 else 'biotech'},SF Bay,2009-01-01")
        for year, kind in ((2010, "angel"), (2011, "series-a"), (2012, "series-b")):
            day = f"{year}-0{1 + k % 9}-15"
            rounds.append(f"{company},{kind},{day},{1_000_000 * (year - 2009)}")
            for inv in (f"/financial-organization/f{k % 3}", f"/person/p{k % 4}"):
                investments.append(f"{company},{kind},{day},{inv},X,SF Bay")
    write_export(tmp_path, companies, rounds, investments)
    out = tmp_path / "out.jsonl"
    assert main([str(tmp_path), "--train-until", "2012-01-01", "--min-train-rounds", "2", "--methods",
                 "random,most_active,sector_stage_earlier", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "12 test rounds" in printed and "most active investors" in printed
    # every company was seen before the split: no figure of new companies' rounds, shown as such
    [row] = [line for line in printed.splitlines() if line.startswith("| most active investors")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[4] == "-" and cells[5] == cells[1]  # new-company R@10 none; seen companies' is everyone's
    assert not out.exists()  # --out is for the learned ranker, which was not asked for
    assert main([str(tmp_path), "--train-until", "2012-01-01", "--min-train-rounds", "2", "--methods", "random",
                 "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["split"]["test_rounds"] == 12 and figures["split"]["new_company_rounds"] == 0
    assert figures["methods"]["random"]["round_to_investors"]["new_companies"]["recall@10"] is None
    ranked = tmp_path / "theirs.jsonl"  # another system's file: every test round, f0 then f1 first
    ranked.write_text("".join(json.dumps({"task": "round_to_investors",
                                          "round": f"/company/c{k}|series-b|2012-0{1 + k % 9}-15",
                                          "ranked": ["/financial-organization/f0",
                                                     "/financial-organization/f1"]}) + "\n"
                              for k in range(12)))
    assert main([str(tmp_path), "--train-until", "2012-01-01", "--min-train-rounds", "2", "--score", str(ranked),
                 "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)["methods"][str(ranked)]
    # f0 and f1 each backed four of the twelve companies (k % 3); each round has two relevant investors
    assert scored["round_to_investors"]["recall@10"] == pytest.approx(8 / 12 / 2)
    assert scored["lines"]["rounds"] == 12 and scored["lines"]["investors_left_out"] == 7


def test_the_module_command_refuses_a_candidate_rule_below_one_before_reading(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        main([str(tmp_path / "no-such-folder"), "--train-until", "2012-01-01", "--min-train-rounds", "0"])
    assert refused.value.code == 2 and "--min-train-rounds must be at least 1, not 0" in capsys.readouterr().err
