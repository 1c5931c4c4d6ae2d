"""Top-k lists with their reasons."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recommender.base import on_shortlist, top_k
from recommender.features import PairFeaturizer
from recommender.rank import _COLUMN, REASON_CODES, _values, explain, rank_investors, rank_rounds
from recommender.records import Dataset, Interaction, Investor, Round, RoundTable


@pytest.fixture(scope="module")
def later(data, cut):
    return data.rounds.take(np.flatnonzero(data.rounds.day >= cut)[:25])


def test_each_match_has_up_to_three_reasons_the_app_can_translate(ranker, later):
    lists = rank_investors(ranker, later, k=15)
    assert len(lists) == len(later) and all(len(m) == 15 for m in lists)
    seen = set()
    for matches in lists:
        for match in matches:
            assert len(match.reasons) <= 3
            for code, values in match.reasons:
                assert code in REASON_CODES and isinstance(values, dict)
                json.dumps(values)  # plain values only
                seen.add(code)
    assert "earlier_investor" in seen or "sector_stage_history" in seen


def test_an_earlier_investor_is_told_as_such(ranker, history, later):
    feat = ranker.featurizer_
    N = len(feat.investors_) + 1
    for r in range(len(later)):
        comp = np.searchsorted(feat.companies_, later.company[r])
        if comp < len(feat.companies_) and feat.companies_[comp] == later.company[r]:
            s, e = np.searchsorted(feat.earlier_keys_, [comp * N, (comp + 1) * N])
            if e > s:
                investor = feat.investors_[feat.earlier_keys_[s] % N]
                reasons = explain(ranker, later, [r], [investor], limit=12)[0]
                codes = dict(reasons)
                assert "earlier_investor" in codes and codes["earlier_investor"]["rounds"] >= 1
                return
    pytest.fail("no round of a company seen before in the sample")


def test_rounds_for_an_investor_are_round_keys(ranker, later):
    investor = ranker.investors_[0]
    [matches] = rank_rounds(ranker, [investor], later, k=5)
    assert len(matches) == 5 and all(m.id in set(later.key) for m in matches)


def test_scores_equal_but_for_their_last_bits_rank_in_position_order():
    # the same pair scored in blocks of different sizes may differ in its last bits (BLAS kernels)
    a = -1.3973085940021415
    b = np.nextafter(a, 0.0)  # one bit higher
    assert list(top_k(np.array([[0.0, a, b, -5.0]]), 3)[0]) == [0, 1, 2]
    assert list(top_k(np.array([[0.0, b, a, -5.0]]), 3)[0]) == [0, 1, 2]
    assert list(top_k(np.array([[0.0, a, a + 1e-6, -5.0]]), 3)[0]) == [0, 2, 1]  # a real difference counts


def test_a_pair_one_bit_from_the_shortlists_edge_is_on_it_in_both_scorings():
    # the exhaustive ranking and the serving index must re-score the same pairs, or their orders split
    a = -1.3973085940021415
    b = np.nextafter(a, 0.0)
    exhaustive, index = np.array([3.0, a, b, -5.0]), np.array([3.0, b, a, -5.0])
    assert list(on_shortlist(exhaustive, 2)) == list(on_shortlist(index, 2)) == [True, True, True, False]
    assert list(on_shortlist(np.array([3.0, a, a + 1e-6, -5.0]), 2)) == [True, False, True, False]
    rows = np.array([[3.0, a, b], [b, 3.0, a]])
    assert on_shortlist(rows, 1, axis=1).tolist() == [[True, False, False], [False, True, False]]
    assert on_shortlist(rows, 1, axis=0).tolist() == [[True, False, True], [False, True, True]]  # b, a tie


def test_a_reason_counts_only_the_rounds_funded_not_the_thesis_or_intros():
    """A fund that funded three biotech seed rounds in Pudong, had intros accepted on two chip rounds,
    and declares chips, series A, Minhang and tickets of 5M to 50M: on a chip deal nothing it
    declares reads as a round funded; on a biotech deal the counts are its three rounds, and the amount
    is told against the deals it funded, not against their range joined to its ticket or the intros'."""
    rounds = [Round("a|seed|2011-03-01", "a", "2011-03-01", sector="bio", stage="seed", stage_rank=1,
                    region="pudong", amount=1e6),
              Round("b|seed|2011-06-01", "b", "2011-06-01", sector="bio", stage="seed", stage_rank=1,
                    region="pudong", amount=2e6),
              Round("e|seed|2011-08-01", "e", "2011-08-01", sector="bio", stage="seed", stage_rank=1,
                    region="pudong", amount=3e6),
              Round("c|series_a|2011-09-01", "c", "2011-09-01", sector="ic", stage="series_a", stage_rank=3,
                    region="minhang", amount=8e6),
              Round("d|series_a|2011-10-01", "d", "2011-10-01", sector="ic", stage="series_a", stage_rank=3,
                    region="minhang", amount=9e6)]
    links = [Interaction("fund", "a|seed|2011-03-01"), Interaction("fund", "b|seed|2011-06-01"),
             Interaction("fund", "e|seed|2011-08-01"),
             Interaction("fund", "c|series_a|2011-09-01", kind="intro_accepted"),
             Interaction("fund", "d|series_a|2011-10-01", kind="intro_accepted"),
             Interaction("other", "c|series_a|2011-09-01"), Interaction("other", "d|series_a|2011-10-01")]
    fund = Investor("fund", kind="vc", sectors=("ic",), regions=("minhang",), stage_min=3, stage_max=3,
                    ticket_min=5e6, ticket_max=5e7)
    feat = PairFeaturizer().fit(Dataset.from_records(rounds, links, [fund], as_of="2012-01-01"))
    i = int(feat.investor_index(["fund"])[0])

    def told(company="n", **round_fields):
        table = RoundTable.from_records([Round(f"{company}|x|2011-12-01", company, "2011-12-01", **round_fields)])
        x = feat.transform(table, [0], [i])[0].tolist()
        return {code: _values(code, feat, table, 0, i, x, _COLUMN) for code in
                ("sector_stage_history", "sector_history", "stage_history", "region", "ticket_fit", "active_investor",
                 "earlier_investor")}

    chips = told(sector="ic", stage="series_a", stage_rank=3, region="minhang", amount=1e7)
    assert chips["sector_history"] == {"sector": "ic", "count": 0}  # the thesis declares it: "covers"
    assert chips["stage_history"] == {"stage": "series_a", "count": 0}
    assert chips["region"] == {"region": "minhang", "count": 0, "home": False}
    assert chips["sector_stage_history"] is None  # an intro is no round funded, and nothing declares it
    assert chips["ticket_fit"] == {"low": 5e6, "high": 5e7, "amount": 1e7, "deals": False}
    biotech = told(sector="bio", stage="seed", stage_rank=1, region="pudong", amount=1.5e6)
    assert biotech["sector_stage_history"] == {"sector": "bio", "stage": "seed", "count": 3}
    assert biotech["sector_history"]["count"] == biotech["stage_history"]["count"] == 3
    assert biotech["region"]["count"] == 3
    # its past deals are the rounds it funded, 1M to 3M (10th to 90th percentile: 1M to 2M), not the
    # chip rounds of 8M and 9M it was introduced to; joined to its ticket they would read 1M to 50M
    assert biotech["ticket_fit"] == {"low": 1e6, "high": 2e6, "amount": 1.5e6, "deals": True}
    assert told(sector="bio", stage="seed", stage_rank=1, region="pudong", amount=4e6)["ticket_fit"] is None
    assert biotech["active_investor"]["rounds_last_year"] == 3
    # a company it was introduced to is one it has been in touch with, not one it invested in
    assert told("c", sector="ic", stage="series_b", stage_rank=4, amount=2e7)["earlier_investor"]["rounds"] == 0
    assert told("a", sector="bio", stage="series_a", stage_rank=3, amount=5e6)["earlier_investor"]["rounds"] == 1
