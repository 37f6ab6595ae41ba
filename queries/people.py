"""Customer names for lists a person reads, masked (张*) before they leave this module
unless the caller says the reader may see them."""

from datetime import date
from pathlib import Path

import polars as pl

from queries.filters import Filters
from recovery.database import query
from recovery.masking import mask_name

# last_snapshot — the latest loans snapshot date on or before the period's end (null: none).
LAST_SNAPSHOT_SQL = """
select max(as_of_date) as as_of_date
from snapshot_dates
where as_of_date <= $period_end
"""

# customer_names — one row per customer of $customer_ids on a loans snapshot from $since to
# the period's end: the name on the customer's latest of those snapshots.
CUSTOMER_NAMES_SQL = """
with ranked as (
    select customer_id, customer_name,
        row_number() over (partition by customer_id order by as_of_date desc) as recency
    from loan_snapshots
    where as_of_date >= $since and as_of_date <= $period_end
      and customer_id in (select unnest($customer_ids))
)
select customer_id, customer_name
from ranked
where recency = 1
order by customer_id
"""


def customer_names(db: Path, filters: Filters, ids: list[str]) -> pl.DataFrame:
    """The name on each customer's latest loans snapshot on or before the period's end.
    Most customers of a list are on the latest snapshot: theirs are read from it alone (a
    date range the scan skips row groups with); the others from every earlier one."""
    params = filters.params()
    last = query(db, LAST_SNAPSHOT_SQL, params)["as_of_date"].item()
    since = last if last is not None else date.min
    found = query(db, CUSTOMER_NAMES_SQL, {**params, "since": since, "customer_ids": ids})
    missing = sorted(set(ids) - set(found["customer_id"].to_list()))
    if last is None or not missing:
        return found
    earlier = query(db, CUSTOMER_NAMES_SQL, {**params, "since": date.min, "customer_ids": missing})
    return pl.concat([found, earlier]).sort("customer_id")


def with_customer_names(
    db: Path, filters: Filters, frame: pl.DataFrame, *, masked: bool = True
) -> pl.DataFrame:
    """`frame` with a `customer_name` column after its `customer_id`, masked unless
    `masked` is False."""
    names = customer_names(db, filters, frame["customer_id"].unique().to_list())
    if masked:
        names = names.with_columns(
            pl.Series("customer_name", [mask_name(n) for n in names["customer_name"]], pl.String)
        )
    joined = frame.join(names, on="customer_id", how="left", maintain_order="left")
    position = frame.columns.index("customer_id") + 1
    order = [*frame.columns[:position], "customer_name", *frame.columns[position:]]
    return joined.select(order)
