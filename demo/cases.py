"""Cases (分案): which team and collector hold each overdue loan on each day of a month, and
the rows of the month's assignments file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.book import Book, instalments_past_due, oldest_unpaid_due
from demo.calendar import Calendar
from demo.delinquency import CURE_T, DISPOSAL_T, LUMP_T, PARTIAL_T, WRITE_OFF_T
from demo.records import (
    CaseRows,
    Counters,
    Holders,
    Payments,
    State,
    concat_case_rows,
    take_case_rows,
)
from demo.teams import (
    FIELD_FROM_DPD,
    LATE_FROM_DPD,
    LEGAL_KIND,
    TEAM_KIND,
    TEAM_LEVEL,
    holding_team,
    stage_level,
    stage_start,
    team_at_level,
)


def _placed_amount(
    book: Book, loan: np.ndarray, team: np.ndarray, paid: np.ndarray, past_due: np.ndarray
) -> np.ndarray:
    """What a case is placed at, in cents: the overdue amount, or the whole balance for the
    legal team and agencies."""
    overdue = (past_due - paid) * book.instalment[loan]
    outstanding = book.principal[loan] - paid * book.repaid_per_instalment[loan]
    return np.where(TEAM_KIND[team] >= LEGAL_KIND, outstanding, overdue)


def place_opening_cases(book: Book, state: State, cal: Calendar, counters: Counters) -> CaseRows:
    """The cases held at the opening snapshot, each placed when the loan reached its team."""
    end = cal.end_of(-1)
    loans = np.flatnonzero(state.status == 1)
    due = np.clip(-1 - book.disbursed_month[loans], 0, book.term[loans])
    loans = loans[due > state.paid[loans]]
    paid = state.paid[loans]
    team = holding_team(book, loans, end - oldest_unpaid_due(book, loans, paid, cal))
    days_past_due = stage_start(team)
    assigned_on = oldest_unpaid_due(book, loans, paid, cal) + days_past_due
    past_due = instalments_past_due(book, loans, assigned_on, cal)
    n = len(loans)
    rows = CaseRows(
        case_id=counters.next_assignments(n),
        loan=loans,
        team=team,
        assigned_on=assigned_on,
        ended_on=np.full(n, -1, np.int64),
        amount=_placed_amount(book, loans, team, paid, past_due),
        days_past_due=days_past_due,
        is_listed=np.ones(n, bool),
    )
    state.cases.set(loans, rows, np.ones(n, bool))
    return rows


@dataclass
class LatePaths:
    """The days each of the month's case loans is overdue, as stretches of days over which
    days past due grow by one a day from `oldest_due`: the month (or from the day it falls
    overdue) up to a payment that changes that, and after it when still overdue. A stretch
    ended by a payment holds its case up to the last payment of the month."""

    k: int
    start: int  # the month's first and last days
    end: int
    case_loan: np.ndarray  # the month's case loans
    case: np.ndarray  # by stretch: position in case_loan
    loan: np.ndarray
    first: np.ndarray
    last: np.ndarray  # the last overdue day
    stop: np.ndarray  # the first day the stretch's case no longer holds the loan
    oldest_due: np.ndarray
    paid: np.ndarray  # instalments paid over the stretch
    is_late_at_end: np.ndarray  # by case: overdue and on the book at the month end

    @classmethod
    def of(
        cls,
        book: Book,
        state: State,
        k: int,
        cal: Calendar,
        case_loan: np.ndarray,
        outcome: np.ndarray,
        pay_day: np.ndarray,
        payments: Payments,
        paid_after: np.ndarray,
    ) -> LatePaths:
        start, end = int(cal.month_start[k]), int(cal.month_end[k])
        n = len(case_loan)
        paid0, paid1 = state.paid[case_loan], paid_after[case_loan]
        due0 = oldest_unpaid_due(book, case_loan, paid0, cal)
        due1 = oldest_unpaid_due(book, case_loan, paid1, cal)
        pays_off = np.isin(outcome, [CURE_T, PARTIAL_T, LUMP_T, DISPOSAL_T])
        settles = np.isin(outcome, [LUMP_T, DISPOSAL_T]) | (paid1 >= book.term[case_loan])
        is_late_at_end = ~settles & (outcome != WRITE_OFF_T) & (due1 < end)
        a_last = np.where(pays_off, pay_day, end)
        has_b = pays_off & is_late_at_end
        b_first = np.maximum(pay_day + 1, due1 + 1)
        b_joins = has_b & (b_first == a_last + 1)
        position = np.full(len(book.term), -1, np.int64)
        position[case_loan] = np.arange(n)
        last_paid = pay_day.copy()
        np.maximum.at(last_paid, position[payments.loan], payments.day)
        a_stop = np.where(
            b_joins,
            a_last + 1,
            np.minimum(np.maximum(a_last, last_paid) + 1, np.where(has_b, b_first, end + 1)),
        )
        b_case = np.flatnonzero(has_b)
        nb = len(b_case)
        # Stretches in the order of (case, first day): a case's stretch A before its B.
        order = np.argsort(np.concatenate([np.arange(n) * 2, b_case * 2 + 1]), kind="stable")
        case = np.concatenate([np.arange(n), b_case])[order]
        return cls(
            k=k,
            start=start,
            end=end,
            case_loan=case_loan,
            case=case,
            loan=case_loan[case],
            first=np.concatenate([np.maximum(start, due0 + 1), b_first[b_case]])[order],
            last=np.concatenate([a_last, np.full(nb, end)])[order],
            stop=np.concatenate([a_stop, np.full(nb, end + 1)])[order],
            oldest_due=np.concatenate([due0, due1[b_case]])[order],
            paid=np.concatenate([paid0, paid1[b_case]])[order],
            is_late_at_end=is_late_at_end,
        )

    def holders(self, book: Book, carried: np.ndarray) -> tuple[Holders, np.ndarray]:
        """The stretches cut where the loan reaches M2 and M7, in the order of (case, first
        day), with each one's stretch. A case moves on to the next stage's team, never back:
        while the loan stays overdue, a payment that lowers its days past due leaves the case
        where it is. `carried` is the team holding each case loan at the month start (-1:
        none)."""
        cuts = np.stack(
            [self.first, self.oldest_due + FIELD_FROM_DPD, self.oldest_due + LATE_FROM_DPD],
            axis=1,
        )
        inside = (cuts > self.first[:, None]) & (cuts <= self.last[:, None])
        inside[:, 0] = True
        stretch, _ = np.nonzero(inside)
        start = cuts[inside]
        next_in_stretch = np.append(stretch[1:] == stretch[:-1], False)
        stop = np.where(next_in_stretch, np.append(start[1:], 0), self.stop[stretch])
        loan, case = self.loan[stretch], self.case[stretch]
        level = stage_level(start - self.oldest_due[stretch])
        first_of_case = np.append(True, case[1:] != case[:-1])
        held_before = carried[case]
        level = np.where(
            first_of_case & (held_before >= 0),
            np.maximum(level, TEAM_LEVEL[np.maximum(held_before, 0)]),
            level,
        )
        # Days overdue without a break, the highest stage so far.
        follows = np.append(False, (case[1:] == case[:-1]) & (start[1:] == stop[:-1]))
        run = 3 * np.cumsum(~follows)
        level = np.maximum.accumulate(run + level) - run
        return Holders(loan, start, stop, team_at_level(book, loan, level)), stretch


def month_cases(
    book: Book,
    state: State,
    paths: LatePaths,
    cal: Calendar,
    counters: Counters,
) -> tuple[Holders, CaseRows]:
    """The month's holders, and the cases its assignments file lists: those placed in the
    month and those of earlier months that ended in it. A loan's case from last month goes
    on while its team stays; each change of team, and each time a loan falls overdue, is a
    new case placed that day. The open cases in `state` move on to the month end."""
    holders, stretch = paths.holders(book, state.cases.team[paths.case_loan])
    case = paths.case[stretch]
    first_of_case = np.append(True, case[1:] != case[:-1])
    carried = state.cases.team[holders.loan]
    goes_on = np.append(
        False,
        (case[1:] == case[:-1])
        & (holders.start[1:] == holders.stop[:-1])
        & (holders.team[1:] == holders.team[:-1]),
    )
    first = np.flatnonzero(~goes_on)  # each case's first stretch of days
    last = np.append(first[1:] - 1, len(case) - 1)
    loan, team, since = holders.loan[first], holders.team[first], holders.start[first]
    stop = holders.stop[last]
    is_last = np.append(case[first][1:] != case[first][:-1], True)
    held = is_last & (stop == paths.end + 1) & paths.is_late_at_end[case[first]]
    old = (first_of_case & (carried >= 0) & (carried == holders.team))[first]
    new = np.flatnonzero(~old)
    from_stretch = stretch[first[new]]
    placed_on = since.copy()
    placed_on[old] = state.cases.assigned_on[loan[old]]
    amount = state.cases.amount[loan].copy()
    amount[new] = _placed_amount(
        book,
        loan[new],
        team[new],
        paths.paid[from_stretch],
        instalments_past_due(book, loan[new], since[new], cal),
    )
    days_past_due = state.cases.days_past_due[loan].copy()
    days_past_due[new] = since[new] - paths.oldest_due[from_stretch]
    case_id = state.cases.case_id[loan].copy()
    case_id[new] = counters.next_assignments(len(new))
    cases = CaseRows(
        case_id=case_id,
        loan=loan,
        team=team,
        assigned_on=placed_on,
        ended_on=np.where(held, -1, stop),
        amount=amount,
        days_past_due=days_past_due,
        is_listed=~(old & held),
    )
    # Cases from last month whose loan moved on to another team on the month's first day.
    handed_over = first_of_case & (carried >= 0) & (carried != holders.team)
    ended = holders.loan[handed_over]
    cases = concat_case_rows(
        [
            CaseRows(
                case_id=state.cases.case_id[ended],
                loan=ended,
                team=state.cases.team[ended],
                assigned_on=state.cases.assigned_on[ended],
                ended_on=holders.start[handed_over],
                amount=state.cases.amount[ended],
                days_past_due=state.cases.days_past_due[ended],
                is_listed=np.ones(len(ended), bool),
            ),
            cases,
        ]
    )
    state.cases.set(paths.loan, cases, cases.ended_on < 0)
    return holders, take_case_rows(cases, cases.is_listed)
