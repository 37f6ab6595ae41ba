"""Customer names for lists a person reads, masked (张*) before they leave this module
unless the caller says the reader may see them."""

from pathlib import Path

import polars as pl

from queries.filters import Filters
from recovery.database import query
from recovery.masking import mask_name

# customer_names — one row per customer of $customer_ids on a loans snapshot on or before
# the period's end: the name on the customer's latest such snapshot. Read from
# customer_name_spans (etl/models/): of the customer's names first seen by the
# period's end, the one seen latest by then; a tie goes to the name first seen later.
CUSTOMER_NAMES_SQL = """
with seen as (
    select customer_id, customer_name, first_seen,
        case when last_seen < $period_end then last_seen else $period_end end as seen_by
    from customer_name_spans
    where first_seen <= $period_end
      and customer_id in (select unnest($customer_ids))
),
ranked as (
    select customer_id, customer_name,
        row_number() over (
            partition by customer_id order by seen_by desc, first_seen desc
        ) as recency
    from seen
)
select customer_id, customer_name
from ranked
where recency = 1
order by customer_id
"""


def customer_names(db: Path, filters: Filters, ids: list[str]) -> pl.DataFrame:
    """The name on each customer's latest loans snapshot on or before the period's end."""
    return query(db, CUSTOMER_NAMES_SQL, {**filters.params(), "customer_ids": ids})


def first_rows_named(
    db: Path, filters: Filters, frame: pl.DataFrame, *, limit: int, masked: bool = True
) -> pl.DataFrame:
    """The first `limit` rows of `frame`, a list of customers, with their names
    (`with_customer_names`) and `count_total`, the whole list's length (as a drill-down's
    rows carry it): names are read for the rows shown only."""
    named = with_customer_names(db, filters, frame.head(limit), masked=masked)
    return named.with_columns(count_total=pl.lit(len(frame), pl.Int64))


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
