"""How the month's overdue loans behave: roll on, cure, pay part, settle or are written
off, on which day they pay, and how much.
"""

from __future__ import annotations

import numpy as np

from demo.book import Book
from demo.codes import CHANNEL_WEIGHTS, CHANNELS
from demo.records import Payments
from demo.reference import PRODUCTS

# Stages of a case within a month: 0 missed this month's due date, 1-6 that many instalments
# overdue at the start of the month (M1-M6), 7 more (M7+).
STAGES = 8


# Chances, per month, by stage: cure (pay everything due), pay one instalment, pay a token
# amount, settle at a discount. Stage 0 "cure" is paying within the month.
_CURE = np.array([0.5, 0.42, 0.2, 0.1, 0.06, 0.05, 0.04, 0.015])
_PARTIAL = np.array([0.0, 0.1, 0.1, 0.08, 0.06, 0.05, 0.05, 0.03])
_TOKEN = np.array([0.0, 0.04, 0.05, 0.05, 0.05, 0.05, 0.05, 0.04])
_LUMP = np.array([0.0, 0.0, 0.0, 0.005, 0.01, 0.01, 0.01, 0.008])
PREPAY = 0.004


ROLL, CURE_T, PARTIAL_T, TOKEN_T, LUMP_T, DISPOSAL_T, WRITE_OFF_T = range(7)


def transitions(
    rng: np.random.Generator,
    book: Book,
    case_loan: np.ndarray,
    stage: np.ndarray,
    missed_before: np.ndarray,
    first_effective: np.ndarray,
    repossessed_loans: np.ndarray,
) -> np.ndarray:
    """What each case does in the month (ROLL, CURE_T...): likelier to pay when reached,
    closed by the sale of what was repossessed, written off after long delinquency."""
    n = len(case_loan)
    reached = first_effective < np.iinfo(np.int64).max // 4
    promiser = book.is_serial_promiser[case_loan]
    boost = np.where(reached & ~promiser, 1.3, np.where(reached, 0.9, 0.6))
    boost = boost * np.where(book.is_neglected[case_loan], 0.8, 1.0)
    cure = np.clip(_CURE[stage] * boost, 0, 0.95)
    partial = _PARTIAL[stage] * boost
    token = _TOKEN[stage] * np.where(promiser, 1.8, 1.0)
    lump = _LUMP[stage]
    u = rng.random(n)
    outcome = np.select(
        [
            u < cure,
            u < cure + partial,
            u < cure + partial + token,
            u < cure + partial + token + lump,
        ],
        [CURE_T, PARTIAL_T, TOKEN_T, LUMP_T],
        ROLL,
    )
    # Repossessed vehicles and machines are sold and the loan closed.
    repossessed = np.isin(case_loan, repossessed_loans)
    outcome[repossessed & (outcome == ROLL) & (rng.random(n) < 0.3)] = DISPOSAL_T
    missed = missed_before[case_loan]
    is_consumer = np.array([p.is_consumer for p in PRODUCTS])[book.product[case_loan]]
    write_off = np.where(missed >= 9, 0.12, np.where(is_consumer & (missed >= 7), 0.25, 0.0))
    outcome[(outcome == ROLL) & (rng.random(n) < write_off)] = WRITE_OFF_T
    return outcome


def pay_days(
    rng: np.random.Generator,
    outcome: np.ndarray,
    stage: np.ndarray,
    window_start: np.ndarray,
    end: int,
    first_effective: np.ndarray,
) -> np.ndarray:
    """Payments come a few days after the first effective contact, else any day."""
    n = len(outcome)
    reached = first_effective < np.iinfo(np.int64).max // 4
    after_contact = np.where(reached, first_effective, 0) + rng.geometric(0.35, n) - 1
    by_itself = np.where(
        stage == 0,
        window_start + rng.geometric(0.18, n) - 1,
        window_start + (rng.random(n) * (end - window_start + 1)).astype(np.int64),
    )
    return np.where(reached, after_contact, by_itself)


def round_to(cents: np.ndarray, step_yuan: int, *, up: bool) -> np.ndarray:
    step = step_yuan * 100
    rounded = (cents + (step - 1 if up else 0)) // step * step
    return np.where(rounded > 0, rounded, cents)


