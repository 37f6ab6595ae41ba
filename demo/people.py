"""Customers (names, resident ID numbers, home cities) and their numbers on file, about a
fifth of them malformed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from demo.book import Book
from demo.calendar import Calendar
from demo.codes import COLLEAGUE, FAMILY, GUARANTOR, OTHER_REL, SELF, SPOUSE
from demo.reference import (
    CITIES,
    FEMALE_GIVEN,
    GARBAGE_PHONES,
    HOMETOWN_REGIONS,
    MALE_GIVEN,
    MOBILE_PREFIXES,
    SURNAMES,
    WUHAN,
)
from demo.text import as_dates, join


@dataclass
class Customers:
    customer_id: pl.Series
    name: pl.Series
    id_number: pl.Series
    home_city: np.ndarray
    contact_start: np.ndarray
    contact_count: np.ndarray


@dataclass
class Contacts:
    """The numbers on file, one element per contacts.csv row, grouped by customer."""

    customer: np.ndarray
    phone: pl.Series  # as written in the file, malformed or not
    relation: np.ndarray
    state: np.ndarray  # 0 reachable, 1 dead, 2 suspended, 3 malformed, 4 not a number


def build_customers(
    rng: np.random.Generator, book: Book, cal: Calendar
) -> tuple[Customers, Contacts]:
    n = int(book.customer.max()) + 1
    home_city = book.branch[:n].copy()  # branch i is in CITIES[i]
    elsewhere = rng.random(n) < 0.15
    home_city[elsewhere] = rng.integers(0, len(CITIES), int(elsewhere.sum()))
    is_male = rng.random(n) < 0.62
    name = person_names(rng, is_male)
    id_number = _id_numbers(rng, home_city, is_male, int(cal.month_end[-1]))
    customer_id = pl.Series(np.arange(n) + 3_100_000_000).cast(pl.String)
    customer_id = join("C", customer_id)
    contacts, start, count = _build_contacts(rng, home_city)
    customers = Customers(customer_id, name, id_number, home_city, start, count)
    return customers, contacts


def person_names(rng: np.random.Generator, is_male: np.ndarray) -> pl.Series:
    n = len(is_male)
    weights = 1.0 / (np.arange(len(SURNAMES)) + 4.0)
    surname = pl.Series(list(SURNAMES)).gather(
        rng.choice(len(SURNAMES), n, p=weights / weights.sum())
    )
    male, female = pl.Series(list(MALE_GIVEN)), pl.Series(list(FEMALE_GIVEN))

    def given() -> pl.Series:
        m = male.gather(rng.integers(0, len(male), n))
        f = female.gather(rng.integers(0, len(female), n))
        return pl.select(pl.when(pl.lit(pl.Series(is_male))).then(m).otherwise(f)).to_series()

    first, second = given(), given()
    two_chars = pl.Series(rng.random(n) < 0.7)
    second = pl.select(pl.when(two_chars).then(second).otherwise(pl.lit(""))).to_series()
    return pl.select(pl.concat_str([surname, first, second])).to_series().alias("name")


def _id_numbers(
    rng: np.random.Generator, city: np.ndarray, is_male: np.ndarray, today: int
) -> pl.Series:
    """18-digit resident ID numbers with a valid check digit (GB 11643)."""
    n = len(city)
    region = np.zeros(n, np.int64)
    for code, (_, _, regions) in enumerate(CITIES):
        mask = city == code
        region[mask] = np.array(regions, np.int64)[rng.integers(0, len(regions), int(mask.sum()))]
    born_elsewhere = rng.random(n) < 0.3
    region[born_elsewhere] = np.array(HOMETOWN_REGIONS, np.int64)[
        rng.integers(0, len(HOMETOWN_REGIONS), int(born_elsewhere.sum()))
    ]
    birth_day = today - rng.integers(22 * 365, 62 * 365, n)
    birth = as_dates(birth_day)
    birth_num = (
        birth.dt.year().cast(pl.Int64) * 10_000
        + birth.dt.month().cast(pl.Int64) * 100
        + birth.dt.day().cast(pl.Int64)
    ).to_numpy()
    sequence = rng.integers(0, 500, n) * 2 + is_male  # odd for men, even for women
    body = region * 10**11 + birth_num * 1000 + sequence
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], np.int64)
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = pl.Series(list("10X98765432")).gather((digits @ weights) % 11)
    return pl.select(pl.concat_str([pl.Series(body).cast(pl.String), check])).to_series()


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = np.array(MOBILE_PREFIXES, np.int64)[rng.integers(0, len(MOBILE_PREFIXES), n)]
    return prefix * 10**8 + rng.integers(0, 10**8, n)


def _build_contacts(
    rng: np.random.Generator, home_city: np.ndarray
) -> tuple[Contacts, np.ndarray, np.ndarray]:
    n_customers = len(home_city)
    count = rng.choice([1, 2, 3, 4], n_customers, p=[0.05, 0.25, 0.45, 0.25])
    total = int(count.sum())
    customer = np.repeat(np.arange(n_customers), count)
    starts = np.cumsum(count) - count
    slot = np.arange(total) - np.repeat(starts, count)
    relation = np.where(
        slot == 0,
        SELF,
        rng.choice(
            [SPOUSE, FAMILY, GUARANTOR, COLLEAGUE, OTHER_REL], total,
            p=[0.3, 0.33, 0.17, 0.12, 0.08],
        ),
    )  # fmt: skip
    is_landline = (slot > 0) & (rng.random(total) < 0.25)
    relation = np.where(is_landline & (rng.random(total) < 0.3), SELF, relation)
    city = home_city[customer]
    mobile = mobiles(rng, total)
    local = rng.integers(20_000_000, 90_000_000, total)

    # How each number is written: 0 fine; malformed: 1 ten-digit mobile, 2 Wuhan landline with
    # seven digits, 3 landline without area code, 4 garbage, 5 bad mobile prefix, 6 12 digits.
    u = rng.random(total)
    fault = np.zeros(total, np.int8)
    fault[~is_landline & (u < 0.05)] = 1
    fault[~is_landline & (u >= 0.05) & (u < 0.06)] = 5
    fault[~is_landline & (u >= 0.06) & (u < 0.07)] = 6
    fault[is_landline & (city == WUHAN) & (u < 0.45)] = 2
    fault[is_landline & (fault == 0) & (rng.random(total) < 0.3)] = 3
    fault[(slot > 0) & (rng.random(total) < 0.025)] = 4
    # Well-formed but dead or suspended: numbers change hands, debtors drop them.
    v = rng.random(total)
    state = np.where(fault > 0, 3, np.where(v < 0.13, 1, np.where(v < 0.2, 2, 0)))
    state = np.where(fault == 4, 4, state).astype(np.int8)
    style = rng.random(total)
    area = pl.Series([c[1] for c in CITIES]).gather(city)
    frame = pl.DataFrame(
        {
            "mobile": pl.Series(mobile).cast(pl.String),
            "local": pl.Series(local).cast(pl.String),
            "area": area,
            "fault": fault,
            "is_landline": is_landline,
            "style": style,
            "garbage": pl.Series(GARBAGE_PHONES).gather(
                rng.integers(0, len(GARBAGE_PHONES), total)
            ),
            "digit": pl.Series(rng.integers(0, 10, total)).cast(pl.String),
        }
    )
    mob, loc, ar, st = pl.col("mobile"), pl.col("local"), pl.col("area"), pl.col("style")
    landline = (
        pl.when(st < 0.1)
        .then(pl.concat_str([ar, loc]))
        .when(st < 0.13)
        .then(pl.concat_str([pl.lit("("), ar, pl.lit(")"), loc]))
        .otherwise(pl.concat_str([ar, pl.lit("-"), loc]))
    )
    mobile_text = (
        pl.when(st < 0.03)
        .then(pl.concat_str([mob.str.slice(0, 3), mob.str.slice(3, 4), mob.str.slice(7, 4)],
                            separator=" "))
        .when(st < 0.05)
        .then(pl.concat_str([pl.lit("+86 "), mob]))
        .otherwise(mob)
    )  # fmt: skip
    fault_col = pl.col("fault")
    phone = (
        pl.when(fault_col == 1)
        .then(mob.str.slice(0, 10))
        .when(fault_col == 2)
        .then(pl.concat_str([ar, pl.lit("-"), loc.str.slice(0, 7)]))
        .when(fault_col == 3)
        .then(loc)
        .when(fault_col == 4)
        .then(pl.col("garbage"))
        .when(fault_col == 5)
        .then(pl.concat_str([pl.lit("12"), mob.str.slice(2, 9)]))
        .when(fault_col == 6)
        .then(pl.concat_str([mob, pl.col("digit")]))
        .when(pl.col("is_landline"))
        .then(landline)
        .otherwise(mobile_text)
    )
    phones = frame.select(phone.alias("phone")).to_series()
    del frame

    # Duplicates: the same number entered twice, from two systems or two loans.
    dup = rng.random(total) < 0.03
    order = np.repeat(np.arange(total), 1 + dup)
    customer, relation, state = customer[order], relation[order], state[order]
    phones = phones.gather(order)
    count = np.bincount(customer, minlength=n_customers)
    starts = np.cumsum(count) - count
    contacts = Contacts(customer, phones, relation.astype(np.int8), state)
    return contacts, starts, count
