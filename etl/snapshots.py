"""A loans file for a snapshot date already loaded replaces that snapshot. One that would drop
more than a set share of the snapshot's loans (a file cut short, a part of an export, a
wrong date) is refused whole, unless the user says the replacement is meant."""

import duckdb

from etl.errors import SnapshotShrinks

DROPPED_LOANS_SQL = """
with incoming as (
    select distinct as_of_date, loan_id from ({good})
),
this_call as (
    select distinct as_of_date, loan_id from loan_snapshots
    where load_id in (select load_id from load_ledger where batch_id = $batch_id)
),
kept as (
    select as_of_date, loan_id from incoming
    union
    select as_of_date, loan_id from this_call
),
earlier as (
    select distinct as_of_date, loan_id from loan_snapshots
    where as_of_date in (select as_of_date from incoming)
      and load_id not in (select load_id from load_ledger where batch_id = $batch_id)
)
select e.as_of_date, count(*) as loans, count(*) filter (where k.loan_id is null) as dropped
from earlier e
left join kept k on k.as_of_date = e.as_of_date and k.loan_id = e.loan_id
group by e.as_of_date
order by e.as_of_date
"""


def refuse_a_shrinking_snapshot(
    con: duckdb.DuckDBPyConnection,
    file_name: str,
    good: str,
    params: dict,
    *,
    batch_id: int,
    max_drop: float,
) -> None:
    """Raises SnapshotShrinks when the file's rows (`good`, with the loans loaded earlier in
    this call: a snapshot in parts) would drop more than `max_drop` of the loans loaded by
    earlier calls for one of its snapshot dates."""
    rows = con.execute(
        DROPPED_LOANS_SQL.format(good=good), {**params, "batch_id": batch_id}
    ).fetchall()
    for as_of_date, loans, dropped in rows:
        if dropped > max_drop * loans:
            raise SnapshotShrinks(
                file_name,
                f"would replace the snapshot of {as_of_date} ({loans:,} loans loaded) and "
                f"drop {dropped:,} of its loans ({dropped / loans:.1%}), keeping "
                f"{loans - dropped:,}; more than the {max_drop:.0%} allowed (setting "
                "snapshot_max_drop). If the new snapshot is meant to replace it, load it with "
                "`recovery load --replace-snapshot`",
            )
