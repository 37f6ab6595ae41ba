"""League tables of teams and collectors: recovery figures beside contact and promise
figures, one row per team or collector, from the measures in `queries`."""

import polars as pl

from dashboard import data
from dashboard.view import View
from queries.league import contacts_by, promises_by
from queries.recovery import recovery_by

LEAGUE_COLUMNS = ("recovered", "placed", "recovery_rate", "count_loans", "count_actions",
                  "effective_contact_rate", "kept_rate")  # fmt: skip


def league_table(view: View, dimension: str) -> pl.DataFrame:
    """One row per team or collector that worked loans, made calls or had promises due in
    the period, most recovered first."""
    recovery = data.measure(
        recovery_by, view.filters, dimension=dimension, window_days=view.window_days
    )
    contacts = data.measure(contacts_by, view.filters, dimension=dimension)
    promises = data.measure(
        promises_by,
        view.filters,
        dimension=dimension,
        grace_days=data.settings().promise_grace_days,
    )
    joined = (
        recovery.join(contacts, on=dimension, how="full", coalesce=True)
        .join(promises, on=dimension, how="full", coalesce=True)
        .filter(pl.col(dimension).is_not_null())
    )
    return joined.select(dimension, *LEAGUE_COLUMNS).sort(
        "recovered", dimension, descending=[True, False], nulls_last=True
    )
