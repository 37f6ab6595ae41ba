"""etl.phones.check_numbers: expected verdicts written out by hand, compared whole."""

import phonenumbers
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumber, PhoneNumberType
from polars.testing import assert_frame_equal

from etl.phones import _kind_of, check_numbers

INPUT_SCHEMA = {"phone": pl.String, "city": pl.String}
OUTPUT_SCHEMA = {
    "phone": pl.String,
    "city": pl.String,
    "phone_normalized": pl.String,
    "number_type": pl.String,
    "is_valid": pl.Boolean,
    "invalid_reason": pl.String,
}
REASONS = {
    "not_a_number",
    "wrong_length",
    "bad_prefix",
    "missing_area_code",
    "wrong_area_code",
    "service_number",
}
NUMBER_TYPES = {"mobile", "landline", "service", "unknown"}


def numbers(*rows: tuple[str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=INPUT_SCHEMA, orient="row")


def verdicts(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=OUTPUT_SCHEMA, orient="row")


# (phone, city) -> (phone_normalized, number_type, is_valid, invalid_reason)
CASES = {
    "plain mobile": (
        ("13812345678", None),
        ("13812345678", "mobile", True, None),
    ),
    "mobile with dashes": (
        ("138-1234-5678", None),
        ("13812345678", "mobile", True, None),
    ),
    "full-width digits and spaces": (
        ("１３８　１２３４　５６７８", None),
        ("13812345678", "mobile", True, None),
    ),
    "+86 prefix": (
        ("+86 138 1234 5678", None),
        ("13812345678", "mobile", True, None),
    ),
    "0086 prefix": (
        ("0086-138-1234-5678", None),
        ("13812345678", "mobile", True, None),
    ),
    "bare 86 before a mobile": (
        ("8613812345678", None),
        ("13812345678", "mobile", True, None),
    ),
    "extension 转": (
        ("13812345678转123", None),
        ("13812345678", "mobile", True, None),
    ),
    "extension ext": (
        ("027-87654321 ext 12", "武汉"),
        ("2787654321", "landline", True, None),
    ),
    "mobile with a trunk 0": (
        ("013812345678", None),
        ("13812345678", "mobile", True, None),
    ),
    "mobile with a trunk 0, missing a digit": (
        ("0131234567", None),
        ("131234567", "mobile", False, "wrong_length"),
    ),
    "mobile missing a digit is not the Beijing landline 010-27876543": (
        ("1027876543", None),
        ("1027876543", "mobile", False, "wrong_length"),
    ),
    "10-digit mobile": (
        ("1381234567", None),
        ("1381234567", "mobile", False, "wrong_length"),
    ),
    "11 digits starting 10": (
        ("10012345678", None),
        ("10012345678", "mobile", False, "bad_prefix"),
    ),
    "11 digits starting 12": (
        ("12012345678", None),
        ("12012345678", "mobile", False, "bad_prefix"),
    ),
    "unallocated mobile block 140": (
        ("14012345678", None),
        ("14012345678", "mobile", False, "bad_prefix"),
    ),
    "Wuhan landline in Wuhan": (
        ("027-87654321", "武汉"),
        ("2787654321", "landline", True, None),
    ),
    "city with 市": (
        ("027-87654321", "武汉市"),
        ("2787654321", "landline", True, None),
    ),
    "city in English, area code in parentheses": (
        ("(027) 8765-4321", "Wuhan"),
        ("2787654321", "landline", True, None),
    ),
    "city given as its province": (
        ("027-87654321", "湖北"),
        ("2787654321", "landline", True, None),
    ),
    "no city: no area-code judgement": (
        ("027-87654321", None),
        ("2787654321", "landline", True, None),
    ),
    "unrecognised city: no area-code judgement": (
        ("027-87654321", "火星"),
        ("2787654321", "landline", True, None),
    ),
    "Wuhan landline for a Shenzhen contact": (
        ("027-87654321", "深圳"),
        ("2787654321", "landline", False, "wrong_area_code"),
    ),
    "Beijing landline for a Hubei contact": (
        ("010-27876543", "湖北"),
        ("1027876543", "landline", False, "wrong_area_code"),
    ),
    "+86 landline: the area code loses its trunk 0": (
        ("+86 10 2787 6543", "北京"),
        ("1027876543", "landline", True, None),
    ),
    "7-digit area code landline": (
        ("0312-1234567", "保定"),
        ("3121234567", "landline", True, None),
    ),
    "landline as national number without trunk 0": (
        ("2787654321", "武汉"),
        ("2787654321", "landline", True, None),
    ),
    "7-digit Wuhan landline": (
        ("027-8765432", "武汉"),
        ("278765432", "landline", False, "wrong_length"),
    ),
    "7-digit Shenzhen landline": (
        ("0755-1234567", None),
        ("7551234567", "landline", False, "wrong_length"),
    ),
    "unassigned area code 026": (
        ("026-12345678", None),
        ("2612345678", "landline", False, "bad_prefix"),
    ),
    "local number, city known: area code prepended": (
        ("87654321", "武汉"),
        ("2787654321", "landline", False, "missing_area_code"),
    ),
    "7-digit local number, city known": (
        ("8765432", "深圳"),
        ("7558765432", "landline", False, "missing_area_code"),
    ),
    "local number, no city": (
        ("87654321", None),
        ("87654321", "landline", False, "missing_area_code"),
    ),
    "bank short number": (
        ("95588", None),
        ("95588", "service", False, "service_number"),
    ),
    "government hotline": (
        ("12345", None),
        ("12345", "service", False, "service_number"),
    ),
    "carrier hotline": (
        ("10086", None),
        ("10086", "service", False, "service_number"),
    ),
    "400 number": (
        ("4008123123", None),
        ("4008123123", "service", False, "service_number"),
    ),
    "800 number": (
        ("800-810-8888", None),
        ("8008108888", "service", False, "service_number"),
    ),
    "premium-rate 168 number": (
        ("16812345", None),
        ("16812345", "service", False, "service_number"),
    ),
    "shared-cost number behind an area code": (
        ("027-96123", "武汉"),
        ("2796123", "service", False, "service_number"),
    ),
    "400 number with a digit too many": (
        ("40081231234", None),
        ("40081231234", "service", False, "wrong_length"),
    ),
    "400 number missing a digit": (
        ("400-812-312", None),
        ("400812312", "service", False, "wrong_length"),
    ),
    "foreign number": (
        ("+1 650 253 0000", None),
        ("6502530000", "unknown", False, "bad_prefix"),
    ),
    "letters": (("abc", None), (None, "unknown", False, "not_a_number")),
    "无": (("无", None), (None, "unknown", False, "not_a_number")),
    "dash": (("-", None), (None, "unknown", False, "not_a_number")),
    "empty": (("", None), (None, "unknown", False, "not_a_number")),
    "blank": (("   ", "武汉"), (None, "unknown", False, "not_a_number")),
    "null": ((None, None), (None, "unknown", False, "not_a_number")),
    "too few digits": (("138123", None), (None, "unknown", False, "not_a_number")),
    "two numbers in one cell": (
        ("13812345678/13987654321", None),
        (None, "unknown", False, "not_a_number"),
    ),
}


@pytest.mark.parametrize(("given_row", "expected"), CASES.values(), ids=CASES.keys())
def test_check_numbers_case(given_row: tuple, expected: tuple) -> None:
    assert_frame_equal(check_numbers(numbers(given_row)), verdicts((*given_row, *expected)))


def test_duplicates_collapse_to_one_row_per_pair_in_first_seen_order() -> None:
    given_numbers = numbers(
        ("027-87654321", "武汉"),
        ("13812345678", None),
        ("027-87654321", "武汉"),
        ("027-87654321", "深圳"),
        (None, None),
        ("13812345678", None),
        (None, None),
    )
    expected = verdicts(
        ("027-87654321", "武汉", "2787654321", "landline", True, None),
        ("13812345678", None, "13812345678", "mobile", True, None),
        ("027-87654321", "深圳", "2787654321", "landline", False, "wrong_area_code"),
        (None, None, None, "unknown", False, "not_a_number"),
    )
    assert_frame_equal(check_numbers(given_numbers), expected)


def test_output_columns_and_dtypes_for_empty_and_all_null_input() -> None:
    all_null = pl.DataFrame({"phone": [None], "city": [None]})  # dtype Null, as read
    assert check_numbers(numbers()).schema == pl.Schema(OUTPUT_SCHEMA)
    assert_frame_equal(
        check_numbers(all_null), verdicts((None, None, None, "unknown", False, "not_a_number"))
    )


phone_like = st.from_regex(r"[+0-9０-９ ()\-.转xX]{0,20}", fullmatch=True)
cities = st.one_of(st.none(), st.sampled_from(["武汉", "深圳市", "Wuhan", "湖北"]), st.text())
rows = st.tuples(st.one_of(st.none(), st.text(), phone_like), cities)


@settings(deadline=None)  # the first call loads phonenumbers' geocoder data
@given(st.lists(rows, max_size=20))
def test_any_text_gives_one_verdict_per_distinct_pair(given_rows: list[tuple]) -> None:
    checked = check_numbers(numbers(*given_rows))

    assert checked.schema == pl.Schema(OUTPUT_SCHEMA)
    assert checked.select("phone", "city").rows() == list(dict.fromkeys(given_rows))
    assert checked["is_valid"].to_list() == checked["invalid_reason"].is_null().to_list()
    assert set(checked["invalid_reason"].drop_nulls()) <= REASONS
    assert set(checked["number_type"]) <= NUMBER_TYPES
    assert (
        checked["phone_normalized"].is_null().to_list()
        == (checked["invalid_reason"] == "not_a_number").fill_null(False).to_list()
    )


PHONENUMBERS_KINDS = {
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.UNKNOWN: None,
}
# National numbers near the patterns: mobile blocks, area codes with the local parts that
# make shared-cost (96...) or other service numbers, 400/800/950, all lengths around valid.
near_valid = st.from_regex(
    r"(?:1[0-9]?|2[0-9]|[3-9][0-9]{2})(?:96|95|10|00|[0-9])?[0-9]{3,9}", fullmatch=True
)


@settings(max_examples=200)
@given(
    st.lists(st.one_of(near_valid, st.from_regex(r"[1-9][0-9]{5,12}", fullmatch=True)), max_size=50)
)
def test_vectorised_kind_is_phonenumbers_number_type(nationals: list[str]) -> None:
    expected = [
        PHONENUMBERS_KINDS.get(
            phonenumbers.number_type(PhoneNumber(country_code=86, national_number=int(number))),
            "service",
        )
        for number in nationals
    ]
    kinds = pl.DataFrame({"national": nationals}, schema={"national": pl.String})
    assert kinds.select(_kind_of(pl.col("national"))).to_series().to_list() == expected
