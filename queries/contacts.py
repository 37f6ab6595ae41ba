"""Contact measures (docs/metrics.md, Contacts): phone actions only.

An effective contact (有效联系) is a `connected` call whose contact_relation is self, spouse
or family, or not given. Filters: branch and product as on the loan's latest snapshot on
or before the period's end; team and collector as on the action. The phone actions are
counted ahead in summary tables at that grain (etl/models/): phone_action_months,
phone_action_hours and customer_reachability_months.
"""

from pathlib import Path

import polars as pl

from queries.common import LOAN_FILTERS, TREND_MONTHS_CTE
from queries.filters import Filters, month_as_period
from recovery.database import query

# CTE `period_counts`: the rows of phone_action_months for the period under the filters.
PERIOD_COUNTS_CTE = f"""period_counts as (
    select l.*
    from phone_action_months l
    where l.month = $period_start
      and {LOAN_FILTERS}
)"""

# contact_summary — one row: phone actions, connected calls, effective contacts, contact
# rate (接通率) = connected / phone actions and effective contact rate (有效联系率) =
# effective / phone actions; rates null when there were no phone actions.
CONTACT_SUMMARY_SQL = f"""
with {PERIOD_COUNTS_CTE},
counted as (
    select
        cast(coalesce(sum(count_phone_actions), 0) as bigint) as count_phone_actions,
        cast(coalesce(sum(count_connected), 0) as bigint) as count_connected,
        cast(coalesce(sum(count_effective), 0) as bigint) as count_effective
    from period_counts
)
select
    count_phone_actions,
    count_connected,
    count_effective,
    cast(count_connected as double) / nullif(count_phone_actions, 0) as contact_rate,
    cast(count_effective as double) / nullif(count_phone_actions, 0) as effective_contact_rate
from counted
"""

# reachability — one row per status, all five in order (table reachability_statuses): each
# customer called in the period gets the best status over all its calls (reached > third
# party > no answer > switched off > unreachable number); customers and share of customers
# called (the shares sum to 1; null when nobody was called). Calls with another outcome
# give no status. The customer is the loan's as on its latest snapshot on or before the
# period's end.
REACHABILITY_SQL = f"""
with best as (
    select l.customer_id, min(l.best_rank) as best_rank
    from customer_reachability_months l
    where l.month = $period_start
      and {LOAN_FILTERS}
    group by l.customer_id
),
counted as (
    select s.status, s.status_rank, count(b.customer_id) as count_customers
    from reachability_statuses s
    left join best b on b.best_rank = s.status_rank
    group by s.status, s.status_rank
)
select status, count_customers,
    cast(count_customers as double) / nullif(sum(count_customers) over (), 0) as share
from counted
order by status_rank
"""

# best_time_to_call — one row per (weekday, hour) with phone actions: weekday 1 = Monday
# .. 7 = Sunday, hour 0..23 of the local action time, phone actions, effective contacts
# and the effective contact rate.
BEST_TIME_TO_CALL_SQL = f"""
with final as (
    select l.weekday, l.hour,
        cast(sum(l.count_phone_actions) as bigint) as count_phone_actions,
        cast(sum(l.count_effective) as bigint) as count_effective
    from phone_action_hours l
    where l.month = $period_start
      and {LOAN_FILTERS}
    group by l.weekday, l.hour
)
select weekday, hour, count_phone_actions, count_effective,
    cast(count_effective as double) / count_phone_actions as effective_contact_rate
from final
order by weekday, hour
"""


def contact_summary(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, CONTACT_SUMMARY_SQL, filters.params())


def reachability(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, REACHABILITY_SQL, filters.params())


def best_time_to_call(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, BEST_TIME_TO_CALL_SQL, filters.params())


