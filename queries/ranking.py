"""The order a recovery comparison is read in (recovery_by's rows): the best recovery index
first, then the most recovered; groups with no index (nothing expected of their cases)
last. Collectors are listed team by team, the teams in their own ranking, and ranked
within their team."""

import polars as pl

from queries.recovery import GROUP_COLUMNS


def by_index(frame: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """recovery_by(dimension)'s rows, best index first."""
    return frame.sort(
        ["recovery_index", "recovered", *GROUP_COLUMNS[dimension]],
        descending=[True, True, *(False for _ in GROUP_COLUMNS[dimension])],
        nulls_last=True,
    )


def collectors_within_teams(collectors: pl.DataFrame, teams: pl.DataFrame) -> pl.DataFrame:
    """recovery_by('collector')'s rows grouped by team, the teams in the order of
    `teams` (recovery_by('team') ranked by index), each team's collectors best index first,
    with `rank_in_team` (1 = the team's best)."""
    team_order = by_index(teams, "team")["team"].to_list()
    missing = sorted(set(collectors["team"].drop_nulls()) - set(team_order))
    order = {team: position for position, team in enumerate([*team_order, *missing])}
    ranked = by_index(collectors, "collector").with_columns(
        pl.col("team").replace_strict(order, default=len(order)).alias("team_order")
    )
    grouped = ranked.with_row_index("position").sort("team_order", "position")
    return grouped.with_columns(
        rank_in_team=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("team")
    ).drop("team_order", "position")
