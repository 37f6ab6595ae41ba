"""Field visits (外访) against the teams' monthly quotas (DOMAIN.md: e.g. 25 a month)."""

from pathlib import Path

import polars as pl

from queries.filters import Filters
from recovery.database import query

# visits_against_quota — one row per team and collector with visits in the period (a
# collector is known only from actions, so one with no visit has no row): visits made,
# visits that met the debtor, the team's monthly visit quota, and quota_share = visits /
# quota (null when the team has no quota).
VISITS_AGAINST_QUOTA_SQL = """
with visits as (
    select a.team, a.collector, count(*) as count_visits,
        count(case when a.outcome = 'met' then 1 end) as count_met
    from actions a
    where a.method = 'visit'
      and a.action_at >= $period_start and a.action_at < $period_after
      and ($team is null or a.team = $team)
      and ($allowed_teams is null or a.team in (select unnest($allowed_teams)))
      and ($collector is null or a.collector = $collector)
    group by a.team, a.collector
),
final as (
    select v.team, v.collector, v.count_visits, v.count_met, t.monthly_visit_quota,
        cast(v.count_visits as double) / nullif(t.monthly_visit_quota, 0) as quota_share
    from visits v
    left join teams t on t.team = v.team
)
select * from final order by team, collector
"""


def visits_against_quota(db: Path, filters: Filters) -> pl.DataFrame:
    return query(db, VISITS_AGAINST_QUOTA_SQL, filters.params())
