"""Repaid and recovered money, cases (委案) and the fair comparison of methods, teams and
collectors (docs/metrics.md, Recovery).

A case is a loan placed with a holder (a team and a collector), built at load
(etl/models/: `cases`, `case_months`, `case_method_months`, `payment_cases`). Two
ways of crediting a case's payments are compared here:
- holder recovery (teams, collectors): the payments on the case's loan while it holds it,
  per case at most the placed amount;
- method recovery: the payments attributed to a method's actions (the last action on the
  loan within the attribution window before the payment), per (method, case) at most the
  placed amount. An action works the case that holds its loan on the action's date.
Every rate therefore lies in [0, 1], a team's figures are the sums of its collectors', and
the teams add up to the book.

The recovery index compares a group with what the book recovers for the same stage mix:
expected = the sum over its cases of placed × the recovery rate, in the period, of all
rows of the same comparison at the case's stage, under the same filters except the
compared dimension (for teams, also whatever teams the asker may see: the index of a team
is against the whole book); index = recovered / expected.

Filters: branch and product as recorded on the loan's latest snapshot on or before the
period's end; team and collector: the case's holder; method: for a method comparison the
method compared, for a holder comparison the cases that method worked in the period.
"""

from pathlib import Path

import polars as pl

from queries.filters import Filters, month_as_period
from recovery.database import query

LONGEST_WINDOW_DAYS = (
    120  # payment_attribution looks this far back (etl/models/payment_attribution.sql)
)

# The dimensions a recovery comparison can be made by (an allow-list: the name becomes an
# identifier in the SQL, never a value from a request).
COMPARISON_DIMENSIONS = ("method", "team", "collector")
# The columns naming a group of each comparison: a collector is named with its team.
GROUP_COLUMNS = {"method": ("method",), "team": ("team",), "collector": ("team", "collector")}


def recovery_params(
    filters: Filters, window_days: int, commissions: dict[str, object] | None = None
) -> dict[str, object]:
    """The filters' parameters, the attribution window and the agencies' commission rates
    (team names and rates as text, two lists of one length)."""
    if not 0 <= window_days <= LONGEST_WINDOW_DAYS:
        raise ValueError(f"attribution window {window_days} days: use 0 to {LONGEST_WINDOW_DAYS}")
    commissions = commissions or {}
    return {
        **filters.params(),
        "window_days": window_days,
        "commission_teams": list(commissions),
        "commission_rates": [str(rate) for rate in commissions.values()],
    }


def case_filters(alias: str, *, unless: str | None = None) -> str:
    """The branch, product, team and collector filters on rows aliased `alias` (a case's
    holder and its loan's branch and product), without the one of the dimension `unless`
    (team: also without the teams the asker may see)."""
    conditions = [
        f"($branch is null or {alias}.branch = $branch)",
        f"($product is null or {alias}.product = $product)",
    ]
    if unless != "team":
        conditions += [
            f"($team is null or {alias}.team = $team)",
            f"($allowed_teams is null or {alias}.team in (select unnest($allowed_teams)))",
        ]
    if unless != "collector":
        conditions.append(f"($collector is null or {alias}.collector = $collector)")
    return "\n      and ".join(conditions)


def method_filter(alias: str) -> str:
    return f"($method is null or {alias}.method = $method)"


# recovery_source — one row: where the book's cases come from, `assignments` (the
# assignments file) or `first_action` (estimated from each loan's first action of a month).
RECOVERY_SOURCE_SQL = "select recovery_source from case_source"


def recovery_source(db: Path) -> str:
    found = query(db, RECOVERY_SOURCE_SQL)
    return found["recovery_source"].item() if len(found) else "first_action"


