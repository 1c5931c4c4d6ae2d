"""Reading Crunchbase-format exports: companies, funding rounds and investments.

The 2013 export is Mac Roman text with bare carriage returns ending its lines, and a
spreadsheet has turned a few names into ``#NAME?``. A complete export of the same format
may end lines with LF or CRLF and carry more columns, so rows are read by header name and
only the columns named in ``COLUMNS`` must be there. Values stay text; ``parse_date`` and
``parse_amount`` read the typed ones. Plain Python only: the marketplace's importer and the
offline benchmark both read the files through this module.
"""
from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

ENCODING = "mac_roman"

FILES = {
    "companies": "crunchbase-companies.csv",
    "rounds": "crunchbase-rounds.csv",
    "investments": "crunchbase-investments.csv",
}

# The columns each file must have; any others are read and ignored.
COLUMNS = {
    "companies": ("permalink", "name", "category_code", "region", "founded_at"),
    "rounds": ("company_permalink", "funding_round_type", "funded_at", "raised_amount_usd"),
    "investments": ("company_permalink", "funding_round_type", "funded_at", "investor_permalink",
                    "investor_name", "investor_region"),
}

# What a spreadsheet writes in place of a value it could not compute ("#waywire" is a real name).
SPREADSHEET_ERRORS = frozenset({"#NAME?", "#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NUM!", "#NULL!"})

# Round type -> the marketplace's stage ladder (concept, seed, pre_a, series_a, series_b,
# series_c_plus, pre_ipo). None: the type names no rung.
STAGE_BY_ROUND_TYPE: dict[str, str | None] = {
    "angel": "seed",
    "seed": "seed",
    "crowdfunding": "seed",  # raised from the public by young companies (13 rounds in 2013)
    "series-a": "series_a",
    "series-b": "series_b",
    "series-c+": "series_c_plus",
    # Growth equity after the venture rounds; "pre_ipo" would claim a listing is near, which the
    # data does not say (median 6M USD, below series-c+).
    "private-equity": "series_c_plus",
    "venture": None,  # unlabelled venture money: amounts spread from seed to series C
    "other": None,  # grants, debt, secondary sales and the unclassified
    "post-ipo": None,  # after listing: past the end of the ladder
    "debt_financing": None,  # a loan, not an equity round
}


class FormatError(ValueError):
    """A file that lacks columns a Crunchbase export has."""

    def __init__(self, file: str, missing: list[str]):
        super().__init__(f"{file} lacks the column(s) {', '.join(missing)}")
        self.file = file
        self.missing = missing


class Row(dict[str, str]):
    """One record, column name -> text, and the line of the file it ends on."""

    __slots__ = ("line",)

    def __init__(self, values: dict[str, str], line: int):
        super().__init__(values)
        self.line = line


def path_of(directory: str | Path, kind: str) -> Path:
    return Path(directory) / FILES[kind]


def _open(path: Path) -> TextIO:
    """Mac Roman unless the file starts with a UTF-8 byte-order mark; any line ends."""
    with path.open("rb") as raw:
        utf8 = raw.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
    if utf8:
        return path.open(encoding="utf-8-sig", errors="replace", newline="")
    return path.open(encoding=ENCODING, newline="")  # every byte is a Mac Roman character


def _header(reader: Iterator[list[str]], name: str, required: tuple[str, ...]) -> list[str]:
    header = [column.strip() for column in next(reader, [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise FormatError(name, missing)
    return header


def read_rows(path: Path, required: tuple[str, ...] = ()) -> Iterator[Row]:
    """The file's records as dicts keyed by its (trimmed) header names; blank lines are skipped.

    A short record reads as blank in its missing columns; values past the header are dropped.
    """
    with _open(path) as text:
        reader = csv.reader(text)
        header = _header(reader, path.name, required)
        padding = [""] * len(header)
        for values in reader:
            if any(values):
                yield Row(dict(zip(header, [v.strip() for v in values] + padding)), reader.line_num)


def rows(directory: str | Path, kind: str) -> Iterator[Row]:
    """The rows of one of the export's ``FILES`` ("companies", "rounds" or "investments")."""
    return read_rows(path_of(directory, kind), COLUMNS[kind])


def check(directory: str | Path) -> None:
    """Raise FileNotFoundError or FormatError unless every file is there with its columns."""
    for kind, name in FILES.items():
        with _open(path_of(directory, kind)) as text:
            _header(csv.reader(text), name, COLUMNS[kind])


def count_rows(directory: str | Path) -> int:
    """How many records the export's files hold together (a progress bar's length)."""
    total = 0
    for kind in FILES:
        with _open(path_of(directory, kind)) as text:
            total += max(sum(1 for values in csv.reader(text) if any(values)) - 1, 0)
    return total


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` -> date; blank -> None; anything else raises ValueError."""
    text = text.strip()
    if not text:
        return None
    if len(text) != 10:
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return date.fromisoformat(text)


MAX_AMOUNT = 10**15  # USD; anything larger is a typo


def parse_amount(text: str) -> int | None:
    """Whole US dollars; blank -> None. Accepts ``1,750,000`` and ``1750000.0``; raises ValueError."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    amount = float(text)
    if not 0 <= amount < MAX_AMOUNT:  # False for nan and inf too
        raise ValueError(f"not an amount in USD: {text!r}")
    return round(amount)


def round_key(company_permalink: str, round_type: str, funded_on: date) -> str:
    """A round's identity, the same in the marketplace and the benchmark: ``company|type|YYYY-MM-DD``."""
    return f"{company_permalink}|{round_type}|{funded_on.isoformat()}"


def permalink_parts(permalink: str) -> tuple[str, str] | None:
    """``/company/waywire`` -> ("company", "waywire"); None when it is not a permalink."""
    parts = permalink.strip().split("/")
    if len(parts) < 3 or parts[0] or not parts[1] or not "/".join(parts[2:]):
        return None
    return parts[1], "/".join(parts[2:])


def is_mangled(name: str) -> bool:
    """True for a blank name or a spreadsheet error value standing where the name was."""
    return not name.strip() or name.strip() in SPREADSHEET_ERRORS
