"""Test data is code: helpers that write small export files, load them and read back."""

from pathlib import Path

import polars as pl

from etl.load import FileOutcome, load_files
from recovery.database import query
from recovery.settings import Settings


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    def cell(value: str) -> str:
        return f'"{value}"' if ("," in value or '"' in value) else value

    lines = [",".join(cell(v) for v in row) for row in [header, *rows]]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def load(settings: Settings, *paths: Path, kind: str | None = None) -> list[FileOutcome]:
    return load_files(list(paths), settings, kind=kind)


def table(settings: Settings, sql: str, params: dict | None = None) -> pl.DataFrame:
    return query(settings.db, sql, params)


def rejects(settings: Settings) -> list[tuple]:
    frame = table(
        settings,
        "select file_name, line, column_name, value, reason from rejected_rows order by line",
    )
    return frame.rows()
