"""The loans behind a bar or a cell: the rows a measure adds up, so a manager can see who
they are. Each list is capped at `$limit` rows; `count_total` on every row tells how many
there are in all. Customer names are masked before they leave this module, unless the
caller says the reader may see them (`masked=False`).

Each list reads the rows the measure adds up: the same CTEs, or for the portfolio the
loans that its summary table sums (same snapshot, snapshot pair and filters), so its rows
add up to the figure.
"""

from pathlib import Path

import polars as pl

from queries.common import LOAN_FILTERS, latest_loan_facts
from queries.filters import Filters
from queries.people import with_customer_names
from queries.portfolio import BOOK_CTE, snapshot_pair_params
from queries.promises import promises_cte
from queries.recovery import (
    COMPARISON_DIMENSIONS,
    METHOD_ROWS,
    holder_rows,
    recovery_params,
)
from recovery.database import query
from recovery.masking import mask_name

DRILL_ROW_LIMIT = 5000

# What a list of the book's loans shows of each loan (`l`: a row of the book).
BOOK_LOAN_COLUMNS = """l.loan_id, l.customer_id, l.customer_name, l.branch, l.product, l.team,
        l.collector, l.days_past_due, l.outstanding_balance, l.overdue_amount,
        l.classification"""

# loans_in_bucket — one row per loan of the book (aging measure) whose days past due fall
# in $bucket: its customer, where it sits, days past due, outstanding and overdue amount.
LOANS_IN_BUCKET_SQL = f"""
with {BOOK_CTE},
final as (
    select {BOOK_LOAN_COLUMNS}
    from book l
    join aging_buckets b
        on b.bucket = $bucket
       and l.days_past_due >= b.min_days
       and (b.max_days is null or l.days_past_due <= b.max_days)
)
select *, count(*) over () as count_total
from final
order by days_past_due desc, loan_id
limit $limit
"""

# loans_in_tier — one row per loan of the book in five-tier classification $tier.
LOANS_IN_TIER_SQL = f"""
with {BOOK_CTE},
final as (
    select {BOOK_LOAN_COLUMNS}
    from book l
    where l.classification = $tier
)
select *, count(*) over () as count_total
from final
order by days_past_due desc, loan_id
limit $limit
"""

# loans_rolled — one row per loan behind a cell of the roll-rate matrix: active in
# $from_bucket at the previous month's latest snapshot (t, under the filters as of t) and
# in $to_state at the period's latest snapshot (t+1): a bucket, settled, written_off or
# not_reported. Days past due and outstanding at t and at t+1.
LOANS_ROLLED_SQL = f"""
with start_book as (
    select l.*
    from loan_snapshots l
    join aging_buckets b
        on b.bucket = $from_bucket
       and l.days_past_due >= b.min_days
       and (b.max_days is null or l.days_past_due <= b.max_days)
    where l.as_of_date = $from_date
      and l.status = 'active'
      and {LOAN_FILTERS}
),
end_book as (
    select l.loan_id, l.days_past_due, l.outstanding_balance,
        case when l.status = 'active' then b.bucket else l.status end as to_state
    from loan_snapshots l
    left join aging_buckets b
        on l.days_past_due >= b.min_days
       and (b.max_days is null or l.days_past_due <= b.max_days)
    where l.as_of_date = $to_date
),
final as (
    select s.loan_id, s.customer_id, s.customer_name, s.branch, s.product, s.team,
        s.collector, s.days_past_due as days_past_due_before,
        e.days_past_due as days_past_due_after,
        s.outstanding_balance as outstanding_before,
        e.outstanding_balance as outstanding_after,
        coalesce(e.to_state, 'not_reported') as to_state
    from start_book s
    left join end_book e on e.loan_id = s.loan_id
)
select *, count(*) over () as count_total
from final
where to_state = $to_state
order by days_past_due_before desc, loan_id
limit $limit
"""

