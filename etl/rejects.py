"""Reading back what the loader rejected, with personal values masked."""

from pathlib import Path

from recovery.database import read_only, scalar
from recovery.masking import mask_value


def rejected_rows(db: Path, *, file_name: str | None, limit: int) -> tuple[list[dict], int]:
    params = {"file_name": file_name, "limit": limit}
    where = "where $file_name is null or file_name = $file_name"
    with read_only(db) as con:
        frame = con.sql(
            f"""
        select file_name, line, column_name, header, value, reason
        from rejected_rows {where}
            order by load_id, line
            limit $limit
            """,
            params=params,
        ).pl()
        total = scalar(con, f"select count(*) from rejected_rows {where}", {"file_name": file_name})
    rows = frame.to_dicts()
    for row in rows:
        row["value"] = mask_value(row["column_name"], row["value"])
    return rows, total
