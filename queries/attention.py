"""Cases needing attention, from the period's latest snapshot (DOMAIN.md: cases reaching
180+ days with no action are a finding in themselves; claims lapse after three years).

Lists hold ids, not names: masking happens where a person looks."""

from pathlib import Path

import polars as pl

from queries.filters import Filters
from queries.portfolio import BOOK_CTE
from recovery.database import query


def worked_cte(min_days_past_due: int) -> str:
    """CTEs `book` (the period's book, loans at least `min_days_past_due` days past due)
    and `worked`: each of its loans with its latest action on or before the snapshot date
    (months before the period from loan_month_actions, the period itself from actions)."""
    return f"""
{BOOK_CTE},
cases as (
    select * from book where days_past_due >= {int(min_days_past_due)}
),
last_actions as (
    select m.loan_id, m.last_action_at
    from loan_month_actions m
    join cases c on c.loan_id = m.loan_id
    where m.month < $period_start
    union all
    select a.loan_id, a.action_at
    from actions a
    join cases c on c.loan_id = a.loan_id
    where a.action_at >= $period_start and a.action_at < $period_after
      and cast(a.action_at as date) <= c.as_of_date
),
worked as (
    select c.loan_id, c.customer_id, c.team, c.collector, c.days_past_due,
        c.outstanding_balance, c.as_of_date, max(l.last_action_at) as last_action_at
    from cases c
    left join last_actions l on l.loan_id = c.loan_id
    group by c.loan_id, c.customer_id, c.team, c.collector, c.days_past_due,
        c.outstanding_balance, c.as_of_date
)"""


# stale_cases — loans 90+ days past due with no action in the 30 days up to the snapshot
# date (or none ever). Grain: one row per loan, most overdue first.
STALE_CASES_SQL = f"""
with {worked_cte(90)}
select loan_id, customer_id, team, collector, days_past_due, outstanding_balance,
    last_action_at
from worked
where days_past_due >= 90
  and (last_action_at is null or cast(last_action_at as date) < as_of_date - 30)
order by days_past_due desc, loan_id
"""

# never_worked — loans 180+ days past due with no action at all on file.
NEVER_WORKED_SQL = f"""
with {worked_cte(180)}
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
overdue as (
    select * from book where days_past_due > 0
),
demands as (
    select m.loan_id, max(m.last_demand_on) as last_demand_on
    from (
        select m.loan_id, m.last_demand_on
        from loan_month_actions m
        join overdue o on o.loan_id = m.loan_id
        where m.month < $period_start
        union all
        select d.loan_id, cast(d.action_at as date)
        from documented_demands d
        join overdue o on o.loan_id = d.loan_id
        where d.action_at >= $period_start and d.action_at < $period_after
          and cast(d.action_at as date) <= o.as_of_date
    ) m
    group by m.loan_id
),
referenced as (
    select b.loan_id, b.customer_id, b.team, b.days_past_due, b.outstanding_balance,
        b.as_of_date, d.last_demand_on,
        coalesce(d.last_demand_on, cast(b.as_of_date - b.days_past_due as date))
            as reference_on
    from overdue b
    left join demands d on d.loan_id = b.loan_id
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
