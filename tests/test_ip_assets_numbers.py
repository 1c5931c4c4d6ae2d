"""Chinese patent and software copyright numbers, as CNIPA and the copyright office issue them."""
from __future__ import annotations

import pytest

from marketplace.models.enums import IPKind
from marketplace.services import demo
from marketplace.services.ip_numbers import (
    check_digit,
    normalize,
    number_error,
    patent_number,
    software_copyright_number,
)

YEAR = 2026


def test_the_check_digit_is_the_weighted_sum_modulo_11():
    # 2·2+0·3+2·4+3·5+1·6+0·7+1·8+2·9+3·2+4·3+5·4+6·5 = 127 = 11·11 + 6
    assert check_digit("202310123456") == "6"
    assert patent_number(2023, IPKind.INVENTION, 123456) == "ZL202310123456.6"


def test_a_remainder_of_ten_is_written_x():
    serial = next(s for s in range(1, 100) if check_digit(f"20231{s:07d}") == "X")
    number = f"ZL20231{serial:07d}.X"
    assert number_error(IPKind.INVENTION, number, YEAR) is None
    assert number_error(IPKind.INVENTION, number[:-1] + "0", YEAR) is not None


@pytest.mark.parametrize("kind, number", [
    (IPKind.INVENTION, "ZL202310123456.6"),
    (IPKind.INVENTION, patent_number(2019, IPKind.INVENTION, 1)),
    (IPKind.UTILITY_MODEL, patent_number(2024, IPKind.UTILITY_MODEL, 1999999)),
    (IPKind.DESIGN, patent_number(2022, IPKind.DESIGN, 7)),
    (IPKind.SOFTWARE_COPYRIGHT, "2023SR0123456"),
])
def test_well_formed_numbers_pass(kind, number):
    assert number_error(kind, number, YEAR) is None


def test_pct_applications_carry_type_digits_8_and_9():
    invention = "ZL20238" + "0000001"
    utility = "ZL20239" + "0000001"
    assert number_error(IPKind.INVENTION, f"{invention}.{check_digit(invention[2:])}", YEAR) is None
    assert number_error(IPKind.UTILITY_MODEL, f"{utility}.{check_digit(utility[2:])}", YEAR) is None
    assert number_error(IPKind.DESIGN, f"{invention}.{check_digit(invention[2:])}", YEAR) is not None


@pytest.mark.parametrize("kind, number, says", [
    (IPKind.INVENTION, "202310123456.6", "looks like ZL202310123456.6"),
    (IPKind.INVENTION, "ZL202310123456", "looks like"),
    (IPKind.INVENTION, "ZL2023101234567.6", "looks like"),
    (IPKind.INVENTION, "ZL202310123456.7", "check digit"),
    (IPKind.INVENTION, "ZL202320123456.1", "type digit"),
    (IPKind.UTILITY_MODEL, "ZL202310123456.6", "type digit"),
    (IPKind.DESIGN, "ZL202320123456.1", "type digit"),
    (IPKind.SOFTWARE_COPYRIGHT, "ZL202310123456.6", "2023SR0123456"),
    (IPKind.SOFTWARE_COPYRIGHT, "2023SR123456", "2023SR0123456"),
    (IPKind.SOFTWARE_COPYRIGHT, "2023-SR-0123456", "2023SR0123456"),
    (IPKind.SOFTWARE_COPYRIGHT, "2031SR0123456", "between 1985 and 2026"),
    (IPKind.INVENTION, patent_number(1984, IPKind.INVENTION, 5), "between 1985 and 2026"),
])
def test_malformed_numbers_say_what_is_wrong(kind, number, says):
    error = number_error(kind, number, YEAR)
    assert error is not None and says in str(error)


def test_numbers_are_taken_as_people_type_them():
    assert normalize(" zl 2023 1 0123456.6 ") == "ZL202310123456.6"
    assert normalize("ＺＬ２０２３１０１２３４５６．６") == "ZL202310123456.6"  # full-width, from a Chinese IME
    assert normalize("2023sr0123456") == "2023SR0123456"


def test_the_demo_numbers_its_ip_with_this_one_implementation():
    assert demo.patent_number is patent_number and demo.software_copyright_number is software_copyright_number
