"""Reading Crunchbase-format files as they are: Mac Roman, any line ends, columns found by name."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from recommender import crunchbase
from tests.helpers import SHARED_CRUNCHBASE, needs_shared_crunchbase


def write(path: Path, lines: list[str], newline: str = "\r", encoding: str = "mac_roman") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_rows_are_read_by_header_name_whatever_the_line_ends(tmp_path, newline):
    path = write(tmp_path / "f.csv", ["name,permalink,extra", "Café,/company/cafe,x",
                                      '"Smith, Jones & Co",/company/sj,y'], newline)
    rows = list(crunchbase.read_rows(path, ("permalink", "name")))
    assert [dict(r) for r in rows] == [{"name": "Café", "permalink": "/company/cafe", "extra": "x"},
                                       {"name": "Smith, Jones & Co", "permalink": "/company/sj", "extra": "y"}]
    assert [r.line for r in rows] == [2, 3]


def test_mac_roman_bytes_decode_to_their_letters(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"name\rCaf\x8e\rMiaSol\x8e\rAnchor\xaa\r")
    assert [r["name"] for r in crunchbase.read_rows(path)] == ["Café", "MiaSolé", "Anchor™"]


def test_a_file_with_a_utf8_byte_order_mark_is_read_as_utf8(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffname\r\nCafé\r\n".encode())
    assert [dict(r) for r in crunchbase.read_rows(path, ("name",))] == [{"name": "Café"}]


def test_blank_lines_are_skipped_short_rows_padded_and_values_trimmed(tmp_path):
    path = write(tmp_path / "f.csv", [" a , b ", "", " 1 ,2", "3", "4,5,6"])
    assert [dict(r) for r in crunchbase.read_rows(path)] == [{"a": "1", "b": "2"}, {"a": "3", "b": ""},
                                                             {"a": "4", "b": "5"}]


def test_a_missing_column_is_named(tmp_path):
    path = write(tmp_path / "f.csv", ["permalink,name", "/company/a,A"])
    with pytest.raises(crunchbase.FormatError) as error:
        list(crunchbase.read_rows(path, ("permalink", "category_code", "region")))
    assert (error.value.file, error.value.missing) == ("f.csv", ["category_code", "region"])


def test_check_wants_every_file_with_its_columns(tmp_path):
    for kind, name in crunchbase.FILES.items():
        write(tmp_path / name, [",".join(crunchbase.COLUMNS[kind])])
    crunchbase.check(tmp_path)
    assert crunchbase.count_rows(tmp_path) == 0
    write(tmp_path / crunchbase.FILES["rounds"], ["company_permalink,funded_at"])
    with pytest.raises(crunchbase.FormatError, match="crunchbase-rounds.csv lacks"):
        crunchbase.check(tmp_path)
    (tmp_path / crunchbase.FILES["rounds"]).unlink()
    with pytest.raises(FileNotFoundError):
        crunchbase.check(tmp_path)


@pytest.mark.parametrize("text,expected", [("2012-06-30", date(2012, 6, 30)), (" 2012-06-30 ", date(2012, 6, 30)),
                                           ("", None)])
def test_dates_are_iso(text, expected):
    assert crunchbase.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2012-13-01", "2012-02-30", "30/06/2012", "2012-06", "2012-06-30 12:00", "soon"])
def test_other_dates_are_refused(text):
    with pytest.raises(ValueError):
        crunchbase.parse_date(text)


@pytest.mark.parametrize("text,expected", [("1750000", 1_750_000), ("1,750,000", 1_750_000),
                                           ("1750000.0", 1_750_000), ("", None), ("0", 0)])
def test_amounts_are_whole_dollars(text, expected):
    assert crunchbase.parse_amount(text) == expected


@pytest.mark.parametrize("text", ["-5", "USD 5", "nan", "inf", "1e20"])
def test_other_amounts_are_refused(text):
    with pytest.raises(ValueError):
        crunchbase.parse_amount(text)


def test_a_round_is_keyed_by_company_type_and_date():
    assert crunchbase.round_key("/company/waywire", "series-a", date(2012, 6, 30)) == \
        "/company/waywire|series-a|2012-06-30"


@pytest.mark.parametrize("permalink,parts", [
    ("/company/waywire", ("company", "waywire")), ("/financial-organization/a16z", ("financial-organization", "a16z")),
    ("/person/jane-doe", ("person", "jane-doe")), ("", None), ("company/x", None), ("/company/", None), ("/x", None),
])
def test_permalinks_split_into_kind_and_slug(permalink, parts):
    assert crunchbase.permalink_parts(permalink) == parts


@pytest.mark.parametrize("name,mangled", [("#NAME?", True), ("", True), ("#VALUE!", True), ("#waywire", False),
                                          ("Café", False)])
def test_spreadsheet_errors_are_mangled_names(name, mangled):
    assert crunchbase.is_mangled(name) is mangled


def test_stages_are_rungs_of_the_ladder():
    ladder = {"concept", "seed", "pre_a", "series_a", "series_b", "series_c_plus", "pre_ipo"}
    assert set(crunchbase.STAGE_BY_ROUND_TYPE.values()) - {None} <= ladder


@needs_shared_crunchbase
def test_the_shared_folder_reads_as_its_readme_counts():
    counts = {kind: sum(1 for _ in crunchbase.rows(SHARED_CRUNCHBASE, kind)) for kind in crunchbase.FILES}
    assert counts == {"companies": 15_271, "rounds": 26_159, "investments": 45_752}
    assert crunchbase.count_rows(SHARED_CRUNCHBASE) == sum(counts.values())
    round_types = {row["funding_round_type"] for row in crunchbase.rows(SHARED_CRUNCHBASE, "rounds")}
    assert round_types <= set(crunchbase.STAGE_BY_ROUND_TYPE)
    names = {row["permalink"]: row["name"] for row in crunchbase.rows(SHARED_CRUNCHBASE, "companies")}
    assert names["/company/n-plusn"] == "#NAME?" and names["/company/miasole"] == "MiaSolé"