# recovered — one row for the period: repaid (还款金额) = every payment, reversals netting
# off; recovered (回收金额) = the part paid on loans in collection (overdue on the last
# snapshot before the month or on one within it, or held by a case in it); paid_not_placed
# (未逾期回款) = payments attributed (window) to an action that worked no case: never in a
# rate. With a team or collector filter, repaid and recovered are the payments made while
# a case of theirs held the loan, and paid_not_placed those after their own actions; with
# a method filter, the payments attributed to its actions. Unit: money.
RECOVERED_SQL = f"""
with period_payments as (
    select *, days_since_action <= $window_days as is_attributed
    from payment_cases p
    where paid_at >= $period_start and paid_at < $period_after
      and ($branch is null or p.branch = $branch)
      and ($product is null or p.product = $product)
),
held as (
    select amount, is_in_collection
    from period_payments h
    where (($team is null and $collector is null and $allowed_teams is null)
           or h.holder_case_id is not null)
      and ($team is null or h.holder_team = $team)
      and ($allowed_teams is null or h.holder_team in (select unnest($allowed_teams)))
      and ($collector is null or h.holder_collector = $collector)
      and ($method is null or (h.is_attributed and h.method = $method))
),
not_placed as (
    select amount
    from period_payments n
    where n.is_attributed and n.worked_case_id is null
      and ($team is null or n.action_team = $team)
      and ($allowed_teams is null or n.action_team in (select unnest($allowed_teams)))
      and ($collector is null or n.action_collector = $collector)
      and {method_filter("n")}
),
final as (
    select
        (select coalesce(sum(amount), 0) from held) as repaid,
        (select coalesce(sum(case when is_in_collection then amount end), 0) from held)
            as recovered,
        (select coalesce(sum(amount), 0) from not_placed) as paid_not_placed,
        (select count(*) from held) as count_payments,
        (select count(case when amount < 0 then 1 end) from held) as count_reversals
)
select * from final
"""


def recovered(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERED_SQL, recovery_params(filters, window_days))


# recovered_by_method — one row per method with payments attributed to it in the period,
# plus `no_action` (自愈) for payments with no action in the window: the payments (repaid,
# uncapped), how many and on how many loans: where the money came in. Grain: method.
RECOVERED_BY_METHOD_SQL = f"""
with attributed as (
    select loan_id, amount,
        case when days_since_action <= $window_days then method end as method,
        case when days_since_action <= $window_days then action_team end as team,
        case when days_since_action <= $window_days then action_collector end as collector,
        branch, product
    from payment_cases
    where paid_at >= $period_start and paid_at < $period_after
),
final as (
    select coalesce(method, 'no_action') as method, sum(amount) as repaid,
        count(*) as count_payments, count(distinct loan_id) as count_loans
    from attributed a
    where {case_filters("a")}
      and {method_filter("a")}
    group by coalesce(method, 'no_action')
)
select * from final order by method
"""


def recovered_by_method(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERED_BY_METHOD_SQL, recovery_params(filters, window_days))


# holder_rows — one row per case of the period (held on at least one day of it): its
# holder, branch, product, stage (bucket), placed, recovered (the holder's), is_cured, and
# the actions that worked it in the period and their cost (only the filter's method's
# actions with a method filter, which keeps the cases that method worked); an agency's case
# costs its commission rate × recovered where the config gives one. Benchmark rows: every
# filter but the compared dimension's.
def holder_rows(unless: str | None) -> str:
    return f"""
commissions as (
    select unnest(cast($commission_teams as varchar[])) as team,
        cast(unnest(cast($commission_rates as varchar[])) as decimal(9, 6)) as rate
),
method_work as (
    select case_id, count_actions, cost
    from case_method_months
    where month = $period_start and method = $method
),
rows as (
    select c.case_id, c.loan_id, c.team, c.collector, c.branch, c.product, c.held_from,
        c.bucket, c.bucket_order, c.placed, c.paid, c.recovered, c.is_cured,
        case when $method is null then c.count_actions else w.count_actions end
            as count_actions,
        case
            when k.rate is not null then cast(round(c.recovered * k.rate, 2) as decimal(18, 2))
            when $method is null then c.cost
            else w.cost
        end as cost
    from case_months c
    left join method_work w on w.case_id = c.case_id
    left join commissions k on k.team = c.team
    where c.month = $period_start
      and ($method is null or w.case_id is not null)
      and {case_filters("c", unless=unless)}
)"""


