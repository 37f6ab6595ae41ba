"""Checking the Chinese phone numbers of a contacts file: normalise, classify, give a reason.

Grain of the result: one row per distinct (phone, city) pair of the input.

`invalid_reason` is null for a valid number, else exactly one of:

- `not_a_number`: null, blank, letters or other symbols, or fewer than 7 digits that are not
  a known short service number ("无", "-", "abc", "12").
- `wrong_length`: a mobile (anything written with a leading 1 and no trunk 0) that is not 11
  digits, e.g. 1381234567 or 1027876543 (a mobile missing a digit, never read as the Beijing
  landline 010-27876543); a landline whose area code is known but whose local part has a length
  that area code never uses (027-8765432, 0755-1234567); a 400/800 number not 10 digits long.
- `bad_prefix`: 11 digits starting 1 that phonenumbers does not accept as a mobile (10x, 11x,
  12x, unallocated blocks such as 140); a landline with an unassigned area code (026-...) or a
  local part that cannot start as written; a foreign number (+1 ...).
- `missing_area_code`: 7 or 8 digits not starting with 0 or 1 (a local landline number).
  When the city names exactly one area code, `phone_normalized` gets it prepended.
- `wrong_area_code`: a valid landline whose area code does not serve the given city. Judged
  only when the city is recognised (a place name, Chinese or English, in phonenumbers' area
  code descriptions, e.g. 武汉, 武汉市, Wuhan, or a province such as 湖北).
- `service_number`: not a personal line: 400/800 numbers and other shared-cost or toll-free
  numbers, short numbers such as 95588, 12345, 10086, 110. Their `number_type` is `service`.

`phone_normalized` is the national significant number (13812345678, 2787654321 for
027-87654321), null exactly for `not_a_number`.

A number written as its national significant number without the trunk 0 (2787654321) is
accepted when phonenumbers finds it valid and it does not start with 1.
"""

import functools
import re
import unicodedata
from typing import NamedTuple

import phonenumbers
import polars as pl
from phonenumbers import (
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberDesc,
    PhoneNumberType,
    shortnumberinfo,
)

OUTPUT_SCHEMA = {
    "phone": pl.String,
    "city": pl.String,
    "phone_normalized": pl.String,
    "number_type": pl.String,
    "is_valid": pl.Boolean,
    "invalid_reason": pl.String,
}
CHINA_COUNTRY_CODE = 86
MOBILE_LENGTH = 11
LOCAL_NUMBER_LENGTHS = (7, 8)
# The shortest landline local part: anything shorter is not a phone number (unless a short
# service number, which are at most 6 digits long).
MIN_DIGITS = 7
MAX_SHORT_NUMBER_DIGITS = 6
# Longer than any national number phonenumbers knows; also keeps int() off huge strings.
MAX_NATIONAL_DIGITS = 17
SERVICE_NUMBER_LENGTH = 10
SERVICE_PREFIXES = ("400", "800")
LANDLINE_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Beijing (10) and 20-29 have two-digit area codes; every other area code has three digits.
AREA_CODE_CANDIDATES = ("10", *(f"2{d}" for d in range(10)), *(str(n) for n in range(310, 1000)))
# Separators people type inside a number; anything else left over makes it not a number.
SEPARATORS = r"[\s\-.()]"
EXTENSION = r"(?i)(?:转|分机|ext\.?|x|#).*$"


class _Verdict(NamedTuple):
    phone_normalized: str | None
    number_type: str
    invalid_reason: str | None
    area_code: str | None = None


_NOT_A_NUMBER = _Verdict(None, "unknown", "not_a_number")
_VERDICT_SCHEMA = {
    "phone_normalized": pl.String,
    "number_type": pl.String,
    "invalid_reason": pl.String,
    "area_code": pl.String,
}


def check_numbers(numbers: pl.DataFrame) -> pl.DataFrame:
    """Check each distinct (phone, city) pair of `numbers` (String or null columns `phone`,
    the number as on file, and `city`); columns and dtypes as in OUTPUT_SCHEMA, pairs in the
    order first seen."""
    pairs = numbers.select(pl.col("phone", "city").cast(pl.String))
    # Keeps the first occurrence of each pair by definition, and costs less than unique().
    pairs = pairs.filter(pl.struct("phone", "city").is_first_distinct()).with_row_index("row")
    # Nearly every row is a mobile written as 11 plain digits: settled by pattern before any
    # cleaning. The other rows are split again by how they are judged, then put back in order.
    plain_mobiles, others = _split(pairs, _is_plain_mobile(pl.col("phone")))
    dialled = pl.col("dialled")
    odd, shaped = _split(
        _with_dialled_form(others),
        dialled.is_null() | dialled.str.starts_with("+") | (dialled.str.len_chars() < MIN_DIGITS),
    )
    verdict_columns = ["row", "phone", "city", "phone_normalized", "number_type", "invalid_reason"]
    checked = pl.concat(
        [
            plain_mobiles.with_columns(
                phone_normalized="phone",
                number_type=pl.lit("mobile"),
                invalid_reason=pl.lit(None, pl.String),
            ).select(verdict_columns),
            _with_odd_verdicts(odd).select(verdict_columns),
            _apply_city(_with_verdicts(shaped)).select(verdict_columns),
        ]
    )
    return checked.sort("row").select(
        "phone",
        "city",
        "phone_normalized",
        "number_type",
        is_valid=pl.col("invalid_reason").is_null(),
        invalid_reason="invalid_reason",
    )


