"""The rows behind the contact figures: the customers of a reachability status, the numbers
on file of an invalid-number reason, the phone actions of one hour of one weekday. Each
list is capped at `$limit` rows, with `count_total` on every row, and uses the CTEs of the
measure it opens, so its rows add up to the figure.

Phone numbers are always masked (138****5678); customer names are masked (张*) unless the
caller says the reader may see them (`masked=False`).
"""

from pathlib import Path

import polars as pl

from queries.common import latest_loan_facts
from queries.drilldown import DRILL_ROW_LIMIT
from queries.filters import Filters
from queries.people import with_customer_names
from queries.portfolio import BOOK_CTE
from recovery.database import query
from recovery.masking import mask_name, mask_phone

# The period's phone actions under the filters, each with its reachability status (the view
# phone_actions, which the contact measures count) and the loan's customer as on its latest
# snapshot on or before the period's end; branch and product filtered as of then.
PHONE_CALLS_CTE = (
    """
calls as (
    select p.action_id, p.loan_id, p.action_at, p.outcome, p.contact_relation, p.team,
        p.collector, p.is_effective, p.reachability
    from phone_actions p
    where p.action_at >= $period_start and p.action_at < $period_after
      and ($team is null or p.team = $team)
      and ($allowed_teams is null or p.team in (select unnest($allowed_teams)))
      and ($collector is null or p.collector = $collector)
),
"""
    + latest_loan_facts("loan_facts", "calls")
    + """,
phone_calls as (
    select c.*, f.customer_id
    from calls c
    left join loan_facts f on f.loan_id = c.loan_id
    where ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
)"""
)

# The numbers on file of the customers of the period's book (as the invalid-number
# measures count them).
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

# customers_by_reachability — one row per customer called in the period whose best status
# over its calls is $status (as counted by the reachability measure): the loans called
# about, phone actions, the last call, and the status.
CUSTOMERS_BY_REACHABILITY_SQL = f"""
with {PHONE_CALLS_CTE},
per_customer as (
    select p.customer_id,
        min(s.status_rank) as best_rank,
        string_agg(distinct p.loan_id, ', ' order by p.loan_id) as loan_ids,
        count(*) as count_phone_actions,
        max(p.action_at) as last_called_at
    from phone_calls p
    left join reachability_statuses s on s.status = p.reachability
    where p.customer_id is not null
    group by p.customer_id
),
chosen as (
    select c.*, s.status as reachability
    from per_customer c
    join reachability_statuses s on s.status_rank = c.best_rank
    where s.status = $status
),
final as (
    select c.customer_id, c.loan_ids, c.count_phone_actions, c.last_called_at,
        c.reachability
    from chosen c
)
select *, count(*) over () as count_total
from final
order by count_phone_actions desc, customer_id
limit $limit
"""

# numbers_with_reason — one row per number on file of a customer of the period's book that
# is invalid for $reason (as counted by invalid_numbers_by_reason): the customer (its name
# as in the book), the number, whose number it is and its kind.
NUMBERS_WITH_REASON_SQL = f"""
with {NUMBERS_ON_FILE_CTE},
chosen as (
    select n.customer_id, n.phone, n.relation, n.number_type, n.invalid_reason
    from numbers n
    where not n.is_valid
      and n.invalid_reason = $reason
),
book_names as (
    select customer_id, min(customer_name) as customer_name
    from book
    group by customer_id
),
final as (
    select c.customer_id, m.customer_name, c.phone, c.relation, c.number_type,
        c.invalid_reason
    from chosen c
    left join book_names m on m.customer_id = c.customer_id
)
select *, count(*) over () as count_total
from final
order by customer_id, phone
limit $limit
"""

# calls_at_hour — one row per phone action of the period made on weekday $weekday
# (1 = Monday .. 7 = Sunday) in hour $hour (0..23) of its local time, as counted by
# best_time_to_call: who called whom, the number dialled, the outcome and the
# reachability status it gives.
CALLS_AT_HOUR_SQL = f"""
with {PHONE_CALLS_CTE},
chosen as (
    select p.*
    from phone_calls p
    where isodow(p.action_at) = $weekday
      and hour(p.action_at) = $hour
),
final as (
    select c.action_id, c.loan_id, c.customer_id, c.team, c.collector, c.action_at,
        a.contact_phone, c.contact_relation, c.outcome, c.reachability
    from chosen c
    join actions a
        on a.action_id = c.action_id
       and a.action_at >= $period_start and a.action_at < $period_after
)
select *, count(*) over () as count_total
from final
order by action_at, action_id
limit $limit
"""

PHONE_COLUMNS = ("phone", "contact_phone")


def _shown(frame: pl.DataFrame, *, masked: bool) -> pl.DataFrame:
    """Numbers always masked; names masked unless `masked` is False."""
    columns = [
        pl.Series(column, [mask_phone(v) for v in frame[column]], pl.String)
        for column in PHONE_COLUMNS
        if column in frame.columns
    ]
    if masked:
        names = [mask_name(n) for n in frame["customer_name"]]
        columns.append(pl.Series("customer_name", names, pl.String))
    return frame.with_columns(columns)


def _named(db: Path, filters: Filters, frame: pl.DataFrame, *, masked: bool) -> pl.DataFrame:
    """Names as every list gets them (queries/people.py: the customer's latest snapshot on
    or before the period's end), numbers masked."""
    return _shown(with_customer_names(db, filters, frame, masked=masked), masked=False)


def customers_by_reachability(
    db: Path, filters: Filters, *, status: str, limit: int = DRILL_ROW_LIMIT, masked: bool = True
) -> pl.DataFrame:
    params = {**filters.params(), "status": status, "limit": limit}
    return _named(db, filters, query(db, CUSTOMERS_BY_REACHABILITY_SQL, params), masked=masked)


def numbers_with_reason(
    db: Path, filters: Filters, *, reason: str, limit: int = DRILL_ROW_LIMIT, masked: bool = True
) -> pl.DataFrame:
    params = {**filters.params(), "reason": reason, "limit": limit}
    return _shown(query(db, NUMBERS_WITH_REASON_SQL, params), masked=masked)


def calls_at_hour(
    db: Path,
    filters: Filters,
    *,
    weekday: int,
    hour: int,
    limit: int = DRILL_ROW_LIMIT,
    masked: bool = True,
) -> pl.DataFrame:
    if not (1 <= weekday <= 7 and 0 <= hour <= 23):
        raise ValueError(f"no weekday {weekday} (1..7) or hour {hour} (0..23)")
    params = {**filters.params(), "weekday": weekday, "hour": hour, "limit": limit}
    return _named(db, filters, query(db, CALLS_AT_HOUR_SQL, params), masked=masked)