# method_rows — one row per method and case it worked in the period: its actions on the
# case in the period (and their cost), or payments of the period attributed to its actions
# on the case (an action works the case holding its loan on the action's date); placed is
# the case's, recovered = the attributed payments within 0 and placed. Benchmark rows: every
# filter but the method's.
METHOD_ROWS = f"""
method_parts as (
    select case_id, method, loan_id, team, collector, branch, product, placed, bucket,
        bucket_order, count_actions, cost, cast(0 as decimal(18, 2)) as paid
    from case_method_months
    where month = $period_start
    union all
    select worked_case_id, method, loan_id, worked_team, worked_collector, branch, product,
        worked_placed, worked_bucket, worked_bucket_order, 0, cast(0 as decimal(18, 2)),
        amount
    from payment_cases
    where paid_at >= $period_start and paid_at < $period_after
      and days_since_action <= $window_days
      and worked_case_id is not null
),
rows as (
    select case_id, method, max(loan_id) as loan_id, max(team) as team,
        max(collector) as collector, max(branch) as branch, max(product) as product,
        max(placed) as placed, max(bucket) as bucket, max(bucket_order) as bucket_order,
        sum(paid) as paid,
        least(greatest(sum(paid), 0), max(placed)) as recovered,
        least(greatest(sum(paid), 0), max(placed)) >= max(placed) as is_cured,
        sum(count_actions) as count_actions, sum(cost) as cost
    from method_parts r
    where {case_filters("r")}
    group by case_id, method
)"""


def comparison_rows(dimension: str) -> str:
    """CTE `rows` (benchmark rows of the comparison by `dimension`) and `compared` (the rows
    within every filter, each with `expected`: placed × its stage's benchmark rate)."""
    if dimension == "method":
        rows, compared_filter = METHOD_ROWS, method_filter("r")
    else:
        rows, compared_filter = holder_rows(dimension), case_filters("r")
    return f"""{rows},
stage_rates as (
    select bucket,
        cast(sum(recovered) as double) / nullif(cast(sum(placed) as double), 0) as stage_rate
    from rows
    group by bucket
),
compared as (
    select r.*, cast(r.placed as double) * coalesce(s.stage_rate, 0) as expected
    from rows r
    left join stage_rates s on s.bucket = r.bucket
    where {compared_filter}
)"""


# A ratio of sums over cases and its 95 % interval (ratio estimator, linearised: ratio ±
# 1.96 × its standard error, no lower than 0 and, for a rate, no higher than 1; null with
# fewer than 2 cases): from the per-group sums of numerator² (sum_nn), numerator ×
# denominator (sum_nd) and denominator² (sum_dd).
def ratio_interval(
    ratio: str, sum_nn: str, sum_nd: str, sum_dd: str, total: str, *, at_most_1: bool
) -> tuple[str, str]:
    residuals = f"greatest(0, {sum_nn} - 2 * {ratio} * {sum_nd} + {ratio} * {ratio} * {sum_dd})"
    margin = f"1.96 * sqrt({residuals} * cases / (cases - 1)) / nullif(cast({total} as double), 0)"
    high = f"least(1, {ratio} + {margin})" if at_most_1 else f"{ratio} + {margin}"
    return (
        f"case when cases > 1 then greatest(0, {ratio} - {margin}) end",
        f"case when cases > 1 then {high} end",
    )


RATE_LOW, RATE_HIGH = ratio_interval(
    "recovery_rate", "sum_rr", "sum_rp", "sum_pp", "placed", at_most_1=True
)
INDEX_LOW, INDEX_HIGH = ratio_interval(
    "recovery_index", "sum_rr", "sum_re", "sum_ee", "expected", at_most_1=False
)

