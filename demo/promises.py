"""Promises to pay (承诺还款) made on effective contacts, kept, partly kept or broken, and the
situation each action's note describes.
"""

from __future__ import annotations

import numpy as np

from demo.book import Book
from demo.calendar import SECONDS_PER_DAY
from demo.codes import (
    AGENCY,
    BUSY,
    CONNECTED,
    FAMILY,
    INVALID,
    LAWYER_LETTER,
    LEGAL_ACTION,
    LETTER,
    MET,
    NO_ANSWER,
    NOTE,
    PHONE,
    POWERED_OFF,
    REJECTED,
    REPO,
    SELF,
    SMS,
    SUSPENDED,
    VISIT,
)
from demo.delinquency import CURE_T, DISPOSAL_T, LUMP_T, round_to
from demo.records import Actions, State

_PROMISE_SHARE = np.array([0.35, 0.45, 0.4, 0.35, 0.3, 0.3, 0.25, 0.2])


def add_promises(
    rng: np.random.Generator,
    book: Book,
    actions: Actions,
    case_loan: np.ndarray,
    stage: np.ndarray,
    outcome: np.ndarray,
    pay_day: np.ndarray,
    amount: np.ndarray,
    due_now: np.ndarray,
    state: State,
) -> None:
    """Promises on effective contacts, kept or partly kept when the case pays after the
    promise, broken when it does not; and a note for most actions."""
    order = np.argsort(case_loan)
    case = order[np.searchsorted(case_loan[order], actions.loan)]
    m = len(case)
    day = actions.at // SECONDS_PER_DAY
    is_effective = (
        (actions.method == PHONE) & (actions.outcome == CONNECTED) & (actions.relation <= FAMILY)
    ) | (actions.outcome == MET)
    promiser = book.is_serial_promiser[actions.loan]
    will_pay = (amount[case] > 0) & (pay_day[case] >= day)
    # Debtors who mean to pay promise more often; serial promisers promise anyway, until
    # collectors stop taking the word of one who broke it again and again (DOMAIN.md).
    likelihood = np.where(promiser, 1.8, np.where(will_pay, 2.2, 0.35))
    broken_before = state.broken_promises[actions.loan]
    likelihood *= np.select([broken_before >= 6, broken_before >= 3], [0.0, 0.3], 1.0)
    share = np.clip(_PROMISE_SHARE[stage[case]] * likelihood, 0, 0.9)
    promises = np.flatnonzero(is_effective & (rng.random(m) < share))
    promises = promises[_one_pending_promise(case[promises], day[promises], len(case_loan))]
    pc = case[promises]
    pays = will_pay[promises]
    full = np.isin(outcome[pc], [CURE_T, LUMP_T, DISPOSAL_T])
    keeps = full & (rng.random(len(pc)) < np.where(promiser[promises], 0.5, 0.85))
    loan = actions.loan[promises]
    arrears = np.maximum(due_now[loan] - state.paid[loan], 1) * book.instalment[loan]
    kept_amount = round_to(amount[pc], 100, up=False)
    partly_amount = np.where(
        full,
        round_to((amount[pc] * rng.uniform(1.5, 2.5, len(pc))).astype(np.int64), 100, up=True),
        round_to(np.maximum(arrears, amount[pc] + 1), 100, up=True),
    )
    promised = np.where(
        pays, np.where(keeps, kept_amount, partly_amount), round_to(arrears, 100, up=True)
    )
    promised_on = np.where(
        pays,
        np.maximum(pay_day[pc] + rng.integers(0, 3, len(pc)), day[promises] + 1),
        day[promises] + rng.integers(1, 11, len(pc)),
    )
    actions.promised[promises] = promised
    actions.promised_on[promises] = promised_on
    actions.note_group[:] = _note_groups(actions, is_effective)
    np.add.at(state.broken_promises, loan[~pays], 1)


def _one_pending_promise(case: np.ndarray, day: np.ndarray, n_cases: int) -> np.ndarray:
    """Of the contacts that could bring a promise, those that do: a case's first in the
    month, and one more at most, a week or more later (by when the first has mostly come
    due)."""
    order = np.lexsort((day, case))
    case_sorted, day_sorted = case[order], day[order]
    first_of_case = np.append(True, case_sorted[1:] != case_sorted[:-1])
    first_day = np.full(n_cases, np.iinfo(np.int64).max, np.int64)
    first_day[case_sorted[first_of_case]] = day_sorted[first_of_case]
    later = ~first_of_case & (day_sorted >= first_day[case_sorted] + 7)
    after = np.flatnonzero(later)
    second = after[np.unique(case_sorted[after], return_index=True)[1]]
    chosen = np.zeros(len(case), bool)
    chosen[order[first_of_case]] = True
    chosen[order[second]] = True
    return np.flatnonzero(chosen)


def _note_groups(actions: Actions, is_effective: np.ndarray) -> np.ndarray:
    method, outcome, relation = actions.method, actions.outcome, actions.relation
    is_phone = method == PHONE
    is_self = relation == SELF
    situations = [
        (is_phone & (actions.promised >= 0) & is_self, "promise self"),
        (is_phone & (actions.promised >= 0), "promise family"),
        (is_phone & is_effective & is_self, "reached self"),
        (is_phone & is_effective, "reached family"),
        (is_phone & (outcome == CONNECTED), "third party"),
        (is_phone & (outcome == NO_ANSWER), "no answer"),
        (is_phone & (outcome == BUSY), "busy"),
        (is_phone & (outcome == REJECTED), "rejected"),
        (is_phone & (outcome == POWERED_OFF), "powered off"),
        (is_phone & (outcome == SUSPENDED), "suspended"),
        (is_phone & (outcome == INVALID), "invalid"),
        (is_phone, "wrong"),
        (method == SMS, "sms"),
        ((method == VISIT) & (outcome == MET), "met"),
        (method == VISIT, "not found"),
        (method == LETTER, "letter"),
        (method == LAWYER_LETTER, "lawyer letter"),
        (method == LEGAL_ACTION, "legal"),
        (method == AGENCY, "agency"),
        (method == REPO, "repossession"),
    ]
    return np.select(
        [condition for condition, _ in situations],
        [NOTE[name] for _, name in situations],
        NOTE["other"],
    )
