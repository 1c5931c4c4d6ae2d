"""Synthetic venture histories with the skew of real ones, for tests and benchmarks.

Investor activity is Zipfian; sectors and regions are Zipfian too; each investor prefers a few
sectors, a band of stages and its home region; companies raise a ladder of rounds a year or so
apart, their earlier investors often following on; amounts grow with the stage (log-normal).
Everything is drawn from one seeded generator, vectorized.

``make_marketplace`` adds what the web app serves from: theses the investors declare (their
sectors, stage band, ticket range, home region, a few words, an incubator), newcomers with a
thesis and no history, and open needs (follow-ons of companies seen before, and new companies).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .records import Dataset, InvestorTable, RoundTable, distinct

STAGES = ("seed", "series_a", "series_b", "series_c_plus")
KINDS = ("angel", "vc", "corporate")
START_DAY = 12_784  # 2005-01-01
# Words of each sector's texts (sector s uses SECTOR_WORDS[s % len]), and words every text may use.
SECTOR_WORDS = ("biotech", "chips", "software", "robotics", "batteries", "fintech", "medtech", "games",
                "logistics", "materials", "optics", "sensors", "drones", "genomics", "cloud", "security",
                "retail", "education", "farming", "satellites", "vaccines", "lasers", "mobility", "energy")
COMMON_WORDS = ("platform", "team", "growth", "market", "customers", "patents", "revenue", "pilot", "china",
                "shanghai", "export", "scale")


def make_dataset(n_interactions: int = 10_000, seed: int = 0, n_sectors: int = 24, n_regions: int = 30,
                 years: int = 8, follow_rate: float = 0.45) -> Dataset:
    """A ``Dataset`` of about ``n_interactions`` investments spread over ``years`` years."""
    return _draw_history(np.random.default_rng(seed), n_interactions, n_sectors, n_regions, years, follow_rate)[0]


def _draw_history(rng, n_interactions, n_sectors, n_regions, years, follow_rate):
    """(the ``Dataset``, the investors' and companies' hidden traits) drawn from ``rng``."""
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

    pairs = distinct(slot_round * n_inv + slot_inv)
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
    data = Dataset(rounds=rounds, investor=ids[ii], round=rr.astype(np.int64),
                   kind=np.full(len(rr), "funded", dtype=object), investors=investors, as_of=START_DAY + 365 * years)
    traits = {"home": home, "kind": kind, "prefs": prefs, "n_prefs": n_prefs, "stage_lo": stage_lo,
              "stage_hi": stage_hi, "sector_pop": sector_pop, "region_pop": region_pop,
              "comp_sector": comp_sector, "comp_region": comp_region, "round_comp": comp, "round_stage": stage}
    return data, traits


@dataclass
class Marketplace:
    """A history to learn from, the investors who may be served (``history.investors``: most declare
    a thesis, newcomers have no history) and the open needs (dated on ``history.as_of`` or within
    90 days after)."""

    history: Dataset
    needs: RoundTable


def make_marketplace(n_needs: int = 100_000, n_investors: int = 10_000, seed: int = 0,
                     n_interactions: int | None = None, n_sectors: int = 24, n_regions: int = 30,
                     follow_share: float = 0.3, incubators: int = 40) -> Marketplace:
    """A seeded ``Marketplace``: ``n_interactions`` of history (default: enough for 60% of the
    investors), ``n_investors`` investors, ``n_needs`` open needs (``follow_share`` of them new
    rounds of companies seen before, the others first rounds of new companies)."""
    rng = np.random.default_rng(seed)
    n_interactions = int(n_investors * 0.6 * 35) if n_interactions is None else n_interactions
    history, t = _draw_history(rng, n_interactions, n_sectors, n_regions, 8, 0.45)
    n_old = len(history.investors)
    # newcomers: the same kinds of tastes, no history
    n_new = max(n_investors - n_old, 0)
    home = np.r_[t["home"], rng.choice(n_regions, n_new, p=t["region_pop"])]
    kind = np.r_[t["kind"], rng.choice(len(KINDS), n_new, p=[0.3, 0.6, 0.1])]
    prefs = np.r_[t["prefs"], rng.choice(n_sectors, (n_new, 3), p=t["sector_pop"])]
    n_prefs = np.r_[t["n_prefs"], rng.integers(1, 4, n_new)]
    stage_lo = np.r_[t["stage_lo"], np.where(kind[n_old:] == 0, 0, rng.integers(0, 3, n_new))]
    stage_hi = np.r_[t["stage_hi"], np.minimum(stage_lo[n_old:] + rng.integers(1, 3, n_new), len(STAGES) - 1)]
    n = n_old + n_new
    declares = rng.random((n, 5)) < [0.8, 0.6, 0.5, 0.4, 0.1]  # sectors, stages, tickets, regions, incubator
    words = rng.choice(COMMON_WORDS, (n, 2))
    ids = np.array([f"i{k:06d}" for k in range(n)], dtype=object)
    incubator = rng.integers(0, incubators, n)
    records = []
    for k in range(n):
        sectors = tuple(f"s{s}" for s in dict.fromkeys(prefs[k, :n_prefs[k]])) if declares[k, 0] else ()
        lo, hi = 10 ** (5.2 + 0.55 * stage_lo[k]), 10 ** (5.8 + 0.55 * stage_hi[k])
        text = " ".join([SECTOR_WORDS[s % len(SECTOR_WORDS)] for s in prefs[k, :n_prefs[k]]] + list(words[k]))
        records.append({
            "id": ids[k], "region": f"r{home[k]}", "kind": KINDS[kind[k]], "sectors": sectors,
            "stage_min": stage_lo[k] + 1.0 if declares[k, 1] else None,
            "stage_max": stage_hi[k] + 1.0 if declares[k, 1] else None,
            "ticket_min": round(lo, -3) if declares[k, 2] else None,
            "ticket_max": round(hi, -3) if declares[k, 2] else None,
            "regions": (f"r{home[k]}",) if declares[k, 3] else (), "text": text if declares[k, 0] else "",
            "incubators": (f"inc{incubator[k]}",) if declares[k, 4] else ()})
    history = Dataset(rounds=history.rounds, investor=history.investor, round=history.round, kind=history.kind,
                      investors=InvestorTable.from_records(records), as_of=history.as_of)
    return Marketplace(history, _draw_needs(rng, history, t, n_needs, n_sectors, n_regions, follow_share, incubators))


def _draw_needs(rng, history: Dataset, t: dict, n_needs: int, n_sectors: int, n_regions: int,
                follow_share: float, incubators: int) -> RoundTable:
    """Open needs: a next round of a company seen before, or a first round of a new company."""
    n_comp = len(t["comp_sector"])
    follow = rng.random(n_needs) < follow_share
    comp = np.where(follow, rng.integers(0, n_comp, n_needs), n_comp + np.arange(n_needs))
    last_stage = np.full(n_comp, -1)
    np.maximum.at(last_stage, t["round_comp"], t["round_stage"])
    sector = np.where(follow, t["comp_sector"][np.minimum(comp, n_comp - 1)],
                      rng.choice(n_sectors, n_needs, p=t["sector_pop"]))
    region = np.where(follow, t["comp_region"][np.minimum(comp, n_comp - 1)],
                      rng.choice(n_regions, n_needs, p=t["region_pop"]))
    stage = np.where(follow, np.minimum(last_stage[np.minimum(comp, n_comp - 1)] + 1, len(STAGES) - 1),
                     rng.choice(len(STAGES), n_needs, p=[0.45, 0.3, 0.15, 0.1]))
    amount = np.round(10 ** (5.5 + 0.55 * stage + rng.normal(0, 0.35, n_needs)), -3)
    amount[rng.random(n_needs) < 0.08] = np.nan
    words = rng.choice(COMMON_WORDS, (n_needs, 3))
    text = np.array([f"{SECTOR_WORDS[s % len(SECTOR_WORDS)]} {a} {b} {c}" for s, (a, b, c) in zip(sector, words)],
                    dtype=object)
    text[rng.random(n_needs) < 0.2] = ""
    incubator = np.array([f"inc{k}" for k in rng.integers(0, incubators, n_needs)], dtype=object)
    incubator[rng.random(n_needs) < 0.7] = ""
    return RoundTable(
        key=np.array([f"need{k}" for k in range(n_needs)], dtype=object),
        company=np.array([f"c{c}" for c in comp], dtype=object),
        day=(history.as_of + rng.integers(0, 90, n_needs)).astype(np.int64),
        sector=np.array([f"s{s}" for s in sector], dtype=object),
        sector_group=np.array([f"g{s % 5}" for s in sector], dtype=object),
        stage=np.array([STAGES[s] for s in stage], dtype=object), stage_rank=stage.astype(np.float64) + 1.0,
        region=np.array([f"r{g}" for g in region], dtype=object), amount=amount, text=text, incubator=incubator)
