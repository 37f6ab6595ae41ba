"""Deliberately bad rows, for the loader's rejects table: about one row in 20,000, and at least
two in every file of more than 5,000 rows (none in smaller files), each of one of these kinds:

- loans: negative outstanding_balance; missing loan_id; unparseable as_of_date (day 32);
  a second row for a loan_id already in the snapshot (an export's join fan-out), its
  balance replaced by the principal.
- actions: unknown method `飞鸽传书`; missing loan_id; unparseable action_at (day 32,
  25:61:00); a phone action without outcome; a promised_amount without promised_date.
- payments: amount 0; missing loan_id; unparseable paid_at (day 32; text in an XLSX).
- contacts: missing customer_id; missing phone number.
- assignments: an extra row after a case: the loan placed again, with an agency, the day
  after the case started (the same day for a one-day case) while it still holds the loan
  (an overlapping case); or a copy of the case with a new id ending before it starts.

Malformed phone numbers (7-digit Wuhan landlines, 10-digit mobiles, missing area codes, `无`,
duplicates) are not bad rows: the loader keeps them and the phone check counts them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from demo.records import CaseRows, Counters
from demo.teams import FIRST_AGENCY, TEAMS
from demo.text import as_dates, join

BAD_ROW_EVERY = 20_000
BAD_ROW_MIN_FILE_ROWS = 5_000


def _bad_row_count(rows: int) -> int:
    count = round(rows / BAD_ROW_EVERY)
    return max(count, 2) if rows > BAD_ROW_MIN_FILE_ROWS else 0


def _bad_rows(rng: np.random.Generator, rows: int, kinds: int) -> list[tuple[int, int]]:
    """(row, kind) pairs: which rows to spoil and how; kinds take turns from a random one."""
    count = _bad_row_count(rows)
    if count == 0:
        return []
    picked = np.sort(rng.choice(rows, count, replace=False))
    first = int(rng.integers(0, kinds))
    return [(int(row), (first + i) % kinds) for i, row in enumerate(picked)]


def _set_rows(frame: pl.DataFrame, rows: list[int], column: str, value: pl.Expr) -> pl.DataFrame:
    if not rows:
        return frame
    mask = np.zeros(frame.height, bool)
    mask[rows] = True
    hit = pl.lit(pl.Series(mask))
    return frame.with_columns(pl.when(hit).then(value).otherwise(pl.col(column)).alias(column))


def spoil_contacts(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    bad = _bad_rows(rng, frame.height, 2)
    frame = _set_rows(frame, [r for r, kind in bad if kind == 0], "客户号", pl.lit(None, pl.String))
    return _set_rows(
        frame, [r for r, kind in bad if kind == 1], "电话号码", pl.lit(None, pl.String)
    )


def spoil_payments(frame: pl.DataFrame, rng: np.random.Generator, label: str) -> pl.DataFrame:
    """Payment rows with amount 0, no loan_id, or day 32 (`bad_day`, written instead of the
    date)."""
    bad = _bad_rows(rng, frame.height, 3)
    rows = [[r for r, kind in bad if kind == i] for i in range(3)]
    frame = _set_rows(frame, rows[0], "amount", pl.lit(0, pl.Int64))
    frame = _set_rows(frame, rows[1], "loan_id", pl.lit(None, pl.String))
    return _set_rows(frame, rows[2], "bad_day", pl.lit(f"{label}-32"))


def spoil_loans(
    frame: pl.DataFrame, rng: np.random.Generator, date_format: str, end: int
) -> pl.DataFrame:
    bad = _bad_rows(rng, frame.height, 4)
    rows = [[r for r, kind in bad if kind == i] for i in range(4)]
    balance = pl.col("outstanding_balance")
    negative = (
        pl.when(balance.str.starts_with("0."))
        .then(pl.lit("-1520.00"))
        .otherwise(pl.concat_str([pl.lit("-"), balance]))
    )
    frame = _set_rows(frame, rows[0], "outstanding_balance", negative)
    frame = _set_rows(frame, rows[1], "loan_id", pl.lit(None, pl.String))
    impossible = as_dates(np.array([end])).dt.strftime(date_format).str.replace(r"\d\d$", "32")[0]
    frame = _set_rows(frame, rows[2], "as_of_date", pl.lit(impossible))
    if rows[3]:
        copies = frame[rows[3]].with_columns(outstanding_balance=pl.col("principal"))
        position = np.concatenate([np.arange(frame.height), np.array(rows[3]) + 0.5])
        frame = pl.concat([frame, copies])[np.argsort(position, kind="stable")]
    return frame


def spoil_actions(
    frame: pl.DataFrame, rng: np.random.Generator, chinese: bool, label: str
) -> pl.DataFrame:
    bad = _bad_rows(rng, frame.height, 5)
    rows = [[r for r, kind in bad if kind == i] for i in range(5)]
    frame = _set_rows(frame, rows[0], "method", pl.lit("飞鸽传书"))
    frame = _set_rows(frame, rows[1], "loan_id", pl.lit(None, pl.String))
    frame = _set_rows(frame, rows[2], "action_at", pl.lit(f"{label}-32 25:61:00"))
    frame = _set_rows(frame, rows[3], "method", pl.lit("电话" if chinese else "phone"))
    frame = _set_rows(frame, rows[3], "outcome", pl.lit(None, pl.String))
    frame = _set_rows(frame, rows[4], "promised_amount", pl.lit("500.00"))
    frame = _set_rows(frame, rows[4], "promised_date", pl.lit(None, pl.String))
    return frame


def spoil_assignments(
    frame: pl.DataFrame,
    cases: CaseRows,
    rng: np.random.Generator,
    date_format: str,
    counters: Counters,
) -> pl.DataFrame:
    """Extra rows after some cases: the loan placed a second time while its case still holds
    it (the later placement overlaps), or a placement typed with its end before its start."""
    bad = _bad_rows(rng, frame.height, 2)
    if not bad:
        return frame
    rows = np.array([r for r, _ in bad])
    kind = np.array([kind for _, kind in bad])
    start, end = cases.assigned_on[rows], cases.ended_on[rows]
    lasts_a_day_more = (end < 0) | (end - start >= 2)
    overlapping_start = start + lasts_a_day_more  # a day later while still held
    ends_before = start - rng.integers(1, 11, len(rows))
    other_agency = np.where(cases.team[rows] == FIRST_AGENCY, FIRST_AGENCY + 1, FIRST_AGENCY)
    spoiled = frame[rows.tolist()].with_columns(
        assignment_id=join(
            "FA", pl.Series(counters.next_assignments(len(rows))).cast(pl.String).str.zfill(10)
        ),
        team=pl.Series(TEAMS).gather(np.where(kind == 0, other_agency, cases.team[rows])),
        assigned_on=as_dates(np.where(kind == 0, overlapping_start, start)).dt.strftime(
            date_format
        ),
        ended_on=pl.when(pl.lit(pl.Series(kind == 0)))
        .then(pl.col("ended_on"))
        .otherwise(as_dates(ends_before).dt.strftime(date_format)),
    )
    position = np.concatenate([np.arange(frame.height), rows + 0.5])
    return pl.concat([frame, spoiled])[np.argsort(position, kind="stable")]
