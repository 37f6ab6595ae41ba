"""Cases needing attention, from the period's latest snapshot (DOMAIN.md: cases reaching
180+ days with no action are a finding in themselves; claims lapse after three years).
They read month_overdue_loans: the loans overdue on each month-latest snapshot, with
their latest action and documented demand on or before it.

Lists hold ids, not names: masking happens where a person looks."""

from pathlib import Path

import polars as pl

from queries.common import LOAN_FILTERS
from queries.filters import Filters
from queries.portfolio import SNAPSHOT_CTE
from recovery.database import query

# The loans overdue on the period's latest snapshot under the filters, with their latest
# action and documented demand on or before it (month_overdue_loans, one row per loan).
OVERDUE_CTE = f"""{SNAPSHOT_CTE},
overdue as (
    select l.*
    from month_overdue_loans l
    join snapshot s on l.as_of_date = s.as_of_date
    where {LOAN_FILTERS}
)"""

# stale_cases — loans 90+ days past due with no action in the 30 days up to the snapshot
# date (or none ever). Grain: one row per loan, most overdue first.
STALE_CASES_SQL = f"""
with {OVERDUE_CTE}
select loan_id, customer_id, team, collector, days_past_due, outstanding_balance,
    last_action_at
from overdue
where days_past_due >= 90
  and (last_action_at is null or cast(last_action_at as date) < as_of_date - 30)
order by days_past_due desc, loan_id
"""

# never_worked — loans 180+ days past due with no action at all on file.
NEVER_WORKED_SQL = f"""
with {OVERDUE_CTE}
select loan_id, customer_id, team, collector, days_past_due, outstanding_balance
from overdue
where days_past_due >= 180 and last_action_at is null
order by days_past_due desc, loan_id
"""

# limitation_watch — overdue loans whose last documented demand (a delivered letter,
# lawyer's letter, SMS or e-mail; an effective contact; a visit that met the debtor; any
# legal action), or, with none, the day they fell overdue, is more than $watch_months
# months before the snapshot date: the three-year limitation period (诉讼时效) is near.
# Grain: one row per loan: the reference date and the day the period would run out.
LIMITATION_WATCH_SQL = f"""
with {OVERDUE_CTE},
referenced as (
    select loan_id, customer_id, team, days_past_due, outstanding_balance, as_of_date,
        last_demand_on,
        coalesce(last_demand_on, cast(as_of_date - days_past_due as date)) as reference_on
    from overdue
)
select loan_id, customer_id, team, days_past_due, outstanding_balance, last_demand_on,
    reference_on, cast(reference_on + interval 36 month as date) as limitation_on
from referenced
where reference_on < as_of_date - cast($watch_months as integer) * interval 1 month
order by reference_on, loan_id
"""


def stale_cases(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, STALE_CASES_SQL, filters.params())


def never_worked(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, NEVER_WORKED_SQL, filters.params())


def limitation_watch(db: Path, filters: Filters, *, watch_months: int) -> pl.DataFrame:
    return query(db, LIMITATION_WATCH_SQL, {**filters.params(), "watch_months": watch_months})
