"""Recovered money and its attribution to collection actions (METRICS.md, Recovery).

A payment belongs to the last action on its loan in the attribution window before it: an
action dated on or before the payment's date and at most `window_days` days earlier (dates,
not times: exports often give a payment's date only). Ties on the same moment go to the
larger action_id, so the answer does not depend on the order rows were loaded in. A
payment with no such action is "no action" (自愈).

Filters: branch and product as recorded on the loan's latest snapshot on or before the
period's end; team, collector and method as of the action the payment is attributed to (a
payment with no action counts only when those three are not set).
"""

from pathlib import Path

import polars as pl

from queries.filters import Filters
from recovery.database import query

# attributed payments of the period, one row per payment: the payment, and the action
# (method, team, collector) it is attributed to, or nulls for "no action". Reversals
# (negative amounts) are attributed like any payment, so they net off where they belong.
ATTRIBUTED_PAYMENTS_CTE = """
period_payments as (
    select p.payment_id, p.loan_id, p.paid_at, p.amount
    from payments p
    where cast(p.paid_at as date) between $period_start and $period_end
),
loan_facts as (
    select loan_id, branch, product
    from (
        select l.loan_id, l.branch, l.product,
            row_number() over (partition by l.loan_id order by l.as_of_date desc) as recency
        from loan_snapshots l
        where l.as_of_date <= $period_end
          and l.loan_id in (select loan_id from period_payments)
    ) ranked
    where recency = 1
),
candidates as (
    select
        p.payment_id,
        a.action_id,
        a.method,
        a.team,
        a.collector,
        row_number() over (
            partition by p.payment_id order by a.action_at desc, a.action_id desc
        ) as recency
    from period_payments p
    join actions a
        on a.loan_id = p.loan_id
       and cast(a.action_at as date) <= cast(p.paid_at as date)
       and cast(a.action_at as date) >= cast(p.paid_at as date) - cast($window_days as integer)
),
attributed as (
    select
        p.payment_id,
        p.loan_id,
        p.paid_at,
        p.amount,
        f.branch,
        f.product,
        c.action_id,
        c.method,
        c.team,
        c.collector
    from period_payments p
    left join candidates c on c.payment_id = p.payment_id and c.recency = 1
    left join loan_facts f on f.loan_id = p.loan_id
),
filtered as (
    select *
    from attributed
    where ($branch is null or branch = $branch)
      and ($product is null or product = $product)
      and ($team is null or team = $team)
      and ($collector is null or collector = $collector)
      and ($method is null or method = $method)
)"""

# recovered — one row: recovered (回收金额) = sum of the period's payments, reversals
# netting off; the number of payments and of reversals; the part attributed to an action
# and the part with no action. Unit: money; attributed + unattributed = recovered.
RECOVERED_SQL = f"""
with {ATTRIBUTED_PAYMENTS_CTE},
final as (
    select
        coalesce(sum(amount), 0) as recovered,
        count(*) as count_payments,
        count(case when amount < 0 then 1 end) as count_reversals,
        coalesce(sum(case when action_id is not null then amount end), 0)
            as attributed_recovered,
        coalesce(sum(case when action_id is null then amount end), 0) as unattributed_recovered
    from filtered
)
select * from final
"""

# recovered_by_method — one row per method that has attributed payments, plus one row
# `no_action` (method null) for payments with no action in the window: recovered money
# and the number of payments and of loans behind it. Grain: method.
RECOVERED_BY_METHOD_SQL = f"""
with {ATTRIBUTED_PAYMENTS_CTE},
final as (
    select
        coalesce(method, 'no_action') as method,
        sum(amount) as recovered,
        count(*) as count_payments,
        count(distinct loan_id) as count_loans
    from filtered
    group by coalesce(method, 'no_action')
)
select * from final order by method
"""


def _params(filters: Filters, window_days: int) -> dict[str, object]:
    return {**filters.params(), "window_days": window_days}


def recovered(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERED_SQL, _params(filters, window_days))


def recovered_by_method(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERED_BY_METHOD_SQL, _params(filters, window_days))
