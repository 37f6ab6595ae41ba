"""What a user can pick in the filter bar: the months with a loans snapshot and the values
of each dimension found in the database."""

from pathlib import Path

import polars as pl

from recovery.database import query

# periods — one row per month (YYYY-MM) with at least one loans snapshot, newest first.
PERIODS_SQL = """
select distinct strftime(as_of_date, '%Y-%m') as period
from loan_snapshots
order by period desc
"""

# branches, products — one row per value recorded on any loans snapshot, in order.
BRANCHES_SQL = """
select distinct branch as value
from loan_snapshots
where branch is not null
order by value
"""

PRODUCTS_SQL = """
select distinct product as value
from loan_snapshots
where product is not null
order by value
"""

# teams — one row per team named in the teams reference, on an action or on a snapshot,
# of the teams the asker may see ($allowed_teams, null: all).
TEAMS_SQL = """
with named as (
    select team from teams
    union select team from actions
    union select team from assignments
    union select team from loan_snapshots
)
select team as value
from named
where team is not null
  and ($allowed_teams is null or team in (select unnest($allowed_teams)))
order by value
"""

# collectors — one row per (team, collector) seen on an action or a snapshot, narrowed to
# one team when $team is given and to the teams the asker may see. A collector working in
# two teams is listed under both.
COLLECTORS_SQL = """
with seen as (
    select team, collector from actions where collector is not null
    union select team, collector from loan_snapshots where collector is not null
)
select distinct team, collector as value
from seen
where ($team is null or team = $team)
  and ($allowed_teams is null or team in (select unnest($allowed_teams)))
order by value, team
"""

# methods — one row per collection method with at least one action.
METHODS_SQL = """
select distinct method as value
from actions
order by value
"""


def periods(db: Path) -> list[str]:
    return query(db, PERIODS_SQL)["period"].to_list()


def branches(db: Path) -> list[str]:
    return query(db, BRANCHES_SQL)["value"].to_list()


def products(db: Path) -> list[str]:
    return query(db, PRODUCTS_SQL)["value"].to_list()


def _team_list(allowed_teams: tuple[str, ...] | None) -> list[str] | None:
    return None if allowed_teams is None else list(allowed_teams)


def teams(db: Path, *, allowed_teams: tuple[str, ...] | None = None) -> list[str]:
    return query(db, TEAMS_SQL, {"allowed_teams": _team_list(allowed_teams)})["value"].to_list()


def collectors(
    db: Path, *, team: str | None = None, allowed_teams: tuple[str, ...] | None = None
) -> list[str]:
    params = {"team": team, "allowed_teams": _team_list(allowed_teams)}
    frame: pl.DataFrame = query(db, COLLECTORS_SQL, params)
    return frame["value"].unique(maintain_order=True).to_list()


def methods(db: Path) -> list[str]:
    return query(db, METHODS_SQL)["value"].to_list()
