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

from queries.common import dimension_filters
from queries.filters import Filters, month_as_period
from recovery.database import query


def action_filters(alias: str) -> str:
    """The dimension filters (`queries.common.dimension_filters`) and the method filter, on
    a table aliased `alias` whose rows carry an action's method, team and collector."""
    return f"{dimension_filters(alias)}\n      and ($method is null or {alias}.method = $method)"


# attributed payments of the period, one row per payment: the payment, and the action
# (method, team, collector) it is attributed to, or nulls for "no action" (the last action
# before each payment is found at load: table payment_attribution). Reversals (negative
# amounts) are attributed like any payment, so they net off where they belong.
ATTRIBUTED_PAYMENTS_CTE = f"""
attributed as (
    select
        payment_id,
        loan_id,
        paid_at,
        amount,
        branch,
        product,
        case when days_since_action <= $window_days then action_id end as action_id,
        case when days_since_action <= $window_days then method end as method,
        case when days_since_action <= $window_days then team end as team,
        case when days_since_action <= $window_days then collector end as collector
    from payment_attribution
    where paid_at >= $period_start and paid_at < $period_after
),
filtered as (
    select *
    from attributed a
    where {action_filters("a")}
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


LONGEST_WINDOW_DAYS = 120  # payment_attribution looks this far back (etl/marts.sql)


def recovery_params(filters: Filters, window_days: int) -> dict[str, object]:
    """The filters' parameters and the attribution window."""
    if not 0 <= window_days <= LONGEST_WINDOW_DAYS:
        raise ValueError(f"attribution window {window_days} days: use 0 to {LONGEST_WINDOW_DAYS}")
    return {**filters.params(), "window_days": window_days}


def recovered(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERED_SQL, recovery_params(filters, window_days))


def recovered_by_method(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERED_BY_METHOD_SQL, recovery_params(filters, window_days))


# The dimensions a recovery comparison can be made by (an allow-list: the name becomes an
# identifier in the SQL, never a value from a request).
COMPARISON_DIMENSIONS = ("method", "team", "collector")


def work_rows(since: str) -> str:
    """The rows of loan_month_work (the month's work on each loan per method, team and
    collector, each with the placement at its first action, summarised at load) from the
    month `since` (a bound parameter: $period_start or $trend_start) to the period's,
    within the filters."""
    return f"""
    from loan_month_work w
    where w.month >= {since} and w.month < $period_after
      and {action_filters("w")}"""


# placements — one row per method, team or collector ({dimension}) and loan it worked in
# the period (within the filters): its actions and their cost, and the placement (委案) at
# the group's first action on the loan in the period: the overdue amount and aging bucket
# on the loan's last snapshot on or before that day. A group's placement is that of its
# earliest row of loan_month_work; a loan with one row in its month needs no grouping.
PLACEMENTS_CTE = f"""
placements as (
    select {{dimension}} as group_value, loan_id, count_actions, cost,
        placed_amount as placed, placed_bucket as bucket, placed_bucket_order as bucket_order
    {work_rows("$period_start")}
      and loan_month_rows = 1
    union all
    select {{dimension}} as group_value, loan_id,
        cast(sum(count_actions) as bigint) as count_actions, sum(cost) as cost,
        min_by(placed_amount, first_action_at) as placed,
        min_by(placed_bucket, first_action_at) as bucket,
        min_by(placed_bucket_order, first_action_at) as bucket_order
    {work_rows("$period_start")}
      and loan_month_rows > 1
    group by {{dimension}}, loan_id
)"""

# recovery_by_{dimension} — one row per method, team or collector that worked loans in the
# period. Grain of the inner steps: one row per (group, loan).
#   placed (委案金额): overdue_amount at the loan's last snapshot on or before the group's
#     first action on it in the period, summed over the distinct loans it worked;
#   recovered: payments of the period attributed to the group's actions (window as above);
#   recovery_rate = recovered / placed (null when nothing was placed);
#   cost: its actions' cost (the row's cost, else the per-method table) and
#     cost_per_100_recovered = cost / recovered × 100 (null when nothing was recovered);
#   count_loans: the loans behind the comparison; rate_low / rate_high: a 95 % interval of
#     the recovery rate over loans (ratio estimator, linearised: rate ± 1.96 × standard
#     error, the low end no less than 0), so a manager can tell a real difference from
#     noise (null with fewer than 2 loans).
PER_LOAN_CTE = (
    """
{attributed},
"""
    + PLACEMENTS_CTE
    + """,
recoveries as (
    select {dimension} as group_value, loan_id, sum(amount) as recovered
    from filtered
    where action_id is not null
    group by {dimension}, loan_id
),
per_loan as (
    select
        coalesce(p.group_value, r.group_value) as group_value,
        coalesce(p.loan_id, r.loan_id) as loan_id,
        coalesce(p.placed, 0) as placed,
        coalesce(r.recovered, 0) as recovered,
        coalesce(p.cost, 0) as cost,
        coalesce(p.count_actions, 0) as count_actions,
        coalesce(p.bucket, 'not_placed') as bucket_at_placement,
        coalesce(p.bucket_order, 1000) as bucket_order
    from placements p
    full outer join recoveries r
        on r.group_value = p.group_value and r.loan_id = p.loan_id
)"""
)


def per_loan_cte(dimension: str) -> str:
    """PER_LOAN_CTE for one comparison dimension (of COMPARISON_DIMENSIONS)."""
    return PER_LOAN_CTE.format(attributed=ATTRIBUTED_PAYMENTS_CTE, dimension=dimension)


