"""Contact measures (METRICS.md, Contacts): phone actions only.

An effective contact (有效联系) is a `connected` call whose contact_relation is self, spouse
or family, or not given. Filters: branch and product as on the loan's latest snapshot on
or before the period's end; team and collector as on the action.
"""

from pathlib import Path

import polars as pl

from queries.common import TREND_MONTHS_CTE, effective_contact, latest_loan_facts
from queries.filters import Filters
from queries.portfolio import BOOK_CTE
from recovery.database import query

# The period's phone actions under the filters, with the loan's customer, each call's
# reachability status and whether it was an effective contact.
PHONE_CALLS_CTE = (
    """
calls as (
    select a.action_id, a.loan_id, a.action_at, a.outcome, a.contact_relation, a.team,
        a.collector
    from actions a
    where a.method = 'phone'
      and a.action_at >= $period_start and a.action_at < $period_after
      and ($team is null or a.team = $team)
      and ($allowed_teams is null or a.team in (select unnest($allowed_teams)))
      and ($collector is null or a.collector = $collector)
),
"""
    + latest_loan_facts("loan_facts", "calls")
    + f""",
phone_calls as (
    select
        c.*,
        f.customer_id,
        {effective_contact("c")} as is_effective,
        case
            when {effective_contact("c")} then 'reached'
            when c.outcome = 'connected' then 'third_party'
            when c.outcome in ('no_answer', 'busy', 'rejected') then 'no_answer'
            when c.outcome in ('powered_off', 'suspended') then 'switched_off'
            when c.outcome in ('invalid_number', 'wrong_number') then 'unreachable'
        end as reachability
    from calls c
    left join loan_facts f on f.loan_id = c.loan_id
    where ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
)"""
)

# contact_summary — one row: phone actions, connected calls, effective contacts, contact
# rate (接通率) = connected / phone actions and effective contact rate (有效联系率) =
# effective / phone actions; rates null when there were no phone actions.
CONTACT_SUMMARY_SQL = f"""
with {PHONE_CALLS_CTE},
counted as (
    select
        count(*) as count_phone_actions,
        count(case when outcome = 'connected' then 1 end) as count_connected,
        count(case when is_effective then 1 end) as count_effective
    from phone_calls
)
select
    count_phone_actions,
    count_connected,
    count_effective,
    cast(count_connected as double) / nullif(count_phone_actions, 0) as contact_rate,
    cast(count_effective as double) / nullif(count_phone_actions, 0) as effective_contact_rate
from counted
"""

# reachability — one row per status, all five in order: each customer called in the
# period gets the best status over all its calls (reached > third party > no answer >
# switched off > unreachable number); customers and share of customers called (the shares
# sum to 1; null when nobody was called). Calls with another outcome give no status.
REACHABILITY_SQL = f"""
with {PHONE_CALLS_CTE},
statuses (status, rank) as (
    values ('reached', 1), ('third_party', 2), ('no_answer', 3), ('switched_off', 4),
           ('unreachable', 5)
),
best as (
    select p.customer_id, min(s.rank) as best_rank
    from phone_calls p
    join statuses s on s.status = p.reachability
    group by p.customer_id
),
counted as (
    select s.status, s.rank, count(b.customer_id) as count_customers
    from statuses s
    left join best b on b.best_rank = s.rank
    group by s.status, s.rank
)
select status, count_customers,
    cast(count_customers as double) / nullif(sum(count_customers) over (), 0) as share
from counted
order by rank
"""

# best_time_to_call — one row per (weekday, hour) with phone actions: weekday 1 = Monday
# .. 7 = Sunday, hour 0..23 of the local action time, phone actions, effective contacts
# and the effective contact rate.
BEST_TIME_TO_CALL_SQL = f"""
with {PHONE_CALLS_CTE},
final as (
    select
        isodow(action_at) as weekday,
        hour(action_at) as hour,
        count(*) as count_phone_actions,
        count(case when is_effective then 1 end) as count_effective
    from phone_calls
    group by isodow(action_at), hour(action_at)
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


# Customers of the period's book (active loans of its latest snapshot, under the filters)
# and their numbers on file, as checked at load (view contact_numbers).
NUMBERS_ON_FILE_CTE = f"""
{BOOK_CTE},
customers as (
    select distinct customer_id from book
),
numbers as (
    select n.*
    from contact_numbers n
    join customers c on c.customer_id = n.customer_id
)"""

# invalid_numbers_summary — one row: numbers on file checked, invalid ones, customers of
# the book, and customers with no valid number at all (none on file counts as none valid).
INVALID_NUMBERS_SUMMARY_SQL = f"""
with {NUMBERS_ON_FILE_CTE},
per_customer as (
    select c.customer_id, count(case when n.is_valid then 1 end) as count_valid
    from customers c
    left join numbers n on n.customer_id = c.customer_id
    group by c.customer_id
)
select
    (select count(*) from numbers) as count_numbers_checked,
    (select count(*) from numbers where not is_valid) as count_invalid,
    (select count(*) from customers) as count_customers,
    (select count(*) from per_customer where count_valid = 0)
        as count_customers_without_valid_number
"""

# invalid_numbers_by_reason — one row per reason with invalid numbers on file: not a
# number, wrong length, bad prefix, missing or wrong area code, service number, duplicate.
INVALID_NUMBERS_BY_REASON_SQL = f"""
with {NUMBERS_ON_FILE_CTE}
select invalid_reason as reason, count(*) as count_numbers
from numbers
where not is_valid
group by invalid_reason
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
calls as (
    select date_trunc('month', a.action_at) as month, a.loan_id, a.outcome,
        {effective_contact("a")} as is_effective
    from actions a
    where a.method = 'phone'
      and a.action_at >= $trend_start and a.action_at < $period_after
      and ($team is null or a.team = $team)
      and ($allowed_teams is null or a.team in (select unnest($allowed_teams)))
      and ($collector is null or a.collector = $collector)
),
counted as (
    select c.month, count(*) as count_phone_actions,
        count(case when c.outcome = 'connected' then 1 end) as count_connected,
        count(case when c.is_effective then 1 end) as count_effective
    from calls c
    left join loan_versions f
        on f.loan_id = c.loan_id
       and f.valid_from <= last_day(c.month)
       and f.valid_until > last_day(c.month)
    where ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
    group by c.month
),
final as (
    select m.month,
        coalesce(c.count_phone_actions, 0) as count_phone_actions,
        coalesce(c.count_connected, 0) as count_connected,
        coalesce(c.count_effective, 0) as count_effective
    from months m
    left join counted c on cast(c.month as date) = m.month
)
select month, count_phone_actions, count_connected, count_effective,
    cast(count_connected as double) / nullif(count_phone_actions, 0) as contact_rate,
    cast(count_effective as double) / nullif(count_phone_actions, 0) as effective_contact_rate
from final
order by month
"""


def contact_trend(db: Path, filters: Filters) -> pl.DataFrame:
    frame = query(db, CONTACT_TREND_SQL, filters.params())
    return frame.select(pl.col("month").dt.strftime("%Y-%m").alias("period"), pl.exclude("month"))