# cases_worked — one row per case behind a method's, team's or collector's recovery
# figures (recovery_by and recovery_by_stage, the same rows): the loan, the case's holder,
# its stage (bucket) and placed amount, paid (for a method: the payments attributed to its
# actions on the case), recovered (paid within 0 and placed) and is_cured, the actions and
# their cost; narrowed to one stage when $bucket is given, and for a collector to
# $value_team's. Adds up to the figure clicked. The customer as on the loan's latest
# snapshot on or before the period's end (the name is added for the rows shown,
# queries/people.py).
CASES_WORKED_SQL = (
    """
with {rows},
"""
    + latest_loan_facts("loan_facts", "rows")
    + """,
final as (
    select r.case_id, r.loan_id, f.customer_id, r.branch, r.product, r.team, r.collector,
        {method_column} r.bucket, r.placed, r.paid, r.recovered, r.is_cured,
        cast(r.count_actions as bigint) as count_actions, r.cost
    from rows r
    left join loan_facts f on f.loan_id = r.loan_id
    where r.{dimension} = $value
      and ($value_team is null or r.team = $value_team)
      and ($bucket is null or r.bucket = $bucket)
)
select *, count(*) over () as count_total
from final
order by recovered desc, placed desc, case_id
limit $limit
"""
)


# promises_with_verdict — one row per promise due in the period (promised date + grace
# within it) judged $verdict (kept, partly_kept, broken), as counted by promise_summary:
# who took it, the amount and date promised, and what was paid by the due date (the
# customer's name is added for the rows shown, queries/people.py).
DUE_IN_PERIOD_WITH_VERDICT = (
    "o.due_on between $period_start and $period_end and o.verdict = $verdict"
)
PROMISES_WITH_VERDICT_SQL = f"""
with {promises_cte(DUE_IN_PERIOD_WITH_VERDICT)},
final as (
    select action_id, loan_id, customer_id, team, collector,
        cast(action_at as date) as promised_on, promised_amount, promised_date, due_on,
        paid_amount, verdict
    from judged
)
select *, count(*) over () as count_total
from final
order by promised_date, action_id
limit $limit
"""


def _named(frame: pl.DataFrame, masked: bool) -> pl.DataFrame:
    if not masked:
        return frame
    return frame.with_columns(
        pl.Series("customer_name", [mask_name(n) for n in frame["customer_name"]], pl.String)
    )


def loans_in_bucket(
    db: Path, filters: Filters, *, bucket: str, limit: int = DRILL_ROW_LIMIT, masked: bool = True
) -> pl.DataFrame:
    params = {**filters.params(), "bucket": bucket, "limit": limit}
    return _named(query(db, LOANS_IN_BUCKET_SQL, params), masked)


def loans_in_tier(
    db: Path, filters: Filters, *, tier: str, limit: int = DRILL_ROW_LIMIT, masked: bool = True
) -> pl.DataFrame:
    params = {**filters.params(), "tier": tier, "limit": limit}
    return _named(query(db, LOANS_IN_TIER_SQL, params), masked)


def loans_rolled(
    db: Path,
    filters: Filters,
    *,
    from_bucket: str,
    to_state: str,
    limit: int = DRILL_ROW_LIMIT,
    masked: bool = True,
) -> pl.DataFrame:
    params = {**snapshot_pair_params(db, filters), "from_bucket": from_bucket, "to_state": to_state}
    return _named(query(db, LOANS_ROLLED_SQL, {**params, "limit": limit}), masked)


def cases_worked(
    db: Path,
    filters: Filters,
    *,
    dimension: str,
    value: str,
    window_days: int,
    value_team: str | None = None,
    bucket: str | None = None,
    limit: int = DRILL_ROW_LIMIT,
    masked: bool = True,
) -> pl.DataFrame:
    """The cases behind one group of a recovery comparison (a collector named with its
    team: `value_team`)."""
    if dimension not in COMPARISON_DIMENSIONS:
        raise ValueError(f"drill by one of {', '.join(COMPARISON_DIMENSIONS)}, not {dimension!r}")
    if dimension == "method":
        rows, method_column = METHOD_ROWS, "r.method,"
    else:
        rows, method_column = holder_rows(None), ""
    sql = CASES_WORKED_SQL.format(rows=rows, dimension=dimension, method_column=method_column)
    params = {
        **recovery_params(filters, window_days),
        "value": value,
        "value_team": value_team,
        "bucket": bucket,
        "limit": limit,
    }
    return with_customer_names(db, filters, query(db, sql, params), masked=masked)


def promises_with_verdict(
    db: Path,
    filters: Filters,
    *,
    verdict: str,
    limit: int = DRILL_ROW_LIMIT,
    masked: bool = True,
) -> pl.DataFrame:
    params = {**filters.params(), "verdict": verdict}
    rows = query(db, PROMISES_WITH_VERDICT_SQL, {**params, "limit": limit})
    return with_customer_names(db, filters, rows, masked=masked)
