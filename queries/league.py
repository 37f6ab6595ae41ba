"""Per team and per collector contact and promise figures for the league tables, beside
`recovery_by` (recovered, placed, recovery rate, actions). Same definitions as the period's
contact and promise measures, grouped by who acted."""

from pathlib import Path

import polars as pl

from queries.common import dimension_filters
from queries.contacts import PERIOD_COUNTS_CTE
from queries.filters import Filters
from recovery.database import query

# Who a league table ranks (an allow-list: the name becomes an identifier in the SQL).
LEAGUE_DIMENSIONS = ("team", "collector")

# contacts_by_{dimension} — one row per team or collector with phone actions in the
# period: phone actions, effective contacts, effective contact rate (有效联系率) =
# effective / phone actions (as contact_summary).
CONTACTS_BY_SQL = """
with {period_counts},
final as (
    select {dimension},
        cast(sum(count_phone_actions) as bigint) as count_phone_actions,
        cast(sum(count_effective) as bigint) as count_effective
    from period_counts
    group by {dimension}
)
select {dimension}, count_phone_actions, count_effective,
    cast(count_effective as double) / count_phone_actions as effective_contact_rate
from final
order by {dimension}
"""

# promises_by_{dimension} — one row per team or collector whose promises fell due in the
# period (date + grace within it), as recorded on the action that took the promise: due,
# kept, and kept rate = kept / due (as promise_summary). Read from the monthly summary
# table promise_months (etl/models/promise_months.sql).
PROMISES_BY_SQL = f"""
with final as (
    select p.{{dimension}}, cast(sum(p.count_due) as bigint) as count_due,
        cast(sum(p.count_kept) as bigint) as count_kept
    from promise_months p
    where p.month = $period_start
      and {dimension_filters("p")}
    group by p.{{dimension}}
    having sum(p.count_due) > 0
)
select {{dimension}}, count_due, count_kept,
    cast(count_kept as double) / count_due as kept_rate
from final
order by {{dimension}}
"""


def _checked(dimension: str) -> str:
    if dimension not in LEAGUE_DIMENSIONS:
        raise ValueError(f"rank by one of {', '.join(LEAGUE_DIMENSIONS)}, not {dimension!r}")
    return dimension


def contacts_by(db: Path, filters: Filters, *, dimension: str) -> pl.DataFrame:
    sql = CONTACTS_BY_SQL.format(period_counts=PERIOD_COUNTS_CTE, dimension=_checked(dimension))
    return query(db, sql, filters.params())


def promises_by(db: Path, filters: Filters, *, dimension: str) -> pl.DataFrame:
    sql = PROMISES_BY_SQL.format(dimension=_checked(dimension))
    return query(db, sql, filters.params())
