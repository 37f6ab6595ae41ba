"""The outcome mix of the period's phone actions (docs/metrics.md, Contacts): what happened when
collectors called, before it is summed up into contact and reachability rates."""

from pathlib import Path

import polars as pl

from queries.common import latest_loan_facts
from queries.filters import Filters
from recovery.database import query

# The period's phone actions under the filters (branch and product as on the loan's latest
# snapshot on or before the period's end; team and collector as on the action).
PHONE_CALLS_CTE = (
    """
calls as (
    select a.loan_id, a.outcome
    from actions a
    where a.method = 'phone'
      and a.action_at >= $period_start and a.action_at < $period_after
      and ($team is null or a.team = $team)
      and ($allowed_teams is null or a.team in (select unnest($allowed_teams)))
      and ($collector is null or a.collector = $collector)
),
"""
    + latest_loan_facts("loan_facts", "calls")
    + """,
phone_calls as (
    select c.*
    from calls c
    left join loan_facts f on f.loan_id = c.loan_id
    where ($branch is null or f.branch = $branch)
      and ($product is null or f.product = $product)
)"""
)

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
