"""Portfolio measures, from the latest loans snapshot in the period (docs/metrics.md).

Every measure filters the book the same way: active loans of the snapshot, narrowed by
branch, product, team and collector when given (the method filter does not apply to a
snapshot). A rate whose denominator is zero is null, shown as "—".

The measures read summary tables of the month-latest snapshots (etl/models/):
month_book, month_rolls, vintage_book and vintage_loans, whose rows keep the dimensions
the filters name, so a filtered sum of their rows equals the sum over the filtered loans.
"""

from pathlib import Path

import polars as pl

from queries.common import LOAN_FILTERS, month_snapshots
from queries.filters import Filters
from recovery.database import query

# The period's latest snapshot (the month-latest of the period's month), if any.
SNAPSHOT_CTE = """
snapshot as (
    select max(as_of_date) as as_of_date
    from snapshot_dates
    where as_of_date between $period_start and $period_end
)"""

# The latest snapshot on or before the period's end that falls in the period, and its
# active loans under the filters, one row per loan (the drill-downs list them).
BOOK_CTE = f"""{SNAPSHOT_CTE},
book as (
    select l.*
    from loan_snapshots l
    join snapshot s on l.as_of_date = s.as_of_date
    where l.status = 'active'
      and {LOAN_FILTERS}
)"""

# The same book as groups of loans (month_book): each row counts `count_loans` loans of
# one branch, product, team, collector, aging bucket and classification. Shared by the
# measures below (a CTE, not a view, so each measure's SQL reads on its own).
BOOK_GROUPS_CTE = f"""{SNAPSHOT_CTE},
book_groups as (
    select l.*
    from month_book l
    join snapshot s on l.as_of_date = s.as_of_date
    where {LOAN_FILTERS}
)"""

# portfolio_summary — one row: the snapshot date, active loans, outstanding (贷款余额,
# sum of outstanding_balance), overdue outstanding (days_past_due > 0) and overdue ratio
# (逾期率), non-performing outstanding (substandard + doubtful + loss) and NPL ratio (不良率).
# Unit: money in the portfolio's currency; ratios are fractions 0..1, null when the
# outstanding is 0.
PORTFOLIO_SUMMARY_SQL = f"""
with {BOOK_GROUPS_CTE},
final as (
    select
        (select as_of_date from snapshot) as as_of_date,
        coalesce(cast(sum(count_loans) as bigint), 0) as count_active_loans,
        coalesce(sum(outstanding), 0) as outstanding,
        coalesce(sum(overdue_outstanding), 0) as overdue_outstanding,
        coalesce(sum(case when classification in ('substandard', 'doubtful', 'loss')
            then outstanding end), 0) as npl_outstanding
    from book_groups
)
select
    as_of_date,
    count_active_loans,
    outstanding,
    overdue_outstanding,
    cast(overdue_outstanding as double) / nullif(cast(outstanding as double), 0) as overdue_ratio,
    npl_outstanding,
    cast(npl_outstanding as double) / nullif(cast(outstanding as double), 0) as npl_ratio
from final
"""

# aging — one row per aging bucket of the config (all buckets, empty ones with 0): loans,
# outstanding, and each bucket's share of the loans and of the outstanding (null when the
# book is empty). Buckets come from table aging_buckets, written from the config at load.
AGING_SQL = f"""
with {BOOK_GROUPS_CTE},
counted as (
    select bucket, cast(sum(count_loans) as bigint) as count_loans,
        sum(outstanding) as outstanding
    from book_groups
    group by bucket
),
per_bucket as (
    select b.bucket, b.sort_order, coalesce(c.count_loans, 0) as count_loans,
        coalesce(c.outstanding, 0) as outstanding
    from aging_buckets b
    left join counted c on c.bucket = b.bucket
),
final as (
    select
        bucket,
        count_loans,
        outstanding,
        cast(count_loans as double) / nullif(sum(count_loans) over (), 0) as loans_share,
        cast(outstanding as double) / nullif(cast(sum(outstanding) over () as double), 0)
            as outstanding_share,
        sort_order
    from per_bucket
)
select bucket, count_loans, outstanding, loans_share, outstanding_share
from final
order by sort_order
"""