# recovery_by_{dimension} — one row per method, team or collector (with its team) with
# cases in the period:
#   cases: the cases behind the figures; placed (委案金额) and recovered (回收金额) their sums;
#   recovery_rate = recovered / placed, in [0, 1], with rate_low / rate_high, its 95 %
#     interval over cases (within [0, 1]);
#   cases_cured (催回笔数): cases whose recovered reached placed; case_cure_rate = cured / cases;
#   expected_recovered: the sum of placed × the stage's benchmark rate; recovery_index =
#     recovered / expected (1.00: as the book does for that stage mix) with index_low /
#     index_high, its 95 % interval over cases;
#   count_actions, cost (its actions on its cases, or an agency's commission) and
#     cost_per_100_recovered = cost / recovered × 100.
# Rates are null where their denominator is zero.
RECOVERY_BY_SQL = """
with {rows},
per_group as (
    select {group_columns}, count(*) as cases, sum(count_actions) as count_actions,
        sum(placed) as placed, sum(recovered) as recovered, sum(cost) as cost,
        count(case when is_cured then 1 end) as cases_cured,
        sum(expected) as expected,
        sum(cast(recovered as double) * cast(recovered as double)) as sum_rr,
        sum(cast(recovered as double) * cast(placed as double)) as sum_rp,
        sum(cast(placed as double) * cast(placed as double)) as sum_pp,
        sum(cast(recovered as double) * expected) as sum_re,
        sum(expected * expected) as sum_ee
    from compared
    group by {group_columns}
),
ratios as (
    select *,
        cast(recovered as double) / nullif(cast(placed as double), 0) as recovery_rate,
        cast(recovered as double) / nullif(expected, 0) as recovery_index
    from per_group
),
-- Sums of doubles come in any order from parallel threads: the ratios are rounded to 9
-- places, so the same cases give the same figures every time.
final as (
    select {group_columns}, cases, placed, recovered, round(recovery_rate, 9) as recovery_rate,
        round({rate_low}, 9) as rate_low, round({rate_high}, 9) as rate_high,
        cases_cured,
        cast(cases_cured as double) / nullif(cases, 0) as case_cure_rate,
        cast(round(expected, 2) as decimal(18, 2)) as expected_recovered,
        round(recovery_index, 9) as recovery_index,
        round({index_low}, 9) as index_low, round({index_high}, 9) as index_high,
        cast(count_actions as bigint) as count_actions, cost,
        cast(cost as double) * 100 / nullif(cast(recovered as double), 0)
            as cost_per_100_recovered
    from ratios
)
select * from final order by {group_columns}
"""


def recovery_by(
    db: Path,
    filters: Filters,
    *,
    dimension: str,
    window_days: int,
    commissions: dict[str, object] | None = None,
) -> pl.DataFrame:
    if dimension not in COMPARISON_DIMENSIONS:
        raise ValueError(f"compare by one of {', '.join(COMPARISON_DIMENSIONS)}, not {dimension!r}")
    sql = RECOVERY_BY_SQL.format(
        rows=comparison_rows(dimension),
        group_columns=", ".join(GROUP_COLUMNS[dimension]),
        rate_low=RATE_LOW,
        rate_high=RATE_HIGH,
        index_low=INDEX_LOW,
        index_high=INDEX_HIGH,
    )
    return query(db, sql, recovery_params(filters, window_days, commissions))


# recovery_by_stage — the method × stage matrix: one row per method and aging bucket of
# its cases at placement (the stage): cases, placed, recovered (the method's, as in the
# method comparison) and recovery_rate (null when nothing was placed). Which method works
# at which stage, and how well, compared within a stage.
RECOVERY_BY_STAGE_SQL = f"""
with {METHOD_ROWS},
final as (
    select method, bucket, count(*) as cases, sum(placed) as placed,
        sum(recovered) as recovered,
        cast(sum(recovered) as double) / nullif(cast(sum(placed) as double), 0)
            as recovery_rate,
        min(bucket_order) as bucket_order
    from rows r
    where {method_filter("r")}
    group by method, bucket
)
select method, bucket, cases, placed, recovered, recovery_rate
from final
order by method, bucket_order
"""

