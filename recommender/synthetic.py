"""Synthetic venture histories with the skew of real ones, for tests and benchmarks.

Investor activity is Zipfian; sectors and regions are Zipfian too; each investor prefers a few
sectors, a band of stages and its home region; companies raise a ladder of rounds a year or so
apart, their earlier investors often following on; amounts grow with the stage (log-normal).
Everything is drawn from one seeded generator, vectorized.
"""
from __future__ import annotations

import numpy as np

from .records import Dataset, InvestorTable, RoundTable

STAGES = ("seed", "series_a", "series_b", "series_c_plus")
KINDS = ("angel", "vc", "corporate")
START_DAY = 12_784  # 2005-01-01


def make_dataset(n_interactions: int = 10_000, seed: int = 0, n_sectors: int = 24, n_regions: int = 30,
                 years: int = 8, follow_rate: float = 0.45) -> Dataset:
    """A ``Dataset`` of about ``n_interactions`` investments spread over ``years`` years."""
    rng = np.random.default_rng(seed)
    n_inv = max(40, n_interactions // 35)
    n_rounds = max(20, int(n_interactions / 1.8))
    # investors: Zipfian activity, a home region, a kind, 1-3 preferred sectors, a stage band
    activity = 1.0 / np.arange(1, n_inv + 1) ** 0.75
    activity = rng.permutation(activity)
    sector_pop = 1.0 / np.arange(1, n_sectors + 1) ** 0.8
    sector_pop /= sector_pop.sum()
    region_pop = 1.0 / np.arange(1, n_regions + 1) ** 1.1
    region_pop /= region_pop.sum()
    home = rng.choice(n_regions, n_inv, p=region_pop)
    kind = rng.choice(len(KINDS), n_inv, p=[0.3, 0.6, 0.1])
    prefs = rng.choice(n_sectors, (n_inv, 3), p=sector_pop)
    n_prefs = rng.integers(1, 4, n_inv)
    stage_lo = np.where(kind == 0, 0, rng.integers(0, 3, n_inv))
    stage_hi = np.minimum(stage_lo + np.where(kind == 0, 1, rng.integers(1, 3, n_inv)), len(STAGES) - 1)

    # companies raise ladders of rounds
    n_comp = max(10, int(n_rounds / 1.9))
    comp_sector = rng.choice(n_sectors, n_comp, p=sector_pop)
    comp_region = rng.choice(n_regions, n_comp, p=region_pop)
    comp_start = START_DAY + rng.integers(0, 365 * years, n_comp)
    length = np.minimum(1 + rng.geometric(0.45, n_comp) - 1, len(STAGES))
    length = np.maximum(length, 1)
    comp = np.repeat(np.arange(n_comp), length)
    gen = np.concatenate([np.arange(k) for k in length])
    day = comp_start[comp] + gen * rng.integers(250, 560, len(comp))
    keep = day < START_DAY + 365 * years
    comp, gen, day = comp[keep], gen[keep], day[keep]
    stage = np.minimum(gen + (rng.random(len(gen)) < 0.2), len(STAGES) - 1)
    amount = np.round(10 ** (5.5 + 0.55 * stage + rng.normal(0, 0.35, len(stage))), -3)
    amount[rng.random(len(amount)) < 0.08] = np.nan
    n_r = len(comp)
    slots = np.minimum(1 + rng.poisson(0.9 + 0.4 * stage), 8)

    # pools: investors of each (sector, stage) by affinity x activity, of each region, and everyone
    likes = np.zeros((n_inv, n_sectors), bool)
    for j in range(3):
        likes[np.arange(n_inv), prefs[:, j]] |= j < n_prefs
    pools = {}
    for s in range(n_sectors):
        for t in range(len(STAGES)):
            w = activity * likes[:, s] * ((stage_lo <= t) & (stage_hi >= t))
            pools[(s, t)] = np.cumsum(w) / w.sum() if w.sum() > 0 else None
    region_cum = {}
    for g in range(n_regions):
        w = activity * (home == g)
        region_cum[g] = np.cumsum(w) / w.sum() if w.sum() > 0 else None
    all_cum = np.cumsum(activity) / activity.sum()

    slot_round = np.repeat(np.arange(n_r), slots)
    slot_inv = np.full(len(slot_round), -1, dtype=np.int64)
    source = rng.random(len(slot_round))
    u = rng.random(len(slot_round))
    # content-driven slots
    cs = comp_sector[comp[slot_round]]
    st = stage[slot_round]
    rg = comp_region[comp[slot_round]]
    for (s, t), cum in pools.items():
        m = (source < 0.6) & (cs == s) & (st == t)
        if cum is not None and m.any():
            slot_inv[m] = np.searchsorted(cum, u[m])
    for g, cum in region_cum.items():
        m = (source >= 0.6) & (source < 0.85) & (rg == g)
        if cum is not None and m.any():
            slot_inv[m] = np.searchsorted(cum, u[m])
    m = slot_inv < 0
    slot_inv[m] = np.searchsorted(all_cum, u[m])
    slot_inv = np.minimum(slot_inv, n_inv - 1)
    # follow-ons: a slot of a later round may go to an investor of the company's previous round
    prev = np.full(n_r, -1)
    order = np.lexsort((gen, comp))
    same = np.r_[False, comp[order][1:] == comp[order][:-1]]
    prev[order[same]] = order[np.flatnonzero(same) - 1]
    starts = np.r_[0, np.cumsum(slots)[:-1]]
    for g in range(1, len(STAGES)):
        rounds_g = np.flatnonzero((gen == g) & (prev >= 0))
        if len(rounds_g) == 0:
            continue
        is_slot = np.isin(slot_round, rounds_g) & (rng.random(len(slot_round)) < follow_rate)
        p = prev[slot_round[is_slot]]
        pick = starts[p] + rng.integers(0, slots[p])
        slot_inv[is_slot] = slot_inv[pick]

    pairs = np.unique(slot_round * n_inv + slot_inv)
    rr, ii = pairs // n_inv, pairs % n_inv
    iso = (np.datetime64("1970-01-01") + day.astype("timedelta64[D]")).astype(str)
    keys = np.array([f"c{c}|{STAGES[s]}|{d}" for c, s, d in zip(comp, stage, iso)], dtype=object)
    rounds = RoundTable(
        key=keys, company=np.array([f"c{c}" for c in comp], dtype=object), day=day.astype(np.int64),
        sector=np.array([f"s{s}" for s in comp_sector[comp]], dtype=object),
        sector_group=np.array([f"g{s % 5}" for s in comp_sector[comp]], dtype=object),
        stage=np.array([STAGES[s] for s in stage], dtype=object), stage_rank=stage.astype(np.float64) + 1.0,
        region=np.array([f"r{g}" for g in comp_region[comp]], dtype=object), amount=amount,
        text=np.full(n_r, "", dtype=object), incubator=np.full(n_r, "", dtype=object))
    ids = np.array([f"i{k:06d}" for k in range(n_inv)], dtype=object)
    investors = InvestorTable.from_records(
        {"id": ids[k], "region": f"r{home[k]}", "kind": KINDS[kind[k]]} for k in range(n_inv))
    return Dataset(rounds=rounds, investor=ids[ii], round=rr.astype(np.int64), kind=np.full(len(rr), "funded", dtype=object),
                   investors=investors, as_of=START_DAY + 365 * years)