RECOVERY_BY_SQL = """
with {per_loan},
per_group as (
    select group_value, count(*) as count_loans, sum(count_actions) as count_actions,
        sum(placed) as placed, sum(recovered) as recovered, sum(cost) as cost,
        cast(sum(recovered) as double) / nullif(cast(sum(placed) as double), 0)
            as recovery_rate,
        sum(cast(recovered as double) * cast(recovered as double)) as sum_rr,
        sum(cast(recovered as double) * cast(placed as double)) as sum_rp,
        sum(cast(placed as double) * cast(placed as double)) as sum_pp
    from per_loan
    group by group_value
),
-- the sum over loans of (recovered - rate × placed)², expanded so one pass gives it
spread as (
    select *,
        greatest(0, sum_rr - 2 * recovery_rate * sum_rp
            + recovery_rate * recovery_rate * sum_pp) as sum_squared_residuals
    from per_group
),
final as (
    select
        group_value as {dimension},
        count_loans,
        count_actions,
        placed,
        recovered,
        recovery_rate,
        case when count_loans > 1 then greatest(0, recovery_rate - 1.96 * sqrt(
            sum_squared_residuals * count_loans / (count_loans - 1)
        ) / nullif(cast(placed as double), 0)) end as rate_low,
        case when count_loans > 1 then recovery_rate + 1.96 * sqrt(
            sum_squared_residuals * count_loans / (count_loans - 1)
        ) / nullif(cast(placed as double), 0) end as rate_high,
        cost,
        cast(cost as double) * 100 / nullif(cast(recovered as double), 0)
            as cost_per_100_recovered
    from spread
)
select * from final order by {dimension}
"""


def recovery_by(db: Path, filters: Filters, *, dimension: str, window_days: int) -> pl.DataFrame:
    if dimension not in COMPARISON_DIMENSIONS:
        raise ValueError(f"compare by one of {', '.join(COMPARISON_DIMENSIONS)}, not {dimension!r}")
    sql = RECOVERY_BY_SQL.format(per_loan=per_loan_cte(dimension), dimension=dimension)
    return query(db, sql, recovery_params(filters, window_days))


# recovery_by_stage — the method × aging-bucket matrix: one row per method and aging
# bucket of the loan when the method first worked it in the period (its days past due at
# that placement snapshot): loans, placed, recovered and recovery rate (null when nothing
# was placed). Which method works at which stage. Recoveries on loans a method did not
# place in the period fall in bucket `not_placed`.
RECOVERY_BY_STAGE_SQL = """
with {per_loan},
final as (
    select group_value as method, bucket_at_placement as bucket, count(*) as count_loans,
        sum(placed) as placed, sum(recovered) as recovered,
        cast(sum(recovered) as double) / nullif(cast(sum(placed) as double), 0)
            as recovery_rate,
        min(bucket_order) as bucket_order
    from per_loan
    group by group_value, bucket_at_placement
)
select method, bucket, count_loans, placed, recovered, recovery_rate
from final
order by method, bucket_order
"""

# recovery_by_age — recovery by days past due at placement, all methods together: one
# row per aging bucket (practitioners: the age of a debt matters more than its amount).
# A loan counts once per method that worked it, as in the method comparison.
RECOVERY_BY_AGE_SQL = """
with {per_loan},
final as (
    select bucket_at_placement as bucket, count(distinct loan_id) as count_loans,
        sum(placed) as placed, sum(recovered) as recovered,
        cast(sum(recovered) as double) / nullif(cast(sum(placed) as double), 0)
            as recovery_rate,
        min(bucket_order) as bucket_order
    from per_loan
    group by bucket_at_placement
)
select bucket, count_loans, placed, recovered, recovery_rate
from final
order by bucket_order
"""


def recovery_by_stage(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    sql = RECOVERY_BY_STAGE_SQL.format(per_loan=per_loan_cte("method"))
    return query(db, sql, recovery_params(filters, window_days))


def recovery_by_age(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    sql = RECOVERY_BY_AGE_SQL.format(per_loan=per_loan_cte("method"))
    return query(db, sql, recovery_params(filters, window_days))


# recovery_rate_trend — one row per month of the 12 ending with the period in which loans
# were worked: all teams together, as the team comparison's total: placed = the sum over
# teams of their placements (as recovery_by_team), recovered = the month's payments
# attributed to an action (window as above), recovery_rate = recovered / placed (null
# when nothing was placed). A team's placement on a loan is that of its earliest row in
# the month among the rows the filters keep. No filter splits a team's rows but the
# collector and the method, so that row is marked at load (loan_month_work): the earliest
# of the team's rows, of its rows with one collector, or with one method; with both
# filters every row stands alone.
RECOVERY_RATE_TREND_SQL = f"""
with placed as (
    select month, sum(placed_amount) as placed
    {work_rows("$trend_start")}
      and case
          when $collector is null and $method is null then first_of_team
          when $method is null then first_of_team_collector
          when $collector is null then first_of_team_method
          else true
      end
    group by month
),
recovered as (
    select date_trunc('month', paid_at) as month, sum(amount) as recovered
    from payment_attribution p
    where paid_at >= $trend_start and paid_at < $period_after
      and days_since_action <= $window_days
      and {action_filters("p")}
    group by date_trunc('month', paid_at)
),
final as (
    select p.month, p.placed,
        coalesce(r.recovered, 0) as recovered,
        cast(coalesce(r.recovered, 0) as double) / nullif(cast(p.placed as double), 0)
            as recovery_rate
    from placed p
    left join recovered r on r.month = p.month
)
select * from final order by month
"""


def recovery_rate_trend(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    frame = query(db, RECOVERY_RATE_TREND_SQL, recovery_params(filters, window_days))
    return month_as_period(frame)