# recovery_by_age — recovery by stage (days past due at placement), all holders together:
# one row per aging bucket with cases in the period: cases, placed, recovered (the
# holders'), recovery_rate, cases_cured and case_cure_rate (practitioners: the age of a
# debt matters more than its amount).
RECOVERY_BY_AGE_SQL = f"""
with {holder_rows(None)},
final as (
    select bucket, count(*) as cases, sum(placed) as placed, sum(recovered) as recovered,
        cast(sum(recovered) as double) / nullif(cast(sum(placed) as double), 0)
            as recovery_rate,
        count(case when is_cured then 1 end) as cases_cured,
        cast(count(case when is_cured then 1 end) as double) / count(*) as case_cure_rate,
        min(bucket_order) as bucket_order
    from rows
    group by bucket
)
select bucket, cases, placed, recovered, recovery_rate, cases_cured, case_cure_rate
from final
order by bucket_order
"""


def recovery_by_stage(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERY_BY_STAGE_SQL, recovery_params(filters, window_days))


def recovery_by_age(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    return query(db, RECOVERY_BY_AGE_SQL, recovery_params(filters, window_days))


# recovery_rate_trend — one row per month of the 12 ending with the period with cases: the
# holders' total (as the team comparison's): cases, placed, recovered and recovery_rate
# (null when nothing was placed). A method filter keeps the cases that method worked.
RECOVERY_RATE_TREND_SQL = f"""
with final as (
    select c.month, count(*) as cases, sum(c.placed) as placed,
        sum(c.recovered) as recovered,
        cast(sum(c.recovered) as double) / nullif(cast(sum(c.placed) as double), 0)
            as recovery_rate
    from case_months c
    where c.month >= $trend_start and c.month <= $period_start
      and {case_filters("c")}
      and ($method is null or exists (
          select 1 from case_method_months w
          where w.month = c.month and w.case_id = c.case_id and w.method = $method
      ))
    group by c.month
)
select * from final order by month
"""


def recovery_rate_trend(db: Path, filters: Filters, *, window_days: int) -> pl.DataFrame:
    frame = query(db, RECOVERY_RATE_TREND_SQL, recovery_params(filters, window_days))
    return month_as_period(frame)


# agency_recovery — one row per outside agency (委外: a team of type agency in the teams
# file, or one the config gives a commission rate) with cases in the period: cases,
# placed, recovered, recovery_rate, the commission rate and commission (rate × recovered,
# null without a rate), cost (the commission where there is a rate, else its actions'
# cost) and cost_per_100_recovered.
AGENCY_RECOVERY_SQL = f"""
with {holder_rows(None)},
agencies as (
    select team from teams where team_type = 'agency'
    union
    select team from commissions
),
final as (
    select r.team, count(*) as cases, sum(r.placed) as placed, sum(r.recovered) as recovered,
        cast(sum(r.recovered) as double) / nullif(cast(sum(r.placed) as double), 0)
            as recovery_rate,
        max(k.rate) as commission_rate,
        cast(round(sum(r.recovered) * max(k.rate), 2) as decimal(18, 2)) as commission,
        sum(r.cost) as cost,
        cast(sum(r.cost) as double) * 100 / nullif(cast(sum(r.recovered) as double), 0)
            as cost_per_100_recovered
    from rows r
    left join commissions k on k.team = r.team
    where r.team in (select team from agencies)
    group by r.team
)
select * from final order by team
"""


def agency_recovery(
    db: Path, filters: Filters, *, window_days: int, commissions: dict[str, object]
) -> pl.DataFrame:
    return query(db, AGENCY_RECOVERY_SQL, recovery_params(filters, window_days, commissions))
