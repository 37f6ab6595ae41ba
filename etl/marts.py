"""Summary tables, rebuilt after every load that changed something, so the measures read
small, pre-joined tables instead of the whole history. Their SQL lives in the files of
MART_FILES, run in that order (a later file may read the tables of an earlier one)."""

import importlib.resources

import duckdb

from recovery.settings import Settings

MART_FILES = (
    "marts.sql",
    "marts_cases.sql",
    "marts_portfolio.sql",
    "marts_contacts.sql",
    "marts_promises.sql",
    "marts_people.sql",
)


def mart_statements() -> list[str]:
    statements = []
    for name in MART_FILES:
        text = importlib.resources.files("etl").joinpath(name).read_text(encoding="utf-8")
        statements += [s.strip() for s in text.split(";\n") if s.strip() and not _only_comments(s)]
    return statements


def _only_comments(statement: str) -> bool:
    return all(line.strip().startswith("--") or not line.strip() for line in statement.splitlines())


def build_marts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    # DuckDB binds no parameters in `create table as`: settings go through a temp table.
    con.execute("create or replace temp table mart_settings (grace_days integer)")
    con.execute("insert into mart_settings values ($grace)", {"grace": settings.promise_grace_days})
    for statement in mart_statements():
        con.execute(statement)
