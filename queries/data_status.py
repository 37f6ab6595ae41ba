"""What was loaded, what was rejected, and how fresh each kind of file is."""

from pathlib import Path

import polars as pl

from recovery.database import query
from recovery.masking import mask_value

# load_history: one row per file loaded, newest first.
LOAD_HISTORY_SQL = """
select load_id, file_name, kind, file_format, encoding, rows_read, rows_loaded,
    rows_rejected, status, loaded_at
from load_ledger
order by load_id desc
limit $limit
"""

# rejected_rows: rows kept out of the tables, in file and line order. Grain: one row per
# rejected row. `value` is as written in the file (masked before it is shown).
REJECTED_ROWS_SQL = """
select r.file_name, r.line, r.column_name, r.header, r.value, r.reason, r.reason_code,
    r.reason_detail
from rejected_rows r
where $file_name is null or r.file_name = $file_name
order by r.load_id, r.line
limit $limit
"""

REJECTED_COUNT_SQL = """
select count(*) as count_rejected_rows
from rejected_rows
where $file_name is null or file_name = $file_name
"""

# freshness: per file kind, the newest data it holds and when it was last loaded. The
# optional assignments are listed once a file of them was loaded; their newest data is the
# latest day a case was placed or ended.
FRESHNESS_SQL = """
with newest_data as (
    select 'loans' as kind, max(as_of_date) as latest_data_on from snapshot_dates
    union all select 'actions', cast(max(action_at) as date) from actions
    union all select 'payments', cast(max(paid_at) as date) from payments
    union all select 'assignments', greatest(max(assigned_on), max(ended_on)) from assignments
    union all select 'contacts', cast(null as date)
    union all select 'teams', cast(null as date)
),
loads as (
    select kind, max(loaded_at) as last_loaded_at, count(*) as count_files,
        sum(rows_loaded) as count_rows_loaded, sum(rows_rejected) as count_rows_rejected
    from load_ledger
    group by kind
),
final as (
    select d.kind, d.latest_data_on, l.last_loaded_at, l.count_files, l.count_rows_loaded,
        l.count_rows_rejected
    from newest_data d
    left join loads l on l.kind = d.kind
    where d.kind <> 'assignments' or l.kind is not null
)
select * from final order by kind
"""


def load_history(db: Path, *, limit: int = 200) -> pl.DataFrame:
    return query(db, LOAD_HISTORY_SQL, {"limit": limit})


def rejected_rows(db: Path, *, file_name: str | None = None, limit: int = 500) -> pl.DataFrame:
    """Rejected rows with personal values masked."""
    frame = query(db, REJECTED_ROWS_SQL, {"file_name": file_name, "limit": limit})
    masked = [mask_value(c, v) for c, v in zip(frame["column_name"], frame["value"], strict=True)]
    return frame.with_columns(pl.Series("value", masked, dtype=pl.String))


def count_rejected_rows(db: Path, *, file_name: str | None = None) -> int:
    return query(db, REJECTED_COUNT_SQL, {"file_name": file_name}).item()


def freshness(db: Path) -> pl.DataFrame:
    return query(db, FRESHNESS_SQL)
