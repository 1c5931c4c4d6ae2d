"""Table helpers: distinct values and investor counts, whatever the investor table holds."""
from __future__ import annotations

import dataclasses

import numpy as np

from recommender.records import Dataset, Interaction, Investor, InvestorTable, Round, distinct


def test_distinct_values_are_numpys_unique_ones():
    for values in (np.array([5, 1, 5, 3, 1], np.int64), np.array(["b", "a", "b"]), np.array([2.0, np.nan, np.nan, 2.0]),
                   np.array(["y", "x", "y"], dtype=object), np.zeros(0, np.int64)):
        got, want = distinct(values), np.unique(values)
        assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=values.dtype.kind == "f")


def test_an_investors_rounds_are_counted_once_whether_or_not_the_table_lists_it():
    rounds = [Round(key=f"r{k}", company=f"c{k}", date=f"2020-0{k}-01") for k in range(1, 4)]
    links = [Interaction(investor=who, round=r, kind="funded")
             for who, r in (("ann", "r1"), ("ann", "r2"), ("ann", "r2"), ("bo", "r3"), ("cy", "r1"))]
    links.append(Interaction(investor="cy", round="r2", kind="dismissed"))
    data = Dataset.from_records(rounds, links, [Investor(id="ann")])
    assert [x.tolist() for x in data.investor_rounds(1)] == [["ann", "bo", "cy"], [2, 1, 1]]
    assert [x.tolist() for x in data.investor_rounds(2)] == [["ann"], [2]]
    # a table that does not hold every investor (built by hand, not by from_records): the same counts
    short = dataclasses.replace(data, investors=InvestorTable.from_records([Investor(id="ann")]))
    assert [x.tolist() for x in short.investor_rounds(1)] == [["ann", "bo", "cy"], [2, 1, 1]]
