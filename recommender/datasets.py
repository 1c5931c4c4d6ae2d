"""Crunchbase exports as plain records: the one place that knows Crunchbase's column names.

``recommender.crunchbase`` reads the files; this module maps its rows to ``records``: the
company's ``category_code`` is the sector (grouped by ``SECTOR_GROUPS``), the round type is the
stage label and its rung on the marketplace's ladder the stage rank, the company's region is the
region, ``raised_amount_usd`` the amount; an investment is an interaction of kind "funded".
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from . import crunchbase
from .records import Dataset, Interaction, Investor, Round

# The marketplace's stage ladder; a rung's position is its stage rank.
LADDER = ("concept", "seed", "pre_a", "series_a", "series_b", "series_c_plus", "pre_ipo")

# Crunchbase's categories in a few broad groups (the "same group" of a sector match).
SECTOR_GROUPS = {
    "internet": ("web", "social", "search", "messaging", "news", "ecommerce", "advertising", "games_video",
                 "photo_video", "music", "mobile", "network_hosting", "public_relations", "local", "travel",
                 "real_estate", "legal", "education", "finance"),
    "enterprise_it": ("software", "enterprise", "analytics", "security", "consulting", "government"),
    "hardware": ("hardware", "semiconductor", "nanotech", "manufacturing"),
    "life_sciences": ("biotech", "medical", "health"),
    "cleantech_mobility": ("cleantech", "automotive", "transportation"),
    "consumer": ("fashion", "design", "hospitality", "pets", "sports"),
    "other": ("other", "nonprofit"),
}
GROUP_OF_SECTOR = {sector: group for group, sectors in SECTOR_GROUPS.items() for sector in sectors}
UNPLACED = (date.max, "")  # (the day, the region) of an investor no dated row has placed yet


def stage_rank(round_type: str) -> float | None:
    stage = crunchbase.STAGE_BY_ROUND_TYPE.get(round_type)
    return float(LADDER.index(stage)) if stage in LADDER else None


def _amount(text: str) -> float | None:
    try:
        value = crunchbase.parse_amount(text)
    except ValueError:
        return None
    return float(value) if value else None  # 0 means "not disclosed" in the export


def _date(text: str):
    try:
        return crunchbase.parse_date(text)
    except ValueError:
        return None


def load_crunchbase(directory: str | Path, progress: Callable[[str], None] | None = None) -> Dataset:
    """Every round, investment and investor of an export, as a ``Dataset``.

    Rows without a valid date are skipped (counted in ``meta["skipped"]``); rounds listed twice
    under one key are merged (amounts added); a round named only by investments is added with
    the company's content.
    """
    skipped = {"rounds": 0, "investments": 0}
    companies = {}
    for row in crunchbase.rows(directory, "companies"):
        companies[row["permalink"]] = (row["category_code"], row["region"])
    if progress:
        progress("companies")

    rounds: dict[str, dict] = {}

    def add_round(row) -> str | None:
        day = _date(row["funded_at"])
        if day is None:
            return None
        company = row["company_permalink"]
        key = crunchbase.round_key(company, row["funding_round_type"], day)
        sector, region = companies.get(company, (row.get("company_category_code", ""), row.get("company_region", "")))
        amount = _amount(row.get("raised_amount_usd", ""))
        if key in rounds:
            return key
        rounds[key] = dict(key=key, company=company, date=day, sector=sector,
                           sector_group=GROUP_OF_SECTOR.get(sector, ""), stage=row["funding_round_type"],
                           stage_rank=stage_rank(row["funding_round_type"]), region=region, amount=amount)
        return key

    for row in crunchbase.rows(directory, "rounds"):
        before = len(rounds)
        key = add_round(row)
        if key is None:
            skipped["rounds"] += 1
        elif len(rounds) == before:  # the same round listed again: add its amount
            extra = _amount(row["raised_amount_usd"])
            if extra is not None:
                rounds[key]["amount"] = (rounds[key]["amount"] or 0.0) + extra
    if progress:
        progress("rounds")

    interactions, regions, kinds = [], {}, {}
    for row in crunchbase.rows(directory, "investments"):
        key = add_round(row)
        if key is None or not row["investor_permalink"]:
            skipped["investments"] += 1
            continue
        interactions.append(Interaction(investor=row["investor_permalink"], round=key))
        parts = crunchbase.permalink_parts(row["investor_permalink"])
        if parts:  # "person", "company" or "financial-organization"
            kinds.setdefault(row["investor_permalink"], parts[0])
        region, day = row["investor_region"], rounds[key]["date"]
        # the region of its earliest round: what a cut of the export at any later day also says
        if region and region != "unknown" and day < regions.get(row["investor_permalink"], UNPLACED)[0]:
            regions[row["investor_permalink"]] = (day, region)
    if progress:
        progress("investments")
    investors = [Investor(id=i, region=regions.get(i, UNPLACED)[1], kind=kinds.get(i, ""))
                 for i in sorted(set(regions) | set(kinds))]
    data = Dataset.from_records([Round(**r) for r in rounds.values()], interactions, investors)
    data.meta.update(source=str(directory), skipped=skipped)
    return data


def seen_companies(history: Dataset) -> np.ndarray:
    """Companies with at least one positive interaction in ``history`` (sorted, as fixed-width text:
    ``np.isin`` against an object array is orders of magnitude slower)."""
    return np.unique(np.asarray(history.rounds.company[history.round[history.positive()]], dtype=str))
