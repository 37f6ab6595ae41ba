"""The outcome mix of the period's phone actions (METRICS.md, Contacts): what happened when
collectors called, before it is summed up into contact and reachability rates."""

from pathlib import Path

import polars as pl

from queries.contacts import PHONE_CALLS_CTE
from queries.filters import Filters
from recovery.database import query

# call_outcomes — one row per outcome recorded on the period's phone actions (`none` when
# the row gives none), most frequent first: phone actions and their share of all phone
# actions (the shares sum to 1). Filters as for contact_summary.
CALL_OUTCOMES_SQL = f"""
with {PHONE_CALLS_CTE},
final as (
    select coalesce(outcome, 'none') as outcome, count(*) as count_phone_actions
    from phone_calls
    group by coalesce(outcome, 'none')
)
select outcome, count_phone_actions,
    cast(count_phone_actions as double) / sum(count_phone_actions) over () as share
from final
order by count_phone_actions desc, outcome
"""


def call_outcomes(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, CALL_OUTCOMES_SQL, filters.params())
