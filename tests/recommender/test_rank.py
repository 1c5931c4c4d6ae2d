"""Top-k lists with their reasons."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recommender.base import on_shortlist, top_k
from recommender.rank import REASON_CODES, explain, rank_investors, rank_rounds


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
