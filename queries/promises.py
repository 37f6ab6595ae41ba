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

from queries.common import TREND_MONTHS_CTE, effective_contact, latest_loan_facts
from queries.filters import Filters
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


PROMISES_CTE = promises_cte()
# The promises made in the period or falling due in it.
OF_THE_PERIOD = """((o.action_at >= $period_start and o.action_at < $period_after)
        or o.due_on between $period_start and $period_end)"""
# The promises falling due in the period.
DUE_IN_PERIOD = "o.due_on between $period_start and $period_end"
# The promises broken by the period's end.
BROKEN_BY_PERIOD_END = "o.due_on <= $period_end and o.verdict = 'broken'"

# promise_summary — one row: promises made in the period, PTP rate (phone actions with a
# promise / effective contacts of the period, null when there were none), promises due in
# the period (date + grace within it) and of those kept, partly kept and broken, and the
# kept rate = kept / due (null when none were due).
PROMISE_SUMMARY_SQL = f"""
with {promises_cte(OF_THE_PERIOD)},
effective_contacts as (
    select count(*) as count_effective
    from actions a
    left join loan_versions f
        on f.loan_id = a.loan_id
       and f.valid_from <= $period_end
       and f.valid_until > $period_end
    where a.method = 'phone' and {effective_contact("a")}
      and a.action_at >= $period_start and a.action_at < $period_after
      and ($team is null or a.team = $team)
      and ($allowed_teams is null or a.team in (select unnest($allowed_teams)))
      and ($collector is null or a.collector = $collector)
      and ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
),
counted as (
    select
        count(case when action_at >= $period_start and action_at < $period_after
            then 1 end) as count_made,
        count(case when method = 'phone'
            and action_at >= $period_start and action_at < $period_after
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


class GraceChanged(ValueError):
    def __init__(self, asked: int, loaded: int):
        super().__init__(
            f"promises were judged at load with {loaded} grace days, not {asked}: load the "
            "files again after changing promise_grace_days"
        )


def promise_params(db: Path, filters: Filters, grace_days: int) -> dict[str, object]:
    """Promises are judged at load (table promise_outcomes) with the grace of the config
    then; asking for another grace is an error, not a silently different answer."""
    loaded = query(db, "select promise_grace_days from mart_info")["promise_grace_days"]
    if loaded.len() and loaded.item() != grace_days:
        raise GraceChanged(grace_days, loaded.item())
    return filters.params()


def promise_summary(db: Path, filters: Filters, *, grace_days: int) -> pl.DataFrame:
    return query(db, PROMISE_SUMMARY_SQL, promise_params(db, filters, grace_days))


def repeat_promise_breakers(db: Path, filters: Filters, *, grace_days: int) -> pl.DataFrame:
    return query(db, REPEAT_BREAKERS_SQL, promise_params(db, filters, grace_days))


# promise_trend — one row per month of the 12 ending with the period: the figures of
# promise_summary for that month (promises made in it, PTP rate, promises due in it and
# their outcomes, kept rate), each month filtered as promise_summary filters it (branch and
# product as at the month's end).
PROMISE_TREND_SQL = f"""
with recursive {TREND_MONTHS_CTE},
facts as (
    select m.month, v.loan_id, v.branch, v.product
    from months m
    join loan_versions v
        on v.valid_from <= last_day(m.month)
       and v.valid_until > last_day(m.month)
    where ($branch is null or v.branch = $branch)
      and ($product is null or v.product = $product)
),
promises as (
    select o.*
    from promise_outcomes o
    where ($team is null or o.team = $team)
      and ($allowed_teams is null or o.team in (select unnest($allowed_teams)))
      and ($collector is null or o.collector = $collector)
),
made as (
    select f.month, count(*) as count_made,
        count(case when p.method = 'phone' then 1 end) as count_phone_promises
    from promises p
    join facts f
        on f.loan_id = p.loan_id
       and f.month = cast(date_trunc('month', p.action_at) as date)
    group by f.month
),
due as (
    select f.month, count(*) as count_due,
        count(case when p.verdict = 'kept' then 1 end) as count_kept,
        count(case when p.verdict = 'partly_kept' then 1 end) as count_partly_kept,
        count(case when p.verdict = 'broken' then 1 end) as count_broken
    from promises p
    join facts f
        on f.loan_id = p.loan_id
       and f.month = cast(date_trunc('month', p.due_on) as date)
    group by f.month
),
effective as (
    select f.month, count(*) as count_effective
    from actions a
    join facts f
        on f.loan_id = a.loan_id
       and f.month = cast(date_trunc('month', a.action_at) as date)
    where a.method = 'phone' and {effective_contact("a")}
      and a.action_at >= $trend_start and a.action_at < $period_after
      and ($team is null or a.team = $team)
      and ($allowed_teams is null or a.team in (select unnest($allowed_teams)))
      and ($collector is null or a.collector = $collector)
    group by f.month
)
select m.month,
    coalesce(md.count_made, 0) as count_made,
    cast(coalesce(md.count_phone_promises, 0) as double) / nullif(e.count_effective, 0)
        as ptp_rate,
    coalesce(d.count_due, 0) as count_due,
    coalesce(d.count_kept, 0) as count_kept,
    coalesce(d.count_partly_kept, 0) as count_partly_kept,
    coalesce(d.count_broken, 0) as count_broken,
    cast(d.count_kept as double) / nullif(d.count_due, 0) as kept_rate
from months m
left join made md on md.month = m.month
left join due d on d.month = m.month
left join effective e on e.month = m.month
order by m.month
"""


def promise_trend(db: Path, filters: Filters, *, grace_days: int) -> pl.DataFrame:
    frame = query(db, PROMISE_TREND_SQL, promise_params(db, filters, grace_days))
    return frame.select(pl.col("month").dt.strftime("%Y-%m").alias("period"), pl.exclude("month"))
