"""Cases needing attention, from the period's latest snapshot (DOMAIN.md: cases reaching
180+ days with no action are a finding in themselves; claims lapse after three years).

Lists hold ids, not names: masking happens where a person looks."""

from pathlib import Path

import polars as pl

from queries.filters import Filters
from queries.portfolio import BOOK_CTE
from recovery.database import query

# Each loan of the book with its latest action on or before the snapshot date.
WORKED_CTE = f"""
{BOOK_CTE},
last_actions as (
    select a.loan_id, max(a.action_at) as last_action_at
    from actions a
    join book b on b.loan_id = a.loan_id
    where cast(a.action_at as date) <= b.as_of_date
    group by a.loan_id
),
worked as (
    select b.loan_id, b.customer_id, b.team, b.collector, b.days_past_due,
        b.outstanding_balance, b.as_of_date, l.last_action_at
    from book b
    left join last_actions l on l.loan_id = b.loan_id
)"""

# stale_cases — loans 90+ days past due with no action in the 30 days up to the snapshot
# date (or none ever). Grain: one row per loan, most overdue first.
STALE_CASES_SQL = f"""
with {WORKED_CTE}
select loan_id, customer_id, team, collector, days_past_due, outstanding_balance,
    last_action_at
from worked
where days_past_due >= 90
  and (last_action_at is null or cast(last_action_at as date) < as_of_date - 30)
order by days_past_due desc, loan_id
"""

# never_worked — loans 180+ days past due with no action at all on file.
NEVER_WORKED_SQL = f"""
with {WORKED_CTE}
select loan_id, customer_id, team, collector, days_past_due, outstanding_balance
from worked
where days_past_due >= 180 and last_action_at is null
order by days_past_due desc, loan_id
"""

# limitation_watch — overdue loans whose last documented demand (a delivered letter,
# lawyer's letter, SMS or e-mail; an effective contact; a visit that met the debtor; any
# legal action), or, with none, the day they fell overdue, is more than $watch_months
# months before the snapshot date: the three-year limitation period (诉讼时效) is near.
# Grain: one row per loan: the reference date and the day the period would run out.
LIMITATION_WATCH_SQL = f"""
with {BOOK_CTE},
demands as (
    select a.loan_id, max(cast(a.action_at as date)) as last_demand_on
    from actions a
    join book b on b.loan_id = a.loan_id
    where cast(a.action_at as date) <= b.as_of_date
      and (
        (a.method in ('letter', 'lawyer_letter', 'sms', 'email') and a.outcome = 'delivered')
        or (a.method = 'phone' and a.outcome = 'connected'
            and coalesce(a.contact_relation, 'self') in ('self', 'spouse', 'family'))
        or (a.method = 'visit' and a.outcome = 'met')
        or a.method = 'legal'
      )
    group by a.loan_id
),
referenced as (
    select b.loan_id, b.customer_id, b.team, b.days_past_due, b.outstanding_balance,
        b.as_of_date, d.last_demand_on,
        coalesce(d.last_demand_on, cast(b.as_of_date - b.days_past_due as date))
            as reference_on
    from book b
    left join demands d on d.loan_id = b.loan_id
    where b.days_past_due > 0
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
