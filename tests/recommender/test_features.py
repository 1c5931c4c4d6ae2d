"""Pair features: only the history speaks, newcomers are described by what they declare."""
from __future__ import annotations

import numpy as np
import pytest

from recommender.evaluate import make_split
from recommender.features import FEATURE_NAMES, PairFeaturizer, tokens
from recommender.records import Dataset, Interaction, Investor, Round, RoundTable, lookup
from recommender.synthetic import make_marketplace

COL = {n: k for k, n in enumerate(FEATURE_NAMES)}


def test_what_happens_after_the_split_never_changes_the_features(data, cut):
    split = make_split(data, cut, min_train_rounds=3)
    feat = PairFeaturizer().fit(split.history)
    idx = feat.investor_index(split.candidates)
    rr, ii = np.repeat(np.arange(20), len(idx)), np.tile(idx, 20)
    before = feat.transform(split.rounds, rr, ii)
    assert not np.isinf(before).any()
    # who joined the later rounds (the answers) is shuffled: the features must not move
    later = data.rounds.day[data.round] >= cut
    shuffled = data.investor.copy()
    shuffled[later] = np.random.default_rng(0).permutation(shuffled[later])
    other = Dataset(rounds=data.rounds, investor=shuffled, round=data.round, kind=data.kind,
                    investors=data.investors, as_of=data.as_of)
    again = PairFeaturizer().fit(make_split(other, cut, min_train_rounds=3).history)
    np.testing.assert_array_equal(again.transform(split.rounds, rr, ii), before)


@pytest.fixture
def small():
    rounds = [Round("a|seed|2010-01-01", "a", "2010-01-01", sector="ic", stage="seed", stage_rank=1, region="pudong",
                    amount=1e6),
              Round("b|seed|2010-06-01", "b", "2010-06-01", sector="ic", stage="seed", stage_rank=1, region="pudong",
                    amount=2e6),
              Round("c|series_a|2011-01-01", "c", "2011-01-01", sector="bio", stage="series_a", stage_rank=3,
                    region="minhang", amount=8e6)]
    links = [Interaction("fund", "a|seed|2010-01-01"), Interaction("angel", "a|seed|2010-01-01"),
             Interaction("angel", "b|seed|2010-06-01"), Interaction("fund", "c|series_a|2011-01-01")]
    investors = [Investor("thesis-only", sectors=("bio",), stage_min=3, stage_max=4, ticket_min=5e6, ticket_max=2e7,
                          text="生物医药 antibodies"),
                 Investor("fund", region="pudong", kind="vc")]
    return Dataset.from_records(rounds, links, investors, as_of="2012-01-01")


def query(**kw):
    base = dict(key="a|series_a|2012-02-01", company="a", date="2012-02-01", sector="ic", stage="series_a",
                stage_rank=3, region="pudong", amount=5e6)
    base.update(kw)
    return RoundTable.from_records([Round(**base)])


def features(feat, table, investor):
    return feat.transform(table, [0], feat.investor_index([investor]))[0]


def test_earlier_investors_and_their_partners(small):
    feat = PairFeaturizer().fit(small)
    f = features(feat, query(), "fund")
    assert f[COL["earlier_rounds"]] == 1 and f[COL["in_last_round"]] == 1 and f[COL["stage_step"]] == 2
    g = features(feat, query(), "angel")  # also backed "a": earlier, and co-invested with "fund"
    assert g[COL["earlier_rounds"]] == 1 and g[COL["coinvest_partners"]] == 1
    h = features(feat, query(company="zzz"), "fund")
    assert h[COL["earlier_rounds"]] == 0 and np.isnan(h[COL["earlier_days"]])


def test_profiles_count_sectors_stages_and_regions(small):
    feat = PairFeaturizer().fit(small)
    f = features(feat, query(company="new"), "angel")
    assert f[COL["sector_count"]] == 2 and f[COL["sector_share"]] == pytest.approx(1.0)
    assert f[COL["region_count"]] == 2 and f[COL["stage_count"]] == 0
    assert f[COL["profile_cosine"]] > 0
    assert features(feat, query(company="new"), "fund")[COL["region_match"]] == 1