def _split(frame: pl.DataFrame, predicate: pl.Expr) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows where `predicate` is true, and the others (null counts as false)."""
    frame = frame.with_columns(_is_in_first=predicate.fill_null(False))
    return (
        frame.filter("_is_in_first").drop("_is_in_first"),
        frame.filter(~pl.col("_is_in_first")).drop("_is_in_first"),
    )


def _is_plain_mobile(number: pl.Expr) -> pl.Expr:
    """11 digits in a block where phonenumbers accepts every number as a mobile."""
    return number.str.contains(r"^1[0-9]{10}$") & number.str.slice(0, 4).is_in(
        _valid_mobile_prefixes()
    )


def _with_dialled_form(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add `dialled`: the digits as dialled inside China (trunk 0 kept), "+..." for a foreign
    number, null when not a number. Step by step so that no step is computed twice."""
    phone = pl.col("phone")
    text = pl.col("text")
    after_country_code = pl.col("after_country_code")
    return (
        pairs.with_columns(
            # NFKC for full-width digits, ＋, （） and ideographic spaces; it leaves ASCII
            # unchanged, so it is skipped for ASCII text (most rows, a third of the time).
            text=pl.when(phone.str.len_bytes() == phone.str.len_chars())
            .then(phone)
            .otherwise(phone.str.normalize("NFKC"))
            .str.replace(EXTENSION, "")
            .str.replace_all(SEPARATORS, "")
            .str.replace(r"^00", "+")
        )
        .with_columns(text=pl.when(text.str.contains(r"^\+?[0-9]+$")).then(text))
        .with_columns(after_country_code=text.str.extract(r"^\+86([0-9]+)$"))
        .with_columns(
            dialled=pl.when(after_country_code.str.contains(r"^(?:0|1[3-9])"))
            .then(after_country_code)
            # After +86 an area code is written without its trunk 0: +86 10 ... is Beijing.
            .when(after_country_code.is_not_null())
            .then(pl.lit("0") + after_country_code)
            # A bare 86 is a country code only before a mobile; 86xxxxxx may be a local number.
            .otherwise(text.str.replace(r"^86(1[3-9][0-9]{9})$", "${1}"))
        )
        .drop("text", "after_country_code")
    )


def _with_odd_verdicts(odd: pl.DataFrame) -> pl.DataFrame:
    """Verdicts of the few dialled forms the patterns do not judge, one by one: none at all,
    foreign (phonenumbers' parser) or short (its short-number data)."""
    verdicts = pl.DataFrame(
        [_judge_odd(dialled) for dialled in odd.get_column("dialled")],
        schema=_VERDICT_SCHEMA,
        orient="row",
    )
    return pl.concat([odd, verdicts], how="horizontal")


def _judge_odd(dialled: str | None) -> _Verdict:
    if dialled is None:
        return _NOT_A_NUMBER
    if dialled.startswith("+"):
        return _judge_foreign(dialled)
    if len(dialled) <= MAX_SHORT_NUMBER_DIGITS and _is_short_service_number(dialled):
        return _Verdict(dialled, "service", "service_number")
    return _NOT_A_NUMBER


def _judge_foreign(text: str) -> _Verdict:
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return _NOT_A_NUMBER
    # +86 never gets here: it is taken off before, so this is another country's number.
    return _Verdict(str(parsed.national_number), "unknown", "bad_prefix")


