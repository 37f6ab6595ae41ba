"""The loans behind the cure-rate trend and the vintage curves: the loans that cured in a
month, and the loans of a vintage 30+ or 90+ days past due at a month on book. Each list
is capped at `$limit` rows, with `count_total` on every row, and counts its loans as the
measure it opens does, so its rows add up to the figure.

Customer names are masked (张*) unless the caller says the reader may see them
(`masked=False`).
"""

from datetime import date
from pathlib import Path

import polars as pl

from queries.common import LOAN_FILTERS
from queries.drilldown import DRILL_ROW_LIMIT
from queries.filters import Filters
from queries.portfolio import snapshot_pair_params
from recovery.database import query
from recovery.masking import mask_name

# loans_cured — one row per loan counted cured by cure_rate for the period: active and
# overdue at the previous month's latest snapshot (under the filters as of then) and
# active and current at the period's latest snapshot. Days past due, overdue amount and
# outstanding before, and outstanding after.
LOANS_CURED_SQL = f"""
with overdue_before as (
    select l.*
    from loan_snapshots l
    where l.as_of_date = $from_date
      and l.status = 'active' and l.days_past_due > 0
      and {LOAN_FILTERS}
),
current_after as (
    select l.loan_id, l.outstanding_balance
    from loan_snapshots l
    where l.as_of_date = $to_date
      and l.status = 'active' and l.days_past_due = 0
),
final as (
    select o.loan_id, o.customer_id, o.customer_name, o.branch, o.product, o.team,
        o.collector, o.days_past_due as days_past_due_before,
        o.overdue_amount as overdue_before, o.outstanding_balance as outstanding_before,
        c.outstanding_balance as outstanding_after
    from overdue_before o
    join current_after c on c.loan_id = o.loan_id
)
select *, count(*) over () as count_total
from final
order by days_past_due_before desc, loan_id
limit $limit
"""

# vintage_loans_past_due — one row per loan behind a point of vintage_curves: disbursed in
# the vintage's month (and within the 24 months up to the period's end), on the latest
# snapshot of the month $months_on_book months after it, written off or active and at
# least $min_days days past due (under the filters as of that snapshot). Their principal
# adds up to the point's principal_30_plus or principal_90_plus.
VINTAGE_LOANS_PAST_DUE_SQL = f"""
with point_snapshot as (
    select as_of_date
    from snapshot_dates
    where is_month_latest
      and as_of_date between $point_start and $point_end
      and as_of_date <= $period_end
),
final as (
    select l.loan_id, l.customer_id, l.customer_name, l.branch, l.product, l.team,
        l.collector, l.disbursed_on, l.principal, l.status as loan_status, l.days_past_due,
        l.outstanding_balance
    from loan_snapshots l
    join point_snapshot s on s.as_of_date = l.as_of_date
    where l.disbursed_on >= $vintage_start and l.disbursed_on < $vintage_after
      and l.disbursed_on > $period_end - interval 24 month
      and (l.status = 'written_off' or (l.status = 'active' and l.days_past_due >= $min_days))
      and {LOAN_FILTERS}
)
select *, count(*) over () as count_total
from final
order by days_past_due desc, loan_id
limit $limit
"""

# The thresholds the vintage curves are drawn for.
VINTAGE_THRESHOLDS = (30, 90)


def _named(frame: pl.DataFrame, *, masked: bool) -> pl.DataFrame:
    if not masked:
        return frame
    names = [mask_name(n) for n in frame["customer_name"]]
    return frame.with_columns(pl.Series("customer_name", names, pl.String))


def loans_cured(
    db: Path, filters: Filters, *, limit: int = DRILL_ROW_LIMIT, masked: bool = True
) -> pl.DataFrame:
    params = {**snapshot_pair_params(db, filters), "limit": limit}
    return _named(query(db, LOANS_CURED_SQL, params), masked=masked)


def _month_start(first: date, months_later: int) -> date:
    months = first.year * 12 + first.month - 1 + months_later
    return date(months // 12, months % 12 + 1, 1)


def vintage_loans_past_due(
    db: Path,
    filters: Filters,
    *,
    vintage: str,
    months_on_book: int,
    min_days: int,
    limit: int = DRILL_ROW_LIMIT,
    masked: bool = True,
) -> pl.DataFrame:
    """`vintage`: the disbursement month, YYYY-MM."""
    if min_days not in VINTAGE_THRESHOLDS:
        raise ValueError(f"vintage curves are drawn for {VINTAGE_THRESHOLDS} days, not {min_days}")
    if months_on_book < 0:
        raise ValueError(f"months on book count from 0, not {months_on_book}")
    vintage_start = Filters(vintage).period_start
    point = Filters(_month_start(vintage_start, months_on_book).strftime("%Y-%m"))
    params = {
        **filters.params(),
        "vintage_start": vintage_start,
        "vintage_after": _month_start(vintage_start, 1),
        "point_start": point.period_start,
        "point_end": point.period_end,
        "min_days": min_days,
        "limit": limit,
    }
    return _named(query(db, VINTAGE_LOANS_PAST_DUE_SQL, params), masked=masked)
