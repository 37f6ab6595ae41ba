"""Promises to pay (docs/metrics.md, Promises).

A promise is an action with a promised_amount. It is kept when the loan's payments from
the action's date to promised_date + grace (`promise_grace_days`, default 3) reach the
amount, partly kept when they are positive but short of it, broken otherwise. Only a
promise whose date + grace has passed by the period's end is judged ("due"). Promises are
judged when the summary tables are built, with the grace of the config then; under another
grace the measures refuse (queries/stale_models.py) until they are built again.
Filters: branch and product as on the loan's latest snapshot on or before the period's
end; team and collector as on the action that took the promise.
"""

from pathlib import Path

import polars as pl

from queries.common import dimension_filters, latest_loan_facts
from queries.filters import Filters, month_as_period
from recovery.database import query


# Every promise under the filters, with its due date and its verdict when due by the
# period's end. Grain: one row per promise (action).
def promises_cte(scope: str = "true") -> str:
    """The CTEs `promise_actions`, `loan_facts` and `judged`; `scope` (a condition over
    promise_outcomes `o`, written in code) narrows the promises a measure needs."""
    return (
        f"""
promise_actions as (
    select o.action_id, o.loan_id, o.action_at, o.method, o.team, o.collector,
        o.promised_amount, o.promised_date, o.due_on, o.paid_amount, o.verdict
    from promise_outcomes o
    where ($team is null or o.team = $team)
      and ($allowed_teams is null or o.team in (select unnest($allowed_teams)))
      and ($collector is null or o.collector = $collector)
      and {scope}
),
"""
        + latest_loan_facts("loan_facts", "promise_actions")
        + """,
judged as (
    select p.action_id, p.loan_id, p.action_at, p.method, p.team, p.collector,
        p.promised_amount, p.promised_date, p.due_on, f.customer_id,
        case when p.due_on <= $period_end then p.paid_amount end as paid_amount,
        case when p.due_on <= $period_end then p.verdict end as verdict
    from promise_actions p
    left join loan_facts f on f.loan_id = p.loan_id
    where ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
)"""
    )


# The promises broken by the period's end.
BROKEN_BY_PERIOD_END = "o.due_on <= $period_end and o.verdict = 'broken'"

# promise_months — one row per month from $first_month to the period: promises made in it,
# PTP rate (promises taken on a phone call / effective contacts of the month, null when there
# were none), promises due in it (date + grace within the month) and of those kept, partly
# kept and broken, and the kept rate = kept / due (null when none were due). Each month is
# filtered as at its end: branch and product as on the loan's latest snapshot on or before
# it, team and collector as on the action. Read from the monthly summary tables
# promise_months and phone_action_months (etl/models/).
PROMISE_MONTHS_SQL = f"""
with recursive months (month) as (
    select cast($first_month as date)
    union all
    select cast(month + interval 1 month as date) from months where month < $period_start
),
promised as (
    select p.month, cast(sum(p.count_made) as bigint) as count_made,
        cast(sum(p.count_phone_promises) as bigint) as count_phone_promises,
        cast(sum(p.count_due) as bigint) as count_due,
        cast(sum(p.count_kept) as bigint) as count_kept,
        cast(sum(p.count_partly_kept) as bigint) as count_partly_kept,
        cast(sum(p.count_broken) as bigint) as count_broken
    from promise_months p
    where p.month >= $first_month and p.month <= $period_start
      and {dimension_filters("p")}
    group by p.month
),
effective as (
    select c.month, sum(c.count_effective) as count_effective
    from phone_action_months c
    where c.month >= $first_month and c.month <= $period_start
      and {dimension_filters("c")}
    group by c.month
)
select m.month,
    coalesce(p.count_made, 0) as count_made,
    cast(coalesce(p.count_phone_promises, 0) as double) / nullif(e.count_effective, 0)
        as ptp_rate,
    coalesce(p.count_due, 0) as count_due,
    coalesce(p.count_kept, 0) as count_kept,
    coalesce(p.count_partly_kept, 0) as count_partly_kept,
    coalesce(p.count_broken, 0) as count_broken,
    cast(p.count_kept as double) / nullif(p.count_due, 0) as kept_rate
from months m
left join promised p on p.month = m.month
left join effective e on e.month = m.month
order by m.month
"""


# repeat_promise_breakers — one row per customer with two or more broken promises due by
# the period's end: the customer, broken promises, the latest broken promise's date.
REPEAT_BREAKERS_SQL = f"""
with {promises_cte(BROKEN_BY_PERIOD_END)},
final as (
    select customer_id, count(*) as count_broken, max(promised_date) as last_broken_on
    from judged
    where verdict = 'broken'
    group by customer_id
    having count(*) >= 2
)
select * from final order by count_broken desc, customer_id
"""


def promise_summary(db: Path, filters: Filters) -> pl.DataFrame:
    """The period's promises: promise_months for the period alone."""
    params = {**filters.params(), "first_month": filters.period_start}
    return query(db, PROMISE_MONTHS_SQL, params).drop("month")


def repeat_promise_breakers(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, REPEAT_BREAKERS_SQL, filters.params())


# promise_trend — the figures of promise_summary for each month of the 12 ending with the
# period, each month filtered as promise_summary filters it.
def promise_trend(db: Path, filters: Filters) -> pl.DataFrame:
    params = {**filters.params(), "first_month": filters.trend_start}
    frame = query(db, PROMISE_MONTHS_SQL, params)
    return month_as_period(frame)
