"""The simulation's records: open cases and the state carried from month to month, and a
month's cases, holders, actions, payments and snapshot, as arrays with one element per
row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.book import Book


@dataclass
class _OpenCases:
    """Each loan's case held at the last month end, one element per loan (team -1: none)."""

    case_id: np.ndarray
    team: np.ndarray
    assigned_on: np.ndarray
    amount: np.ndarray  # cents
    days_past_due: np.ndarray  # at placement

    @classmethod
    def none(cls, n: int) -> _OpenCases:
        return cls(*(np.full(n, -1, np.int64) for _ in range(5)))

    def set(self, loan: np.ndarray, rows: CaseRows, held: np.ndarray) -> None:
        """Forget the cases of `loan`; keep those of `rows` still held (`held`)."""
        self.team[loan] = -1
        kept = rows.loan[held]
        self.case_id[kept] = rows.case_id[held]
        self.team[kept] = rows.team[held]
        self.assigned_on[kept] = rows.assigned_on[held]
        self.amount[kept] = rows.amount[held]
        self.days_past_due[kept] = rows.days_past_due[held]


@dataclass
class State:
    paid: np.ndarray  # instalments paid
    status: np.ndarray  # 0 not yet disbursed, 1 on the book, 2 gone
    cases: _OpenCases
    broken_promises: np.ndarray  # promises made and not kept so far

    @classmethod
    def start(cls, book: Book) -> State:
        n = len(book.term)
        status = np.where(book.disbursed_month < 0, 1, 0).astype(np.int8)
        return cls(book.initial_paid.copy(), status, _OpenCases.none(n), np.zeros(n, np.int64))


@dataclass
class CaseRows:
    """Cases (分案) as a month's assignments file lists them: every case that held its loan
    on some day of the month, with its end as known at the month end (-1: still held)."""

    case_id: np.ndarray
    loan: np.ndarray
    team: np.ndarray
    assigned_on: np.ndarray  # day number
    ended_on: np.ndarray  # the first day no longer held, -1 still held
    amount: np.ndarray  # cents
    days_past_due: np.ndarray  # at placement
    is_listed: np.ndarray  # in the month's file: placed or ended in the month


@dataclass
class Holders:
    """Who holds each case loan on which days of a month: one row per stretch of days."""

    loan: np.ndarray
    start: np.ndarray  # day number
    stop: np.ndarray  # the first day after
    team: np.ndarray


@dataclass
class Actions:
    loan: np.ndarray
    method: np.ndarray
    at: np.ndarray  # seconds since 1970-01-01, local time
    team: np.ndarray
    collector: np.ndarray
    contact: np.ndarray  # row of the contacts table, -1 none
    relation: np.ndarray  # -1 none
    outcome: np.ndarray  # -1 none
    promised: np.ndarray  # cents, -1 none
    promised_on: np.ndarray  # day number
    cost: np.ndarray  # cents, -1 none
    note_group: np.ndarray  # situation for the note, -1 none


@dataclass
class Payments:
    loan: np.ndarray
    day: np.ndarray
    amount: np.ndarray  # cents, negative for a reversal
    channel: np.ndarray


@dataclass
class Snapshot:
    k: int  # month of the window, -1 for the month before it
    snapshot_loans: np.ndarray
    paid: np.ndarray
    status: np.ndarray  # ACTIVE_ST, SETTLED_ST or WRITTEN_OFF_ST
    team: np.ndarray  # holding the loan's case on the snapshot date, -1 none


@dataclass
class Month(Snapshot):
    actions: Actions
    payments: Payments
    cases: CaseRows


def take_actions(actions: Actions, rows: np.ndarray) -> Actions:
    return Actions(**{name: value[rows] for name, value in vars(actions).items()})


def concat_actions(parts: list[Actions]) -> Actions:
    return Actions(
        **{name: np.concatenate([vars(p)[name] for p in parts]) for name in vars(parts[0])}
    )


def take_case_rows(rows: CaseRows, kept: np.ndarray) -> CaseRows:
    return CaseRows(**{name: value[kept] for name, value in vars(rows).items()})


def concat_case_rows(parts: list[CaseRows]) -> CaseRows:
    rows = CaseRows(
        **{name: np.concatenate([vars(p)[name] for p in parts]) for name in vars(parts[0])}
    )
    return take_case_rows(rows, np.argsort(rows.case_id, kind="stable"))


@dataclass
class Counters:
    """Running numbers for ids that must stay unique across months."""

    action: int = 0
    payment: int = 0
    assignment: int = 0

    def next_assignments(self, count: int) -> np.ndarray:
        ids = np.arange(self.assignment + 1, self.assignment + 1 + count, dtype=np.int64)
        self.assignment += count
        return ids


def concat_payments(parts: list[Payments]) -> Payments:
    """Payments of several kinds in one list, by day and loan."""
    joined = Payments(
        **{name: np.concatenate([vars(p)[name] for p in parts]) for name in vars(parts[0])}
    )
    order = np.lexsort((joined.loan, joined.day))
    return Payments(**{name: value[order] for name, value in vars(joined).items()})
