"""One month of the simulation: who falls due and misses, what the cases' collectors do,
what the debtors pay, and the book at the month end.
"""

from __future__ import annotations

import numpy as np

from demo.actions import actions_of_holders, case_actions, drop_after_settling, reminder_sms
from demo.book import Book, oldest_unpaid_due
from demo.calendar import Calendar
from demo.cases import LatePaths, month_cases
from demo.codes import ACTIVE_ST, REPO, SETTLED_ST, WRITTEN_OFF_ST
from demo.delinquency import (
    CURE_T,
    DISPOSAL_T,
    LUMP_T,
    PARTIAL_T,
    PREPAY,
    ROLL,
    STAGES,
    WRITE_OFF_T,
    pay_days,
    payment_amounts,
    payment_rows,
    prepayments,
    transitions,
)
from demo.people import Contacts, Customers
from demo.promises import add_promises
from demo.records import Counters, Month, Snapshot, State, concat_actions, concat_payments
from demo.teams import TEAM_LEVEL, late_team
from demo.visits import monthly_visit_targets, within_visit_targets


def opening_snapshot(state: State) -> Snapshot:
    """The book at the end of the month before the window: the loans on it, as they start."""
    loans = np.flatnonzero(state.status == 1)
    active = np.full(len(loans), ACTIVE_ST, np.int8)
    return Snapshot(-1, loans, state.paid[loans], active, state.cases.team[loans])


def simulate_month(
    book: Book,
    customers: Customers,
    contacts: Contacts,
    state: State,
    k: int,
    cal: Calendar,
    counters: Counters,
    rng: np.random.Generator,
) -> Month:
    n = len(book.term)
    start, end = int(cal.month_start[k]), int(cal.month_end[k])
    paid_before = state.paid
    d, term = book.disbursed_month, book.term
    on_book = state.status == 1
    due_before = np.clip(k - 1 - d, 0, term)
    due_now = np.clip(k - d, 0, term)
    missed_before = due_before - state.paid
    falls_due = due_now > due_before
    current = on_book & (missed_before == 0)
    u = rng.random(n)
    late = current & falls_due & (u < book.hazard)
    on_time = current & falls_due & ~late
    prepaid = current & ~late & (rng.random(n) < PREPAY) & (due_now < term)
    overdue = on_book & (missed_before > 0)

    case_loan = np.concatenate([np.flatnonzero(late), np.flatnonzero(overdue)])
    stage = np.minimum(missed_before[case_loan], STAGES - 1)
    oldest_due = oldest_unpaid_due(book, case_loan, state.paid[case_loan], cal)
    window_start = np.maximum(oldest_due + 1, start)  # late this month: from the day after
    held_by = state.cases.team[case_loan]
    floor_level = np.where(held_by >= 0, TEAM_LEVEL[np.maximum(held_by, 0)], 0)
    visit_targets = monthly_visit_targets(rng, book)
    actions, first_effective = case_actions(
        rng, book, customers, contacts, case_loan, stage, window_start, oldest_due,
        floor_level, visit_targets, end,
    )  # fmt: skip

    repossessed = np.unique(actions.loan[actions.method == REPO])
    outcome = transitions(rng, book, case_loan, stage, missed_before, first_effective, repossessed)
    pay_day = pay_days(rng, outcome, stage, window_start, end, first_effective)
    # A loan late this month that would pay after the month end is still late at month end.
    outcome[(stage == 0) & (outcome == CURE_T) & (pay_day > end)] = ROLL
    pay_day = np.minimum(pay_day, end)
    actions = drop_after_settling(actions, case_loan, outcome, pay_day)

    amount = payment_amounts(rng, book, case_loan, outcome, due_now, state.paid)
    add_promises(rng, book, actions, case_loan, stage, outcome, pay_day, amount, due_now, state)
    reminders = reminder_sms(rng, book, customers, contacts, on_time, k, cal)
    payments = payment_rows(rng, case_loan, stage, outcome, window_start, pay_day, amount, end)

    # New state at the month end.
    paid = state.paid.copy()
    paid[on_time] += 1
    cured = case_loan[outcome == CURE_T]
    paid[cured] = due_now[cured]
    paid[case_loan[outcome == PARTIAL_T]] += 1
    closed = case_loan[(outcome == LUMP_T) | (outcome == DISPOSAL_T)]
    paid[closed] = term[closed]
    paid[prepaid] = term[prepaid]
    month_status = np.full(n, ACTIVE_ST, np.int8)
    month_status[case_loan[outcome == WRITE_OFF_T]] = WRITTEN_OFF_ST
    month_status[(paid >= term) & on_book] = SETTLED_ST
    arriving = (state.status == 0) & (d == k)
    snapshot = np.flatnonzero(on_book | arriving)
    paths = LatePaths.of(book, state, k, cal, case_loan, outcome, pay_day, payments, paid)
    holders, cases = month_cases(book, state, paths, cal, counters)
    actions = within_visit_targets(rng, actions_of_holders(book, actions, holders), visit_targets)
    actions = concat_actions([actions, reminders])
    state.paid = paid
    state.status[arriving] = 1
    state.status[month_status != ACTIVE_ST] = 2
    status = month_status[snapshot]
    team = np.where(status == WRITTEN_OFF_ST, late_team(book, snapshot), state.cases.team[snapshot])
    early = prepayments(rng, book, np.flatnonzero(prepaid), paid_before, start, end)
    payments = concat_payments([payments, early])
    return Month(k, snapshot, paid[snapshot], status, team, actions, payments, cases)
