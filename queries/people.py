"""Customer names for lists a person reads, masked (张*) before they leave this module
unless the caller says the reader may see them."""

from pathlib import Path

import polars as pl

from queries.filters import Filters
from recovery.database import query
from recovery.masking import mask_name

# customer_names — one row per customer of $customer_ids: the name on the customer's
# latest loans snapshot on or before the period's end (null when none gives one).
CUSTOMER_NAMES_SQL = """
with ranked as (
    select customer_id, customer_name,
        row_number() over (partition by customer_id order by as_of_date desc) as recency
    from loan_snapshots
    where as_of_date <= $period_end
      and customer_id in (select unnest($customer_ids))
)
select customer_id, customer_name
from ranked
where recency = 1
order by customer_id
"""


def with_customer_names(
    db: Path, filters: Filters, frame: pl.DataFrame, *, masked: bool = True
) -> pl.DataFrame:
    """`frame` with a `customer_name` column after its `customer_id`, masked unless
    `masked` is False."""
    ids = frame["customer_id"].unique().to_list()
    names = query(db, CUSTOMER_NAMES_SQL, {**filters.params(), "customer_ids": ids})
    if masked:
        names = names.with_columns(
            pl.Series("customer_name", [mask_name(n) for n in names["customer_name"]], pl.String)
        )
    joined = frame.join(names, on="customer_id", how="left", maintain_order="left")
    position = frame.columns.index("customer_id") + 1
    order = [*frame.columns[:position], "customer_name", *frame.columns[position:]]
    return joined.select(order)
