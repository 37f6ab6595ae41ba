"""The loan book: what never changes about each loan (product, size, term, instalments, due
day, risk), and its instalment schedule in day numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from demo.calendar import Calendar
from demo.reference import BRANCH_WEIGHTS, BRANCHES, PRODUCTS
from demo.teams import FIELD_FROM_MISSED, LATE_FROM_MISSED, staffed_team_sizes
from demo.text import as_dates, join

_MAX_AGE_MONTHS = 96  # oldest loans on the book at the start


@dataclass
class Book:
    """What never changes about each loan: one array element per loan."""

    loan_id: pl.Series
    customer: np.ndarray
    product: np.ndarray
    branch: np.ndarray
    term: np.ndarray
    principal: np.ndarray  # cents
    repaid_per_instalment: np.ndarray  # principal part of an instalment, cents
    instalment: np.ndarray  # principal and interest, cents
    interest: np.ndarray  # interest part of an instalment, cents
    due_day: np.ndarray
    disbursed_month: np.ndarray  # relative to the window's first month
    disbursed_on: np.ndarray  # day number
    hazard: np.ndarray
    initial_paid: np.ndarray
    is_neglected: np.ndarray  # nobody ever works the case
    is_serial_promiser: np.ndarray
    is_big: np.ndarray  # goes to the legal team, not to an agency, when it ages
    key: np.ndarray  # spreads loans over teams and collectors
    team_sizes: np.ndarray  # collectors at work in each team


def build_book(rng: np.random.Generator, n: int, months: int, cal: Calendar) -> Book:
    products = PRODUCTS
    # The book holds loans in proportion to product weight; the monthly flow of new loans
    # leans to short terms, since a book holds each loan for its whole term. With as many
    # loans arriving each month as fall due for the last time, the book keeps its size.
    pair_product = np.array([code for code, p in enumerate(products) for _ in p.terms])
    pair_term = np.array([t for p in products for t in p.terms])
    in_book = np.array([p.weight / len(p.terms) for p in products for _ in p.terms])
    in_book /= in_book.sum()
    flow = in_book / np.minimum(pair_term, _MAX_AGE_MONTHS)
    arrivals_per_month = flow.sum()
    new_share = arrivals_per_month * months / (1 + arrivals_per_month * months)
    is_new = rng.random(n) < new_share
    pair = np.where(
        is_new,
        rng.choice(len(pair_term), n, p=flow / flow.sum()),
        rng.choice(len(pair_term), n, p=in_book),
    )
    product, term = pair_product[pair], pair_term[pair].astype(np.int32)
    principal_yuan = np.zeros(n, np.int64)
    rate_bp = np.zeros(n, np.int64)
    for code, spec in enumerate(products):
        mask = product == code
        size = int(mask.sum())
        raw = spec.median_yuan * np.exp(spec.sigma * rng.standard_normal(size))
        rounded = np.round(np.clip(raw, spec.min_yuan, spec.max_yuan) / spec.round_yuan)
        principal_yuan[mask] = rounded.astype(np.int64) * spec.round_yuan
        rate_bp[mask] = rng.integers(spec.rate_bp[0], spec.rate_bp[1] + 1, size)
    principal = principal_yuan * 100
    repaid = principal // term
    interest = principal * rate_bp // 120_000
    branch = rng.choice(len(BRANCHES), n, p=BRANCH_WEIGHTS)
    n_customers = max(1, int(n * 0.9))
    customer = np.arange(n, dtype=np.int64)
    repeat = np.arange(n) >= n_customers
    customer[repeat] = rng.integers(0, n_customers, int(repeat.sum()))
    same_branch = repeat & (rng.random(n) < 0.9)
    branch[same_branch] = branch[customer[same_branch]]

    due_day = rng.integers(1, 28, n)  # never after the 27th: every month end is past it
    # Instalments due by the end of the month before the window.
    age = (rng.random(n) * np.minimum(term, _MAX_AGE_MONTHS)).astype(np.int64)
    disbursed_month = np.where(is_new, rng.integers(0, months, n), -1 - age)
    sigma = 0.8
    risk = np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    base_hazard = np.array([p.hazard for p in products])[product]
    hazard = np.clip(base_hazard * risk, 0.0, 0.6)
    missed = _initial_missed(rng, n)
    is_overdue = ~is_new & (rng.random(n) < np.clip(1.6 * hazard, 0.0, 0.5))
    missed = np.where(is_overdue, np.minimum(missed, age), 0)
    initial_paid = np.where(is_new, 0, age - missed)

    key = rng.integers(0, 2**31, n)
    is_big = (principal_yuan >= 300_000) | ~np.array([p.is_consumer for p in products])[product]
    disbursed_on = cal.day_of(disbursed_month, due_day)
    loan_id = _loan_ids(branch, disbursed_on)
    return Book(
        loan_id=loan_id,
        customer=customer,
        product=product,
        branch=branch,
        term=term,
        principal=principal,
        repaid_per_instalment=repaid,
        instalment=repaid + interest,
        interest=interest,
        due_day=due_day,
        disbursed_month=disbursed_month,
        disbursed_on=disbursed_on,
        hazard=hazard,
        initial_paid=initial_paid.astype(np.int32),
        is_neglected=rng.random(n) < 0.06,
        is_serial_promiser=rng.random(n) < 0.15,
        is_big=is_big,
        key=key,
        team_sizes=staffed_team_sizes(_field_cases(branch, missed)),
    )


def _field_cases(branch: np.ndarray, missed: np.ndarray) -> np.ndarray:
    """Loans per branch its field team works in the first months: those overdue at the
    start short of the late stage (M1 ones reach it soon)."""
    working = (missed >= FIELD_FROM_MISSED - 1) & (missed < LATE_FROM_MISSED)
    return np.bincount(branch[working], minlength=len(BRANCHES))


def _initial_missed(rng: np.random.Generator, n: int) -> np.ndarray:
    """Instalments overdue at the start, for loans that are: a steady state's long tail."""
    values = np.arange(1, 25)
    head = [0.25, 0.17, 0.12, 0.09, 0.075, 0.065]
    weights = np.concatenate([head, 0.15 * 0.75 ** np.arange(18)])
    return rng.choice(values, n, p=weights / weights.sum())


def _loan_ids(branch: np.ndarray, disbursed_on: np.ndarray) -> pl.Series:
    codes = pl.Series([code for _, code in BRANCHES]).gather(branch)
    dates = as_dates(disbursed_on).dt.strftime("%Y%m%d")
    serial = pl.Series(np.arange(1, len(branch) + 1)).cast(pl.String).str.zfill(8)
    return join(codes, dates, serial)


def oldest_unpaid_due(book: Book, loan: np.ndarray, paid: np.ndarray, cal: Calendar) -> np.ndarray:
    """Day number of the due date of the first instalment not paid: days past due count
    from it."""
    return cal.day_of(book.disbursed_month[loan] + paid + 1, book.due_day[loan])


def instalments_past_due(
    book: Book, loan: np.ndarray, day: np.ndarray, cal: Calendar
) -> np.ndarray:
    """Instalments whose due date is before `day`."""
    month = np.asarray(day).astype("datetime64[D]").astype("datetime64[M]") - cal.first_month
    month = month.astype(np.int64)
    day_of_month = day - cal.day_of(month, 1) + 1
    past = month - book.disbursed_month[loan] - 1 + (book.due_day[loan] < day_of_month)
    return np.clip(past, 0, book.term[loan])