# The customers of the period's book (active loans of its latest snapshot, under the
# filters) and their numbers on file, as checked at load (contact_numbers), counted ahead
# by month-latest snapshot (etl/models/): customers whose book loans share one
# branch, product, team and collector are summed by those in book_number_counts and
# book_invalid_reasons; the others are in book_shared_customers (their invalid numbers in
# shared_customer_invalid_reasons), and counted once each.
def in_book(table: str) -> str:
    """The rows of `table` (aliased `l`) for the period's latest snapshot under the
    filters."""
    return f"""from {table} l
    where l.as_of_date between $period_start and $period_end
      and {LOAN_FILTERS}"""


# CTE `shared`: the customers of book_shared_customers in the book, once each.
SHARED_CUSTOMERS_CTE = f"""shared as (
    select distinct l.customer_id, l.count_numbers, l.count_valid, l.count_invalid
    {in_book("book_shared_customers")}
)"""

# invalid_numbers_summary — one row: numbers on file checked, invalid ones, customers of
# the book, and customers with no valid number at all (none on file counts as none valid).
INVALID_NUMBERS_SUMMARY_SQL = f"""
with {SHARED_CUSTOMERS_CTE},
customers as (
    select l.count_customers, l.count_numbers, l.count_invalid,
        l.count_customers_without_valid_number
    {in_book("book_number_counts")}
    union all
    select 1, count_numbers, count_invalid, case when count_valid = 0 then 1 else 0 end
    from shared
)
select
    cast(coalesce(sum(count_numbers), 0) as bigint) as count_numbers_checked,
    cast(coalesce(sum(count_invalid), 0) as bigint) as count_invalid,
    cast(coalesce(sum(count_customers), 0) as bigint) as count_customers,
    cast(coalesce(sum(count_customers_without_valid_number), 0) as bigint)
        as count_customers_without_valid_number
from customers
"""

# invalid_numbers_by_reason — one row per reason with invalid numbers on file: not a
# number, wrong length, bad prefix, missing or wrong area code, service number, duplicate.
INVALID_NUMBERS_BY_REASON_SQL = f"""
with {SHARED_CUSTOMERS_CTE},
invalid as (
    select l.invalid_reason, l.count_numbers
    {in_book("book_invalid_reasons")}
    union all
    select r.invalid_reason, r.count_numbers
    from shared_customer_invalid_reasons r
    join shared c on c.customer_id = r.customer_id
),
final as (
    select invalid_reason as reason, cast(sum(count_numbers) as bigint) as count_numbers
    from invalid
    group by invalid_reason
)
select reason, count_numbers
from final
order by count_numbers desc, reason
"""


def invalid_numbers_summary(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, INVALID_NUMBERS_SUMMARY_SQL, filters.params())


def invalid_numbers_by_reason(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, INVALID_NUMBERS_BY_REASON_SQL, filters.params())


# contact_trend — one row per month of the 12 ending with the period (months with no phone
# actions included, rates null): the figures of contact_summary for that month, each month
# filtered as contact_summary filters it (branch and product as at the month's end).
CONTACT_TREND_SQL = f"""
with recursive {TREND_MONTHS_CTE},
counted as (
    select l.month,
        sum(l.count_phone_actions) as count_phone_actions,
        sum(l.count_connected) as count_connected,
        sum(l.count_effective) as count_effective
    from phone_action_months l
    where l.month >= $trend_start and l.month <= $period_start
      and {LOAN_FILTERS}
    group by l.month
),
final as (
    select m.month,
        cast(coalesce(c.count_phone_actions, 0) as bigint) as count_phone_actions,
        cast(coalesce(c.count_connected, 0) as bigint) as count_connected,
        cast(coalesce(c.count_effective, 0) as bigint) as count_effective
    from months m
    left join counted c on c.month = m.month
)
select month, count_phone_actions, count_connected, count_effective,
    cast(count_connected as double) / nullif(count_phone_actions, 0) as contact_rate,
    cast(count_effective as double) / nullif(count_phone_actions, 0) as effective_contact_rate
from final
order by month
"""


def contact_trend(db: Path, filters: Filters) -> pl.DataFrame:
    frame = query(db, CONTACT_TREND_SQL, filters.params())
    return month_as_period(frame)
