"""Chinese IP numbers: how CNIPA numbers patents and CPCC numbers software copyrights.

A patent: ``ZL`` + filing year + a type digit + a 7-digit serial + ``.`` + a check digit,
e.g. ZL202310123456.6. The check digit is the sum of the 12 digits weighted 2..9, 2..5,
modulo 11 (10 is written X). A software copyright registration: year + ``SR`` + 7 digits,
e.g. 2023SR0123456.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.models.enums import IPKind

# The type digit of each patent kind; 8 and 9 are PCT applications entering China.
PATENT_TYPE_DIGITS: dict[IPKind, tuple[str, ...]] = {
    IPKind.INVENTION: ("1", "8"),
    IPKind.UTILITY_MODEL: ("2", "9"),
    IPKind.DESIGN: ("3",),
}
CHECK_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
FIRST_YEAR = 1985  # China's patent law took effect on 1 April 1985

_PATENT = re.compile(r"ZL(?P<digits>(?P<year>\d{4})(?P<type>\d)\d{7})\.(?P<check>[\dX])")
_SOFTWARE = re.compile(r"(?P<year>\d{4})SR\d{7}")

def check_digit(digits: str) -> str:
    """The check character of a 12-digit patent application number."""
    remainder = sum(int(d) * w for d, w in zip(digits, CHECK_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def patent_number(year: int, kind: IPKind, serial: int) -> str:
    """A valid number for a patent of ``kind`` filed in ``year`` (the national, non-PCT type digit)."""
    digits = f"{year}{PATENT_TYPE_DIGITS[kind][0]}{serial:07d}"
    return f"ZL{digits}.{check_digit(digits)}"


def software_copyright_number(year: int, serial: int) -> str:
    return f"{year}SR{serial:07d}"


EXAMPLES = {**{kind: patent_number(2023, kind, 123456) for kind in PATENT_TYPE_DIGITS},
            IPKind.SOFTWARE_COPYRIGHT: software_copyright_number(2023, 123456)}


def normalize(number: str) -> str:
    """As people type it: full-width characters, spaces and lower case are forgiven."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", number)).upper()


def number_error(kind: IPKind, number: str, this_year: int) -> Any | None:
    """Why ``number`` (normalized) cannot be the number of an IP asset of ``kind``, or None."""
    if kind == IPKind.SOFTWARE_COPYRIGHT:
        match = _SOFTWARE.fullmatch(number)
        if match is None:
            return _l("A software copyright number looks like %(example)s.", example=EXAMPLES[kind])
    else:
        match = _PATENT.fullmatch(number)
        if match is None:
            return _l("A patent number looks like %(example)s.", example=EXAMPLES[kind])
        if match["type"] not in PATENT_TYPE_DIGITS[kind]:
            return _l("The digit after the year (%(digit)s) is not the type digit of this kind of patent.",
                      digit=match["type"])
        if match["check"] != check_digit(match["digits"]):
            return _l("The check digit after the dot does not match: please check the number.")
    if not FIRST_YEAR <= int(match["year"]) <= this_year:
        return _l("The year in the number must be between %(first)d and %(last)d.", first=FIRST_YEAR,
                  last=this_year)
    return None