# classification — one row per tier of the five-tier classification (五级分类), all five
# in their order: loans, outstanding, share of the outstanding, and whether the tier is
# non-performing (不良: substandard, doubtful, loss).
CLASSIFICATION_SQL = f"""
with {BOOK_GROUPS_CTE},
tiers (tier, sort_order, is_non_performing) as (
    values ('normal', 1, false), ('special_mention', 2, false), ('substandard', 3, true),
           ('doubtful', 4, true), ('loss', 5, true)
),
per_tier as (
    select t.tier, t.sort_order, t.is_non_performing,
        coalesce(cast(sum(l.count_loans) as bigint), 0) as count_loans,
        coalesce(sum(l.outstanding), 0) as outstanding
    from tiers t
    left join book_groups l on l.classification = t.tier
    group by t.tier, t.sort_order, t.is_non_performing
),
final as (
    select tier, count_loans, outstanding,
        cast(outstanding as double) / nullif(cast(sum(outstanding) over () as double), 0)
            as outstanding_share,
        is_non_performing, sort_order
    from per_tier
)
select tier, count_loans, outstanding, outstanding_share, is_non_performing
from final
order by sort_order
"""


def portfolio_summary(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, PORTFOLIO_SUMMARY_SQL, filters.params())


def aging(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, AGING_SQL, filters.params())


def classification(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, CLASSIFICATION_SQL, filters.params())


# portfolio_trend — one row per month of the 12 ending with the period that has a
# snapshot: the month's latest snapshot date and the same figures as portfolio_summary.
PORTFOLIO_TREND_SQL = f"""
with {month_snapshots("$trend_start")},
book_groups as (
    select l.*
    from month_book l
    join snapshots s on l.as_of_date = s.as_of_date
    where {LOAN_FILTERS}
),
per_month as (
    select
        s.as_of_date,
        coalesce(cast(sum(l.count_loans) as bigint), 0) as count_active_loans,
        coalesce(sum(l.outstanding), 0) as outstanding,
        coalesce(sum(l.overdue_outstanding), 0) as overdue_outstanding,
        coalesce(sum(case when l.classification in ('substandard', 'doubtful', 'loss')
            then l.outstanding end), 0) as npl_outstanding
    from snapshots s
    left join book_groups l on l.as_of_date = s.as_of_date
    group by s.as_of_date
),
final as (
    select
        as_of_date,
        count_active_loans,
        outstanding,
        overdue_outstanding,
        cast(overdue_outstanding as double) / nullif(cast(outstanding as double), 0)
            as overdue_ratio,
        npl_outstanding,
        cast(npl_outstanding as double) / nullif(cast(outstanding as double), 0) as npl_ratio
    from per_month
)
select * from final order by as_of_date
"""

# snapshot_pair — one row: the previous month's latest snapshot date (from_date, t) and the
# period's (to_date, t+1), either null when its month has none: the pair whose loans the
# roll-rate and cure drill-downs list (month_rolls sums the same pairs).
SNAPSHOT_PAIR_SQL = """
select
    (select max(as_of_date) from snapshot_dates
     where as_of_date between $previous_start and $period_start - interval 1 day) as from_date,
    (select max(as_of_date) from snapshot_dates
     where as_of_date between $period_start and $period_end) as to_date
"""


def snapshot_pair_params(db: Path, filters: Filters) -> dict[str, object]:
    """The filters' parameters and $from_date and $to_date (snapshot_pair): given to a
    query as values, its scans of the loans read those two snapshots' row groups only."""
    params = filters.params()
    return {**params, **query(db, SNAPSHOT_PAIR_SQL, params).row(0, named=True)}


# roll_rates — the roll-rate matrix from the previous month's latest snapshot (t) to the
# period's latest snapshot (t+1). Grain: one row per (from_bucket, to_state) pair, every
# pair listed. From: the aging bucket of each loan active at t (under the filters, as of t).
# To: its aging bucket at t+1 if still active, else `settled` or `written_off`, or
# `not_reported` when t+1 does not list it. roll_rate = loans / loans in from_bucket, so
# each row of the matrix sums to 1 (null when the bucket was empty at t). Counts come from
# month_rolls, the period month's moves summed over the filtered groups.
ROLL_RATES_SQL = f"""
with states as (
    select bucket as state, sort_order from aging_buckets
    union all select 'settled', 1001
    union all select 'written_off', 1002
    union all select 'not_reported', 1003
),
moves as (
    select l.from_bucket, l.to_state, cast(sum(l.count_loans) as bigint) as count_loans
    from month_rolls l
    where l.period_month = $period_start
      and {LOAN_FILTERS}
    group by l.from_bucket, l.to_state
),
grid as (
    select f.bucket as from_bucket, f.sort_order as from_order, t.state as to_state,
        t.sort_order as to_order
    from aging_buckets f
    cross join states t
),
counted as (
    select g.from_bucket, g.to_state, g.from_order, g.to_order,
        coalesce(m.count_loans, 0) as count_loans
    from grid g
    left join moves m on m.from_bucket = g.from_bucket and m.to_state = g.to_state
),
final as (
    select
        from_bucket,
        to_state,
        count_loans,
        cast(count_loans as double)
            / nullif(sum(count_loans) over (partition by from_bucket), 0) as roll_rate,
        from_order,
        to_order
    from counted
)
select from_bucket, to_state, count_loans, roll_rate
from final
order by from_order, to_order
"""

