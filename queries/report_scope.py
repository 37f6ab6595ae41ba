"""The teams a report can be split by: one report per team for `team = "*"` jobs."""

from pathlib import Path

from queries.filters import Filters
from recovery.database import query

# team_names — teams on the period's latest loans snapshot (narrowed by branch and
# product), and, when neither narrows, the teams file's teams too; only teams the asker
# may see ($allowed_teams, null: all). Grain: one row per team name, sorted.
TEAM_NAMES_SQL = """
with latest as (
    select max(as_of_date) as as_of_date
    from loan_snapshots
    where as_of_date between $period_start and $period_end
),
on_book as (
    select distinct l.team
    from loan_snapshots l
    join latest on l.as_of_date = latest.as_of_date
    where l.team is not null
      and ($branch is null or l.branch = $branch)
      and ($product is null or l.product = $product)
),
final as (
    select team from on_book
    union
    select team from teams where $branch is null and $product is null
)
select team from final
where $allowed_teams is null or team in (select unnest($allowed_teams))
order by team
"""


def team_names(db: Path, filters: Filters) -> list[str]:
    return query(db, TEAM_NAMES_SQL, filters.params())["team"].to_list()