def _with_verdicts(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add the columns of _Verdict to dialled forms of at least MIN_DIGITS digits: the rules
    of the module docstring as vectorised expressions."""
    shaped = _with_shape(pairs)
    shaped = shaped.join(
        _local_lengths_of_area_codes(shaped), on="area_code", how="left", maintain_order="left"
    )
    national = pl.col("phone_normalized")
    length = national.str.len_chars()
    kind = pl.col("kind")
    is_mobile_shaped = pl.col("is_mobile_shaped")
    is_local = pl.col("is_local")
    is_service_prefix = national.str.contains(f"^(?:{'|'.join(SERVICE_PREFIXES)})")
    local_lengths = pl.col("local_lengths")
    landline_failure = (
        pl.when(
            (local_lengths.list.len() > 0)
            & ~local_lengths.list.contains(length - pl.col("area_code").str.len_chars())
        )
        .then(pl.lit("wrong_length"))
        .otherwise(pl.lit("bad_prefix"))
    )
    return shaped.with_columns(
        number_type=pl.when(is_local)
        .then(pl.lit("landline"))
        .when(kind == "service")
        .then(pl.lit("service"))
        .when(is_mobile_shaped | (kind == "mobile"))
        .then(pl.lit("mobile"))
        .when((kind == "landline") | ~is_service_prefix)
        .then(pl.lit("landline"))
        .otherwise(pl.lit("service")),
        invalid_reason=pl.when(is_local)
        .then(pl.lit("missing_area_code"))
        .when(kind == "service")
        .then(pl.lit("service_number"))
        .when((kind == "mobile") | ((kind == "landline") & ~is_mobile_shaped))
        .then(pl.lit(None, pl.String))
        .when(is_mobile_shaped)
        .then(
            pl.when(length == MOBILE_LENGTH)
            .then(pl.lit("bad_prefix"))
            .otherwise(pl.lit("wrong_length"))
        )
        .when(is_service_prefix)
        .then(
            pl.when(length == SERVICE_NUMBER_LENGTH)
            .then(pl.lit("bad_prefix"))
            .otherwise(pl.lit("wrong_length"))
        )
        .otherwise(landline_failure),
        # Only a valid landline is judged against its city.
        area_code=pl.when(~is_local & ~is_mobile_shaped & (kind == "landline")).then("area_code"),
    )


def _with_shape(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add what the verdict depends on: the national number (as `phone_normalized`), how it
    is written (`is_mobile_shaped`, `is_local`), phonenumbers' `kind` and the `area_code`."""
    dialled = pl.col("dialled")
    national = pl.col("phone_normalized")
    return pairs.with_columns(
        # Without the trunk 0, what is left is the national significant number.
        phone_normalized=dialled.str.strip_prefix("0"),
        # A leading 1, or 0 then 1 but not 010 (Beijing): judged as a mobile.
        is_mobile_shaped=dialled.str.contains(r"^(?:1|01[1-9])"),
        is_local=dialled.str.contains(r"^[2-9]")
        & dialled.str.len_chars().is_in(LOCAL_NUMBER_LENGTHS),
    ).with_columns(
        kind=_kind_of(national),
        area_code=pl.when(national.str.contains(r"^[12]"))
        .then(national.str.slice(0, 2))
        .otherwise(national.str.slice(0, 3)),
    )


def _kind_of(national: pl.Expr) -> pl.Expr:
    """phonenumbers.number_type of Chinese national numbers as "service", "landline",
    "mobile", or null when not valid: the patterns of its metadata, tried in the same order
    as its _number_type_helper, in one vectorised expression."""
    metadata = PhoneMetadata.metadata_for_region("CN")
    service_descs = (
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    )
    return (
        # _type_of: a leading 0 is a trunk prefix, never part of a national number.
        pl.when(national.str.starts_with("0") | ~_matches(national, metadata.general_desc))
        .then(pl.lit(None, pl.String))
        .when(pl.any_horizontal(_matches(national, desc) for desc in service_descs))
        .then(pl.lit("service"))
        # FIXED_LINE or FIXED_LINE_OR_MOBILE: a landline either way.
        .when(_matches(national, metadata.fixed_line))
        .then(pl.lit("landline"))
        .when(_matches(national, metadata.mobile))
        .then(pl.lit("mobile"))
    )


def _matches(national: pl.Expr, desc: PhoneNumberDesc | None) -> pl.Expr:
    """phonenumbers' _is_number_matching_desc: a possible length, then a full match."""
    if desc is None or not desc.national_number_pattern:
        return pl.lit(False)
    matches = national.str.contains(f"^(?:{desc.national_number_pattern})$")
    if desc.possible_length:
        matches &= national.str.len_chars().is_in(desc.possible_length)
    return matches


def _local_lengths_of_area_codes(judged: pl.DataFrame) -> pl.DataFrame:
    """Valid local lengths of the area codes of invalid landlines: a wrong length or a bad
    prefix?"""
    is_invalid_landline = (
        pl.col("kind").is_null() & ~pl.col("is_local") & ~pl.col("is_mobile_shaped")
    )
    area_codes = judged.filter(is_invalid_landline).get_column("area_code").unique()
    return pl.DataFrame(
        {
            "area_code": area_codes,
            "local_lengths": [sorted(_local_number_lengths(code)) for code in area_codes],
        },
        schema={"area_code": pl.String, "local_lengths": pl.List(pl.Int64)},
    )


@functools.cache
def _valid_mobile_prefixes() -> frozenset[str]:
    """Four-digit mobile prefixes where phonenumbers accepts any number (140x, 154x... it
    does not); numbers outside them go through the full patterns."""
    return frozenset(
        str(prefix)
        for prefix in range(1300, 2000)
        if all(
            _type_of(f"{prefix}{rest}") == PhoneNumberType.MOBILE
            for rest in ("0000000", "1234567", "5555555", "9999999")
        )
    )


@functools.cache
def _local_number_lengths(area_code: str) -> frozenset[int]:
    """Lengths of the local part phonenumbers accepts after this area code; empty when the
    area code is not assigned. Probed with a few local numbers of each leading digit."""
    return frozenset(
        length
        for length in LOCAL_NUMBER_LENGTHS
        if any(
            _type_of(area_code + first + fill * (length - 1)) in LANDLINE_TYPES
            for first in "23456789"
            for fill in "058"
        )
    )


def _type_of(national: str) -> PhoneNumberType:
    """phonenumbers' type of a Chinese national number; UNKNOWN means not valid. Builds the
    PhoneNumber directly: parse() would cost three times as much for digits already clean."""
    if national.startswith("0") or len(national) > MAX_NATIONAL_DIGITS:
        return PhoneNumberType.UNKNOWN
    number = PhoneNumber(country_code=CHINA_COUNTRY_CODE, national_number=int(national))
    return phonenumbers.number_type(number)


def _is_short_service_number(digits: str) -> bool:
    if digits.startswith("0"):
        return False
    number = PhoneNumber(country_code=CHINA_COUNTRY_CODE, national_number=int(digits))
    return shortnumberinfo.is_valid_short_number_for_region(number, "CN")


def _apply_city(checked: pl.DataFrame) -> pl.DataFrame:
    """Judge valid landlines against their city and complete local numbers with its area code.

    The geocoder data costs seconds to load, so only rows that need a city look it up."""
    needs_city = pl.col("city").is_not_null() & (
        pl.col("area_code").is_not_null() | (pl.col("invalid_reason") == "missing_area_code")
    )
    cities = checked.filter(needs_city).get_column("city").unique()
    city_codes = pl.DataFrame(
        {"city": cities, "city_area_codes": [list(_area_codes_of_city(city)) for city in cities]},
        schema={"city": pl.String, "city_area_codes": pl.List(pl.String)},
    )
    checked = checked.join(city_codes, on="city", how="left", maintain_order="left")
    codes = pl.col("city_area_codes")
    is_city_known = codes.list.len().fill_null(0) > 0
    is_wrong_area = (
        pl.col("area_code").is_not_null()
        & pl.col("invalid_reason").is_null()
        & is_city_known
        & ~codes.list.contains(pl.col("area_code"))
    )
    is_completable = (pl.col("invalid_reason") == "missing_area_code") & (codes.list.len() == 1)
    return checked.with_columns(
        phone_normalized=pl.when(is_completable)
        .then(codes.list.first() + pl.col("phone_normalized"))
        .otherwise("phone_normalized"),
        invalid_reason=pl.when(is_wrong_area)
        .then(pl.lit("wrong_area_code"))
        .otherwise("invalid_reason"),
    )


@functools.cache
def _area_codes_of_city(city: str) -> tuple[str, ...]:
    """Area codes serving a city or province, matched on phonenumbers' descriptions:
    Chinese by substring (武汉 in 湖北省武汉市), English by place name (Wuhan, Hubei)."""
    key = unicodedata.normalize("NFKC", city).strip().lower()
    chinese_key = key.removesuffix("市")
    english_key = re.sub(r"[^a-z]", "", key)
    return tuple(
        area_code
        for area_code, (chinese, english) in _area_code_regions().items()
        if (len(chinese_key) >= 2 and chinese_key in chinese)
        or (english_key and english_key in _english_place_names(english))
    )


def _english_place_names(description: str) -> set[str]:
    return {re.sub(r"[^a-z]", "", name.lower()) for name in re.split(r"[,/]", description)}


@functools.cache
def _area_code_regions() -> dict[str, tuple[str, str]]:
    """Area code -> (Chinese, English) description, for area codes phonenumbers places."""
    from phonenumbers import geocoder  # loads every country's data: seconds, so only if needed

    regions = {}
    for area_code in AREA_CODE_CANDIDATES:
        number = PhoneNumber(
            country_code=CHINA_COUNTRY_CODE, national_number=int(area_code + "0" * 7)
        )
        chinese = geocoder.description_for_valid_number(number, "zh")
        if chinese != geocoder.country_name_for_number(number, "zh"):
            regions[area_code] = (chinese, geocoder.description_for_valid_number(number, "en"))
    return regions
