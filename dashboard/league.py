"""The recovery comparisons as the Methods and Teams pages read them: recovery_by's rows
ranked by recovery index (queries.ranking), with their intervals as text; teams beside
their contact and promise figures; collectors grouped by team and ranked within it;
outside agencies with their commission."""

import polars as pl

from dashboard import data
from dashboard.formatting import with_intervals
from dashboard.view import View
from queries.league import contacts_by, promises_by
from queries.ranking import by_index, collectors_within_teams
from queries.recovery import agency_recovery, recovery_by

# The columns a comparison table shows after the group's own, in reading order.
COMPARED = ("cases", "placed", "recovered", "recovery_rate", "interval", "cases_cured",
            "recovery_index", "index_interval", "cost_per_100_recovered")  # fmt: skip
METHOD_COLUMNS = ("method", "cases", "placed", "recovered", "recovery_rate", "interval",
                  "cases_cured", "case_cure_rate", "recovery_index", "index_interval",
                  "count_actions", "cost", "cost_per_100_recovered")  # fmt: skip
TEAM_COLUMNS = ("team", *COMPARED, "effective_contact_rate", "kept_rate")
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
    return with_intervals(comparison(view, "method")).select(METHOD_COLUMNS)


def teams_table(view: View) -> pl.DataFrame:
    """Teams ranked by recovery index, with their effective contact rate and kept rate
    (as the Contacts and Promises pages count them) beside."""
    contacts = data.measure(contacts_by, view.filters, dimension="team")
    promises = data.measure(
        promises_by, view.filters, dimension="team", grace_days=data.settings().promise_grace_days
    )
    joined = (
        with_intervals(comparison(view, "team"))
        .join(contacts.select("team", "effective_contact_rate"), on="team", how="left")
        .join(promises.select("team", "kept_rate"), on="team", how="left")
    )
    return joined.select(TEAM_COLUMNS)


def collectors_table(view: View) -> pl.DataFrame:
    """Collectors team by team (the teams in their index order), ranked within their team."""
    ranked = collectors_within_teams(comparison(view, "collector"), comparison(view, "team"))
    return with_intervals(ranked).select(COLLECTOR_COLUMNS)


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
