"""Promises to pay (METRICS.md, Promises).

A promise is an action with a promised_amount. It is kept when the loan's payments from
the action's date to promised_date + grace (`promise_grace_days`, default 3) reach the
amount, partly kept when they are positive but short of it, broken otherwise. Only a
promise whose date + grace has passed by the period's end is judged ("due").
Filters: branch and product as on the loan's latest snapshot on or before the period's
end; team and collector as on the action that took the promise.
"""

from pathlib import Path

import polars as pl

from queries.common import latest_loan_facts
from queries.filters import Filters
from recovery.database import query

# Every promise under the filters, with its due date and its verdict when due by the
# period's end. Grain: one row per promise (action).
PROMISES_CTE = (
    """
promise_actions as (
    select a.action_id, a.loan_id, a.action_at, a.method, a.promised_amount, a.promised_date,
        a.promised_date + cast($grace_days as integer) as due_on
    from actions a
    where a.promised_amount is not null
      and ($team is null or a.team = $team)
      and ($collector is null or a.collector = $collector)
),
"""
    + latest_loan_facts("loan_facts", "promise_actions")
    + """,
promises as (
    select p.*, f.customer_id
    from promise_actions p
    left join loan_facts f on f.loan_id = p.loan_id
    where ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
),
paid as (
    select p.action_id, coalesce(sum(pay.amount), 0) as paid_amount
    from promises p
    left join payments pay
        on pay.loan_id = p.loan_id
       and cast(pay.paid_at as date) between cast(p.action_at as date) and p.due_on
    where p.due_on <= $period_end
    group by p.action_id
),
judged as (
    select p.*, d.paid_amount,
        case
            when d.action_id is null then null
            when d.paid_amount >= p.promised_amount then 'kept'
            when d.paid_amount > 0 then 'partly_kept'
            else 'broken'
        end as verdict
    from promises p
    left join paid d on d.action_id = p.action_id
)"""
)

# promise_summary — one row: promises made in the period, PTP rate (phone actions with a
# promise / effective contacts of the period, null when there were none), promises due in
# the period (date + grace within it) and of those kept, partly kept and broken, and the
# kept rate = kept / due (null when none were due).
PROMISE_SUMMARY_SQL = f"""
with {PROMISES_CTE},
effective_contacts as (
    select count(*) as count_effective
    from actions a
    left join loan_facts f on f.loan_id = a.loan_id
    where a.method = 'phone' and a.outcome = 'connected'
      and coalesce(a.contact_relation, 'self') in ('self', 'spouse', 'family')
      and cast(a.action_at as date) between $period_start and $period_end
      and ($team is null or a.team = $team)
      and ($collector is null or a.collector = $collector)
      and ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
),
counted as (
    select
        count(case when cast(action_at as date) between $period_start and $period_end
            then 1 end) as count_made,
        count(case when method = 'phone'
            and cast(action_at as date) between $period_start and $period_end
            then 1 end) as count_phone_promises,
        count(case when due_on between $period_start and $period_end then 1 end) as count_due,
        count(case when due_on between $period_start and $period_end and verdict = 'kept'
            then 1 end) as count_kept,
        count(case when due_on between $period_start and $period_end
            and verdict = 'partly_kept' then 1 end) as count_partly_kept,
        count(case when due_on between $period_start and $period_end and verdict = 'broken'
            then 1 end) as count_broken
    from judged
)
select
    c.count_made,
    cast(c.count_phone_promises as double) / nullif(e.count_effective, 0) as ptp_rate,
    c.count_due,
    c.count_kept,
    c.count_partly_kept,
    c.count_broken,
    cast(c.count_kept as double) / nullif(c.count_due, 0) as kept_rate
from counted c
cross join effective_contacts e
"""

# repeat_promise_breakers — one row per customer with two or more broken promises due by
# the period's end: the customer, broken promises, the latest broken promise's date.
REPEAT_BREAKERS_SQL = f"""
with {PROMISES_CTE},
final as (
    select customer_id, count(*) as count_broken, max(promised_date) as last_broken_on
    from judged
    where verdict = 'broken'
    group by customer_id
    having count(*) >= 2
)
select * from final order by count_broken desc, customer_id
"""


def _params(filters: Filters, grace_days: int) -> dict[str, object]:
    return {**filters.params(), "grace_days": grace_days}


def promise_summary(db: Path, filters: Filters, *, grace_days: int) -> pl.DataFrame:
    return query(db, PROMISE_SUMMARY_SQL, _params(filters, grace_days))


def repeat_promise_breakers(db: Path, filters: Filters, *, grace_days: int) -> pl.DataFrame:
    return query(db, REPEAT_BREAKERS_SQL, _params(filters, grace_days))
