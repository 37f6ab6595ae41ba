"""Pieces several measures share, written once: SQL, and how a list capped at its first
rows tells its whole length (`count_total` on every row)."""

import polars as pl


def latest_loan_facts(name: str, loans_in: str) -> str:
    """CTE `name`: for each loan of the CTE `loans_in`, its customer, branch and product
    as on its latest snapshot on or before the period's end (from loan_versions)."""
    return f"""{name} as (
    select v.loan_id, v.customer_id, v.branch, v.product
    from loan_versions v
    where v.valid_from <= $period_end
      and v.valid_until > $period_end
      and v.loan_id in (select loan_id from {loans_in})
)"""


def dimension_filters(alias: str) -> str:
    """The branch, product, team and collector filters (and the teams the asker may see) on
    a table aliased `alias` with those four columns: a filter left null keeps all. Wherever
    `$team` narrows, `$allowed_teams` (the teams the asker may see, null: all) narrows too,
    on the same column."""
    return f"""($branch is null or {alias}.branch = $branch)
      and ($product is null or {alias}.product = $product)
      and ($team is null or {alias}.team = $team)
      and ($allowed_teams is null or {alias}.team in (select unnest($allowed_teams)))
      and ($collector is null or {alias}.collector = $collector)"""


# The dimension filters on a loans snapshot aliased `l`.
LOAN_FILTERS = dimension_filters("l")


# CTE `months`: the 12 calendar months ending with the period, as their first days (with
# recursive: `with recursive {TREND_MONTHS_CTE}, ...`).
TREND_MONTHS_CTE = """months (month) as (
    select cast($trend_start as date)
    union all
    select cast(month + interval 1 month as date) from months where month < $period_start
)"""


def month_snapshots(since: str | None) -> str:
    """CTE `snapshots`: the latest snapshot date of each month from `since` (a parameter
    such as `$trend_start`, or None: from the first) to the period's end."""
    lower = f"as_of_date >= {since} and " if since else ""
    return f"""snapshots as (
    select as_of_date
    from snapshot_dates
    where is_month_latest and {lower}as_of_date <= $period_end
)"""


def shown_and_total(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """A list's rows without `count_total`, and the whole list's length: its
    `count_total` when the rows are the first of a longer list, else the rows shown."""
    if "count_total" not in frame.columns:
        return frame, len(frame)
    total = frame["count_total"].max() if len(frame) else 0
    return frame.drop("count_total"), int(total or 0)