# cure_rate — one row: loans overdue (days_past_due > 0, active) at the previous month's
# latest snapshot, how many of them are current (active, 0 days past due) at the period's
# latest snapshot, and the cure rate = cured / overdue (null when none were overdue).
# From month_rolls, as the roll rates.
CURE_RATE_SQL = f"""
with final as (
    select
        coalesce(cast(sum(l.count_overdue_before) as bigint), 0) as count_overdue_before,
        coalesce(cast(sum(l.count_cured) as bigint), 0) as count_cured
    from month_rolls l
    where l.period_month = $period_start
      and {LOAN_FILTERS}
)
select count_overdue_before, count_cured,
    cast(count_cured as double) / nullif(count_overdue_before, 0) as cure_rate
from final
"""


def portfolio_trend(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, PORTFOLIO_TREND_SQL, filters.params())


def roll_rates(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, ROLL_RATES_SQL, filters.params())


def cure_rate(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, CURE_RATE_SQL, filters.params())


# vintage_curves — for each disbursement month (vintage) of the 24 months up to the
# period's end, and each month on book (0 = the disbursement month) with a snapshot: the
# share of the vintage's principal that is 30+ and 90+ days past due on that month's
# latest snapshot. Written-off loans count as 30+ and 90+; settled ones as neither. The
# vintage's principal is the sum of principal over its loans (each loan once: its largest
# principal on the rows the filters keep). Filters as for the book. Numerators from
# vintage_book, principals from vintage_loans (loans summed ahead, or listed when their
# rows differ); in_vintages_until keeps the vintages of the 24 months up to the period.
VINTAGE_CURVES_SQL = f"""
with vintage_variants as (
    select l.vintage, l.loan_id, l.principal
    from vintage_loans l
    where l.first_on <= $period_end
      and $period_end <= l.in_vintages_until
      and {LOAN_FILTERS}
),
vintage_principal as (
    select vintage, sum(principal) as principal
    from (
        select vintage, principal from vintage_variants where loan_id is null
        union all
        select vintage, max(principal)
        from vintage_variants
        where loan_id is not null
        group by vintage, loan_id
    ) loans
    group by vintage
),
on_book as (
    select
        vintage,
        (year(as_of_date) * 12 + month(as_of_date)) - (year(vintage) * 12 + month(vintage))
            as months_on_book,
        sum(principal_30_plus) as principal_30_plus,
        sum(principal_90_plus) as principal_90_plus
    from vintage_book l
    where l.as_of_date <= $period_end
      and $period_end <= l.in_vintages_until
      and {LOAN_FILTERS}
    group by vintage, as_of_date
),
final as (
    select o.vintage, o.months_on_book, o.principal_30_plus, o.principal_90_plus,
        v.principal as vintage_principal,
        cast(o.principal_30_plus as double) / nullif(cast(v.principal as double), 0)
            as share_30_plus,
        cast(o.principal_90_plus as double) / nullif(cast(v.principal as double), 0)
            as share_90_plus
    from on_book o
    join vintage_principal v on v.vintage = o.vintage
)
select * from final order by vintage, months_on_book
"""


def vintage_curves(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, VINTAGE_CURVES_SQL, filters.params())


# aging_trend — one row per month of the 12 ending with the period that has a snapshot,
# and per aging bucket: the month's latest snapshot date, loans and outstanding of the
# book in that bucket (every bucket listed, empty ones with 0).
AGING_TREND_SQL = f"""
with {month_snapshots("$trend_start")},
counted as (
    select l.as_of_date, l.bucket, cast(sum(l.count_loans) as bigint) as count_loans,
        sum(l.outstanding) as outstanding
    from month_book l
    join snapshots s on l.as_of_date = s.as_of_date
    where {LOAN_FILTERS}
    group by l.as_of_date, l.bucket
),
final as (
    select s.as_of_date, b.bucket, coalesce(c.count_loans, 0) as count_loans,
        coalesce(c.outstanding, 0) as outstanding, b.sort_order
    from snapshots s
    cross join aging_buckets b
    left join counted c on c.as_of_date = s.as_of_date and c.bucket = b.bucket
)
select as_of_date, bucket, count_loans, outstanding
from final
order by as_of_date, sort_order
"""


def aging_trend(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, AGING_TREND_SQL, filters.params())
