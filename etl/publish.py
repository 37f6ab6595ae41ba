"""Publishing the writer's database (recovery/store.py): which tables changed since the
last publish and from which month, and how each table is laid out.

With each file's rows, in their transaction, a load records the loaded table and the
month it changed from twice: in `pending_builds` (the summary tables are not built for it
yet) and in `pending_publish` (not published yet). The build of the summary tables clears
the first and adds each table it built to the second, in one transaction; a publish
clears the second once its catalog is in place. A load killed at any moment leaves both
for the next load, which builds and publishes what the killed one loaded.
"""

from collections.abc import Mapping
from datetime import date, timedelta

import duckdb

from etl.contract import FILE_KINDS
from etl.model_builds import ALL_MONTHS, ModelsBuilt, refresh_models
from etl.model_specs import build_order, read_models
from recovery.settings import Settings
from recovery.store import EVERY_MONTH, Published, is_catalog, publish

PENDING_TABLES = ("pending_builds", "pending_publish")
PENDING_SQL = "\n".join(
    f"create table if not exists {name} (table_name varchar primary key, since date not null);"
    for name in PENDING_TABLES
)
# Written by every load or build: published whole each time.
BOOKKEEPING = (
    "load_ledger", "rejected_rows", "model_builds", "schema_info", "aging_buckets", "method_costs"
)  # fmt: skip
# Longer than the longest query: a reader of the catalog before may still read its files.
RETENTION = timedelta(minutes=10)


def note_changes(
    con: duckdb.DuckDBPyConnection, changes: Mapping[str, date], *, pending: tuple[str, ...]
) -> None:
    """Records that each table changed from a month on (ALL_MONTHS: any) in the pending
    tables named; a table already pending keeps the earlier month."""
    for table, since in changes.items():
        for name in pending:
            con.execute(
                f"""
                insert into {name} values ($table, $since)
                on conflict (table_name) do update set since = least({name}.since, excluded.since)
                """,
                {"table": table, "since": since},
            )


def pending_changes(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, date]:
    return dict(con.execute(f"select table_name, since from {name}").fetchall())


def store_layout(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str | None], dict[str, str]]:
    """Every table of the writer's database and the column whose month places its rows
    (None: kept whole), and the views the models keep, in build order."""
    models = read_models()
    months = {kind.table: kind.dated_by for kind in FILE_KINDS.values()}
    months |= {name: model.partition for name, model in models.items() if model.is_table}
    names = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
        if name not in PENDING_TABLES
    ]
    views = {
        name: models[name].sql
        for name in build_order(models)
        if models[name].materialized == "view"
    }
    return {name: months.get(name) for name in names}, views


def publish_pending(con: duckdb.DuckDBPyConnection, catalog) -> Published | None:
    """Publishes what changed since the last publish (every table, the first time); None
    when nothing did."""
    changes = pending_changes(con, "pending_publish")
    first = not is_catalog(catalog)
    if not changes and not first:
        return None
    tables, views = store_layout(con)
    months = {t: EVERY_MONTH if since == ALL_MONTHS else since for t, since in changes.items()}
    months |= dict.fromkeys((t for t in BOOKKEEPING if t in tables), EVERY_MONTH)
    published = publish(con, catalog, tables, months, views=views, retention=RETENTION)
    con.execute("delete from pending_publish")
    return published


def build_pending(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, everything: bool = False
) -> ModelsBuilt | None:
    """Builds the summary tables for the loaded tables changed since the last build, and
    the stale ones (every one: `everything`), in one transaction that also marks what it
    built for the next publish."""
    con.execute("begin transaction")
    try:
        changed = pending_changes(con, "pending_builds")
        built = refresh_models(con, settings, changed_tables=changed, everything=everything)
        if built:
            note_changes(con, built.changed_from, pending=("pending_publish",))
        con.execute("delete from pending_builds")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return built