def test_a_newcomer_is_described_by_its_thesis(small):
    feat = PairFeaturizer().fit(small)
    fit = features(feat, query(company="n", sector="bio", text="antibodies for 生物医药"), "thesis-only")
    miss = features(feat, query(company="n", sector="ic", amount=1e5, text="chips"), "thesis-only")
    assert fit[COL["sector_share"]] > 0 and miss[COL["sector_share"]] == 0
    assert fit[COL["thesis_fit"]] == 1 and miss[COL["thesis_fit"]] == pytest.approx(1 / 3)
    assert fit[COL["text_similarity"]] > miss[COL["text_similarity"]] >= 0
    assert fit[COL["log_rounds"]] == 0
    unknown = features(feat, query(), "nobody")
    assert unknown[COL["log_rounds"]] == 0 and np.isnan(unknown[COL["thesis_fit"]])


def test_a_newcomer_that_declares_nothing_is_described_by_its_kind():
    """Angels fund small seed rounds and funds large series B ones: a new angel with no history and
    no thesis gets the angels' stages and amounts, a new fund the funds', and a newcomer that declares
    a thesis (here sectors only) keeps its own description."""
    rounds, links = [], []
    for i in range(4):
        rounds += [Round(f"s{i}|seed|2011-0{i + 1}-01", f"s{i}", f"2011-0{i + 1}-01", sector="ic", stage="seed",
                         stage_rank=1, amount=1e6),
                   Round(f"b{i}|series_b|2011-0{i + 1}-01", f"b{i}", f"2011-0{i + 1}-01", sector="ic",
                         stage="series_b", stage_rank=4, amount=1e8)]
        links += [Interaction(f"angel{i % 2}", f"s{i}|seed|2011-0{i + 1}-01"),
                  Interaction(f"fund{i % 2}", f"b{i}|series_b|2011-0{i + 1}-01")]
    investors = [*(Investor(f"angel{i}", kind="angel") for i in range(2)), *(Investor(f"fund{i}", kind="vc")
                                                                             for i in range(2)),
                 Investor("new-angel", kind="angel"), Investor("new-fund", kind="vc"),
                 Investor("new-angel-with-sectors", kind="angel", sectors=("ic",))]
    feat = PairFeaturizer().fit(Dataset.from_records(rounds, links, investors, as_of="2012-01-01"))
    seed = query(company="n1", stage="seed", stage_rank=1, amount=1e6)
    later = query(company="n2", stage="series_b", stage_rank=4, amount=1e8)
    share = {(who, name): features(feat, table, who)[COL["stage_share"]]
             for who in ("new-angel", "new-fund", "new-angel-with-sectors") for name, table in (("seed", seed),
                                                                                                ("b", later))}
    assert share[("new-angel", "seed")] == pytest.approx(1.0) and share[("new-angel", "b")] == 0
    assert share[("new-fund", "b")] == pytest.approx(1.0) and share[("new-fund", "seed")] == 0
    assert share[("new-angel-with-sectors", "seed")] == share[("new-angel-with-sectors", "b")] == 0
    assert features(feat, seed, "new-angel")[COL["amount_band_share"]] > features(feat, later, "new-angel")[
        COL["amount_band_share"]]
    prior = dict(zip(feat.investors_, feat.kind_prior_))
    assert prior == {"angel0": False, "angel1": False, "fund0": False, "fund1": False, "new-angel": True,
                     "new-fund": True, "new-angel-with-sectors": False}
    assert features(feat, seed, "new-angel")[COL["log_rounds"]] == 0  # still no history of its own


def test_a_round_in_several_sectors_fits_a_thesis_that_covers_any_of_them(small):
    """The thesis covers biotech: a chips-and-biotech round meets it on sector as a biotech round does,
    in a table of such rounds and alone, and in a block of pairs of several investors."""
    feat = PairFeaturizer().fit(small)
    both = query(company="n", sector="ic", sectors=("ic", "bio"), sector_groups=("ict", "life"))
    chips = query(company="n", sector="ic")
    assert features(feat, both, "thesis-only")[COL["thesis_fit"]] == 1
    assert features(feat, chips, "thesis-only")[COL["thesis_fit"]] == pytest.approx(2 / 3)
    table = RoundTable.from_records([*both.records(), *chips.records()])
    i = feat.investor_index(["thesis-only", "fund"])
    pairs = feat.transform(table, [0, 1, 0, 1], [i[0], i[0], i[1], i[1]])[:, COL["thesis_fit"]]
    assert pairs[:2].tolist() == pytest.approx([1, 2 / 3]) and np.isnan(pairs[2:]).all()
    # a server's side of many rounds, read for one investor: a few of its rounds, then all of them
    side = feat.round_side(RoundTable.from_records([*chips.records()] * 10 + [*both.records()] * 2))
    fit = {rows: feat.content_columns(side, np.array(rows), np.full(len(rows), i[0]), ["thesis_fit"])["thesis_fit"]
           for rows in ((0, 11), tuple(range(12)))}
    assert fit[(0, 11)].tolist() == pytest.approx([2 / 3, 1])
    assert fit[tuple(range(12))].tolist() == pytest.approx([2 / 3] * 10 + [1, 1])