def payment_amounts(
    rng: np.random.Generator,
    book: Book,
    case_loan: np.ndarray,
    outcome: np.ndarray,
    due_now: np.ndarray,
    paid: np.ndarray,
) -> np.ndarray:
    """What each case pays in the month, in cents (0 when nothing)."""
    n = len(case_loan)
    instalment = book.instalment[case_loan]
    all_due = (due_now[case_loan] - paid[case_loan]) * instalment
    outstanding = (
        book.principal[case_loan] - paid[case_loan] * book.repaid_per_instalment[case_loan]
    )
    arrears_interest = (due_now[case_loan] - paid[case_loan]) * book.interest[case_loan]
    token = round_to((instalment * rng.uniform(0.1, 0.6, n)).astype(np.int64), 10, up=False)
    token = np.clip(token, 100, np.maximum(instalment - 1, 100))
    lump = (outstanding + arrears_interest) * rng.uniform(0.7, 1.0, n)
    disposal = outstanding * rng.uniform(0.4, 0.9, n)
    amount = np.select(
        [outcome == CURE_T, outcome == PARTIAL_T, outcome == TOKEN_T, outcome == LUMP_T,
         outcome == DISPOSAL_T],
        [all_due, instalment, token, lump.astype(np.int64) // 100 * 100,
         disposal.astype(np.int64) // 100 * 100],
        0,
    )  # fmt: skip
    return np.maximum(amount, np.where(outcome == ROLL, 0, 1)).astype(np.int64) * (
        outcome != WRITE_OFF_T
    )


def payment_rows(
    rng: np.random.Generator,
    case_loan: np.ndarray,
    stage: np.ndarray,
    outcome: np.ndarray,
    window_start: np.ndarray,
    pay_day: np.ndarray,
    amount: np.ndarray,
    end: int,
) -> Payments:
    paying = np.flatnonzero(amount > 0)
    loan, day, total = case_loan[paying], pay_day[paying], amount[paying]
    n = len(paying)
    channel = rng.choice(len(CHANNELS), n, p=CHANNEL_WEIGHTS)
    channel[(stage[paying] >= 2) & (rng.random(n) < 0.06)] = len(CHANNELS)  # guarantor pays
    channel[outcome[paying] == DISPOSAL_T] = len(CHANNELS) + 1
    # Some large payments come in two parts, the first a few days earlier.
    first = (total * rng.uniform(0.3, 0.7, n)).astype(np.int64) // 100 * 100
    split = (total >= 200_00) & (rng.random(n) < 0.2) & (outcome[paying] != DISPOSAL_T)
    split &= (first > 0) & (first < total)
    first_day = np.maximum(day - rng.integers(1, 4, n), window_start[paying])[split]
    loans = np.concatenate([loan, loan[split]])
    days = np.concatenate([day, first_day])
    amounts = np.concatenate([total - np.where(split, first, 0), first[split]])
    channels = np.concatenate([channel, channel[split]])
    # A failed direct debit is reversed (冲正) and paid again by transfer.
    reversed_ = (channels == 0) & (rng.random(len(loans)) < 0.01)
    r_day = np.minimum(days[reversed_] + rng.integers(0, 2, int(reversed_.sum())), end)
    again = np.minimum(r_day + rng.integers(0, 3, len(r_day)), end)
    loans = np.concatenate([loans, loans[reversed_], loans[reversed_]])
    days = np.concatenate([days, r_day, again])
    amounts = np.concatenate([amounts, -amounts[reversed_], amounts[reversed_]])
    channels = np.concatenate([channels, channels[reversed_], np.ones(len(r_day), np.int64)])
    order = np.lexsort((loans, days))
    return Payments(loans[order], days[order], amounts[order], channels[order])


def prepayments(
    rng: np.random.Generator, book: Book, loans: np.ndarray, paid: np.ndarray, start: int, end: int
) -> Payments:
    """Current loans paid off early (提前还款), their whole balance on one day of the month:
    repaid, never recovered, since no case holds them."""
    outstanding = book.principal[loans] - paid[loans] * book.repaid_per_instalment[loans]
    day = start + (rng.random(len(loans)) * (end - start + 1)).astype(np.int64)
    channel = rng.choice(len(CHANNELS), len(loans), p=CHANNEL_WEIGHTS)
    return Payments(loans, day, outstanding, channel)
