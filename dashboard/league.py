"""The recovery comparisons as the Methods and Teams pages read them: recovery_by's rows
ranked by recovery index (queries.ranking), with their intervals; collectors grouped by
team and ranked within it; outside agencies with their commission (the contact and
promise figures per team are on the Contacts and Promises pages)."""

import polars as pl

from dashboard import data
from dashboard.view import View
from queries.ranking import by_index, collectors_within_teams
from queries.recovery import agency_recovery, recovery_by

# The columns a comparison table shows after the group's own, in reading order; the
# rate's and the index's intervals are shown beside them (dashboard.components.tables).
RATE = ("recovery_rate", "rate_low", "rate_high")
INDEX = ("recovery_index", "index_low", "index_high")
COMPARED = ("cases", "placed", "recovered", *RATE, "cases_cured", *INDEX,
            "cost_per_100_recovered")  # fmt: skip
METHOD_COLUMNS = ("method", "cases", "placed", "recovered", *RATE, "cases_cured", *INDEX,
                  "cost", "cost_per_100_recovered")  # fmt: skip
TEAM_COLUMNS = ("team", *COMPARED)
COLLECTOR_COLUMNS = ("team", "rank_in_team", "collector", *COMPARED)
AGENCY_COLUMNS = ("team", "cases", "placed", "recovered", "recovery_rate", "commission_rate",
                  "commission", "cost", "cost_per_100_recovered")  # fmt: skip


def comparison(view: View, dimension: str) -> pl.DataFrame:
    """recovery_by(dimension) under the view, ranked best index first."""
    frame = data.measure(
        recovery_by,
        view.filters,
        dimension=dimension,
        window_days=view.window_days,
        commissions=data.commissions(),
    )
    return by_index(frame, dimension)


def methods_table(view: View) -> pl.DataFrame:
    return comparison(view, "method").select(METHOD_COLUMNS)


def teams_table(view: View) -> pl.DataFrame:
    """Teams ranked by recovery index."""
    return comparison(view, "team").select(TEAM_COLUMNS)


def collectors_table(view: View) -> pl.DataFrame:
    """Collectors team by team (the teams in their index order), ranked within their team."""
    ranked = collectors_within_teams(comparison(view, "collector"), comparison(view, "team"))
    return ranked.select(COLLECTOR_COLUMNS)


def agencies_table(view: View) -> pl.DataFrame:
    """Outside agencies (委外), the cheapest per 100 recovered first."""
    frame = data.measure(
        agency_recovery,
        view.filters,
        window_days=view.window_days,
        commissions=data.commissions(),
    )
    return frame.sort(
        "cost_per_100_recovered", "recovered", descending=[False, True], nulls_last=True
    ).select(AGENCY_COLUMNS)