def test_a_round_asking_for_a_range_meets_a_ticket_range_that_overlaps_it(small):
    """The thesis asks for tickets of 5M to 20M: a round of 15M to 30M overlaps it, one of 25M to 30M
    does not, and a round of one amount (30M) is judged by that amount."""
    feat = PairFeaturizer().fit(small)
    fit = {amounts: features(feat, query(company="n", sector="bio", amount=amounts[1], amount_min=amounts[0]),
                             "thesis-only")[COL["thesis_fit"]]
           for amounts in ((15e6, 30e6), (25e6, 30e6), (None, 30e6))}
    assert fit == {(15e6, 30e6): 1, (25e6, 30e6): pytest.approx(2 / 3), (None, 30e6): pytest.approx(2 / 3)}


def test_an_id_longer_than_every_known_one_is_unknown_even_when_it_begins_with_one():
    known = np.array(["c1", "c12", "c123"])
    assert lookup(known, ["c1234", "c12", "c123", "c12345", "b"]).tolist() == [3, 1, 2, 3, 3]
    assert lookup(known.astype(object), ["c1234", "c12"]).tolist() == [3, 1]


def test_chinese_text_is_cut_into_character_pairs():
    assert tokens("张江 Biotech 药") == ["biotech", "张江", "药"]
    assert tokens("集成电路") == ["集成", "成电", "电路"]


def test_the_serving_paths_give_the_general_transforms_rows(history, data, cut):
    """A round side kept for all rounds, one investor at a time, equals pairs drawn at random."""
    feat = PairFeaturizer().fit(history)
    rounds = data.rounds.take(np.flatnonzero(data.rounds.day >= cut - 400))  # seen companies and new ones
    rng = np.random.default_rng(0)
    n_inv = len(feat.investors_) + 1
    r, i = rng.integers(0, len(rounds), 5_000), rng.integers(0, n_inv, 5_000)
    i[:400] = i[0]  # one investor's pairs among the others
    pairs = feat.transform(rounds, r, i)
    side = feat.round_side(rounds)
    np.testing.assert_array_equal(feat.transform_side(side, r, i), pairs)
    np.testing.assert_array_equal(feat.transform_side(side, r[:400], i[:400]), pairs[:400])
    np.testing.assert_array_equal(feat.transform(rounds, r[:400], i[:400]), pairs[:400])


def test_content_values_stay_in_their_ranges():
    market = make_marketplace(1_000, 200, seed=5)  # texts, theses, incubators
    feat = PairFeaturizer().fit(market.history)
    rounds = market.needs
    side = feat.round_side(rounds)
    assert side.text is not None and feat.thesis_incubators_.nnz
    for i in range(0, len(feat.investors_) + 1, 7):
        values = feat.content_columns(side, np.arange(len(rounds)), np.full(len(rounds), i))
        for name, (low, high) in feat.content_ranges(side, i).items():
            if name in values:
                x = values[name][np.isfinite(values[name])]
                assert np.all((x >= low - 1e-9) & (x <= high + 1e-9)), name


def test_investors_with_texts_and_no_rounds_at_all_fit():
    """A new marketplace: theses written, nothing raised yet."""
    from recommender.features import PairFeaturizer
    from recommender.records import Dataset, RoundTable

    data = Dataset.from_records([], [], [{"id": "org:1", "text": "集成电路 chips", "sectors": ("ic",)}], as_of="2026-01-01")
    feat = PairFeaturizer().fit(data)
    rounds = RoundTable.from_records([{"key": "need:1", "company": "c", "date": "2025-12-01", "sector": "ic",
                                       "text": "chips"}])
    x = feat.transform(rounds, [0], feat.investor_index(["org:1"]))
    assert x.shape == (1, len(feat.feature_names_)) and x[0, list(feat.feature_names_).index("text_similarity")] > 0
