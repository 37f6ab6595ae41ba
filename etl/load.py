"""Loading files: each file is read, mapped, staged and loaded in its own transaction in
the writer's database, then the summary tables are built and a new version of the store
is published (etl/publish.py, docs/store-layout.md).

A file refused whole leaves nothing behind; the others in the same call still load. A file
whose content was loaded before is skipped. A loans file replaces the rows of any earlier
file for the same snapshot dates (a corrected re-export); actions, payments, assignments,
contacts and teams replace earlier rows with the same key.
"""

import importlib.resources
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from etl.contract import ENUM_VALUES, FILE_KINDS, ColumnType, FileKind
from etl.errors import LoadError, SchemaMismatch, UnknownFileKind
from etl.headers import MappedColumn, map_headers, names_required_columns
from etl.model_builds import ALL_MONTHS, ModelsBuilt, has_loads
from etl.phones import check_numbers
from etl.publish import PENDING_SQL, PENDING_TABLES, build_pending, note_changes, publish_pending
from etl.readers import (
    HEADER_SEARCH_ROWS,
    SUFFIXES,
    ReadResult,
    StructuralReject,
    file_digest,
    read_into_raw,
)
from etl.snapshots import refuse_a_shrinking_snapshot
from etl.staging import (
    candidates_sql,
    good_rows_sql,
    missing_ids_sql,
    overlaps_sql,
    rejects_sql,
    repeats_sql,
    stage_sql,
)
from etl.totals import drop_totals_rows
from recovery.database import scalar, writing
from recovery.settings import Settings

SCHEMA_VERSION = 3  # raise with every change to etl/schema.sql's tables
KIND_ORDER = ("teams", "loans", "assignments", "contacts", "actions", "payments")
# File-name prefixes that tell a file's kind, English and the usual Chinese export names.
NAME_PREFIXES = {
    "loans": ("loans", "loan", "贷款台账", "借据明细", "贷款"),
    "actions": ("actions", "action", "催收记录", "催记"),
    "payments": ("payments", "payment", "还款记录", "还款"),
    "assignments": ("assignments", "assignment", "分案记录", "委案明细", "分案", "委案"),
    "contacts": ("contacts", "contact", "联系方式", "联系人"),
    "teams": ("teams", "team", "团队"),
}
SQL_TYPES = {
    ColumnType.MONEY: "decimal(18, 2)",
    ColumnType.INTEGER: "integer",
}


@dataclass
class FileOutcome:
    file: str
    kind: str | None
    status: str  # loaded | unchanged | refused
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0  # rows of earlier loads this file's rows replaced
    # the month of the earliest row loaded or replaced (of a table whose rows have no
    # month, ALL_MONTHS): the summary tables are built again from it
    changed_from: date | None = None
    rows_above_header: int = 0  # title, blank and note rows skipped above the header
    totals_rows: int = 0  # totals and subtotal rows (合计, 小计 …) skipped, not rejected
    sheet: str | None = None  # the workbook's sheet read
    error: str | None = None


def kind_of(path: Path) -> str:
    name = path.name.lower()
    for kind, prefixes in NAME_PREFIXES.items():
        if name.startswith(prefixes):
            return kind
    raise UnknownFileKind(
        path.name,
        "kind not known from the name: start it with loans, actions, payments, assignments, "
        "contacts or teams, or give --kind",
    )


def _not_a_file(path: Path) -> str:
    if path.is_dir():
        return (
            "is a folder, not a data file: name the data files, or a folder holding them "
            f"({', '.join(sorted(SUFFIXES))})"
        )
    return "no such file"


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the data files inside folders named, in loading order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [p for p in sorted(path.iterdir()) if p.suffix.lower() in SUFFIXES]
            files.extend(found or [path])  # a folder with no data files is refused
        else:
            files.append(path)

    def order(path: Path) -> tuple[int, str]:
        try:
            return KIND_ORDER.index(kind_of(path)), path.name
        except LoadError:
            return len(KIND_ORDER), path.name

    return sorted(files, key=order)


def load_files(
    paths: Iterable[Path],
    settings: Settings,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_summary_tables: Callable[[ModelsBuilt], None] | None = None,
    timings: dict[str, float] | None = None,
) -> list[FileOutcome]:
    """Loads the files (of workbooks, the sheet named `sheet`, else the one holding the
    data). The summary tables reading a table whose rows changed are built again, and
    those stale (built with other settings, or by another version); `on_summary_tables` is told what
    was built and why, and `timings`, when given, receives the seconds it took
    (`summary_tables`)."""
    files = expand(paths)
    outcomes: list[FileOutcome] = []
    with writing(
        settings.db, memory_limit=settings.duckdb_memory_limit, threads=settings.duckdb_threads
    ) as con:
        prepare(con, settings)
        batch_id = _next_id(con, "batch_id")
        # Files are hashed in order in a thread (hashlib lets go of the GIL), ahead of the
        # DuckDB work on the files before them.
        hashing = ThreadPoolExecutor(max_workers=1)
        # Numbers on file are checked in a thread as soon as they are loaded, while the
        # files after them (actions, the largest) load.
        checking = ThreadPoolExecutor(max_workers=1)
        early_checks: Future[pl.DataFrame] | None = None
        checks: list[tuple[int, int]] = []  # of each insert_checks
        try:
            digests = {p: hashing.submit(file_digest, p) for p in files if p.is_file()}
            for path in files:
                outcome = load_one(con, path, kind, batch_id, settings, digests.get(path), sheet)
                outcomes.append(outcome)
                if on_file:
                    on_file(outcome)
                if outcome.kind == "contacts" and outcome.status == "loaded" and not early_checks:
                    early_checks = checking.submit(check_unchecked_numbers, con.cursor())
            if early_checks:
                checks.append(insert_checks(con, early_checks.result()))
        finally:
            hashing.shutdown(cancel_futures=True)
            checking.shutdown(cancel_futures=True)
        loaded = any(o.status == "loaded" for o in outcomes)
        if loaded:
            checks.append(insert_checks(con, check_unchecked_numbers(con)))
        if any(added for added, _ in checks):
            # Only the checks of numbers on file reach a summary table (contact_numbers);
            # a dialled number's check is kept and published, but builds nothing.
            on_file = any(on_file for _, on_file in checks)
            pending = PENDING_TABLES if on_file else ("pending_publish",)
            note_changes(con, {"phone_checks": ALL_MONTHS}, pending=pending)
        if loaded or has_loads(con):
            built = build_pending(con, settings)
            if built:
                if timings is not None:
                    timings["summary_tables"] = built.seconds
                if on_summary_tables:
                    on_summary_tables(built)
            publish_pending(con, settings.db)
    return outcomes


def prepare(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    _check_schema_version(con, settings)
    schema = importlib.resources.files("etl").joinpath("schema.sql").read_text(encoding="utf-8")
    con.execute(schema)
    con.execute(PENDING_SQL)
    if scalar(con, "select count(*) from schema_info") == 0:
        con.execute("insert into schema_info values ($version)", {"version": SCHEMA_VERSION})
    con.execute(
        "create or replace temp table value_aliases "
        "(domain varchar, spelling varchar, canonical varchar)"
    )
    con.executemany("insert into value_aliases values (?, ?, ?)", value_alias_rows(settings))


def _check_schema_version(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    tables = set(con.sql("select table_name from information_schema.tables").fetchall())
    if ("load_ledger",) not in tables:
        return
    version = None
    if ("schema_info",) in tables:
        version = scalar(con, "select max(schema_version) from schema_info")
    if version != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"{settings.db} was made by another version of recovery (schema {version}, this "
            f"one writes {SCHEMA_VERSION}); load your files into a new database file "
            "(setting db or RECOVERY_DB) and point the dashboard at it"
        )


def value_alias_rows(settings: Settings) -> list[tuple[str, str, str]]:
    spellings: dict[tuple[str, str], str] = {}
    for domain, values in ENUM_VALUES.items():
        for canonical, aliases in values.items():
            for spelling in (canonical, *aliases):
                spellings[(domain, spelling.lower())] = canonical
    for domain, extra in settings.value_aliases.items():
        if domain not in ENUM_VALUES:
            raise ValueError(
                f"config value_aliases: unknown field '{domain}'; "
                f"use one of {', '.join(ENUM_VALUES)}"
            )
        for spelling, canonical in extra.items():
            if canonical not in ENUM_VALUES[domain]:
                raise ValueError(
                    f"config value_aliases.{domain}: '{spelling}' maps to '{canonical}', "
                    f"which is not one of {', '.join(ENUM_VALUES[domain])}"
                )
            spellings[(domain, spelling.strip().lower())] = canonical
    return [(domain, spelling, canonical) for (domain, spelling), canonical in spellings.items()]


def _next_id(con: duckdb.DuckDBPyConnection, column: str) -> int:
    return scalar(con, f"select coalesce(max({column}), 0) + 1 from load_ledger")


def load_one(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str | None,
    batch_id: int,
    settings: Settings,
    digest: Future[str] | None,
    sheet: str | None = None,
) -> FileOutcome:
    outcome = FileOutcome(file=path.name, kind=kind, status="refused")
    try:
        if digest is None:
            raise LoadError(path.name, _not_a_file(path))
        file_kind = FILE_KINDS[kind or kind_of(path)]
        outcome.kind = file_kind.name
        sha256 = digest.result()
        already = scalar(
            con,
            "select load_id from load_ledger where file_sha256 = $digest and status = 'loaded'",
            {"digest": sha256},
        )
        if already:
            outcome.status = "unchanged"
            return outcome
        # Read before the transaction opens: rows of a table created inside one are
        # numbered from a large offset, and source lines come from those numbers.
        extra_headers = settings.header_aliases.get(file_kind.name, {})
        is_header = names_required_columns(file_kind, extra_headers)
        read = read_into_raw(con, path, is_header, sheet)
        outcome.rows_above_header, outcome.sheet = read.rows_above_header, read.sheet
        searched = f"; the header was looked for in the first {HEADER_SEARCH_ROWS} rows" + (
            f" of sheet {read.sheet!r}" if read.sheet else ""
        )
        mapped = map_headers(path.name, file_kind, read.headers, extra_headers, searched)
        read, outcome.totals_rows = drop_totals_rows(con, file_kind, read, mapped)
        con.execute("begin transaction")
        try:
            (
                outcome.rows_loaded,
                outcome.rows_rejected,
                outcome.rows_replaced,
                outcome.changed_from,
            ) = _stage_and_insert(con, path, file_kind, read, mapped, sha256, batch_id, settings)
            if outcome.changed_from is not None:
                changed = {file_kind.table: outcome.changed_from}
                note_changes(con, changed, pending=PENDING_TABLES)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        outcome.status = "loaded"
    except LoadError as error:
        outcome.error = str(error)
    return outcome


def _stage_and_insert(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: FileKind,
    read: ReadResult,
    mapped: list[MappedColumn],
    digest: str,
    batch_id: int,
    settings: Settings,
) -> tuple[int, int, int, date | None]:
    """Rows loaded, rejected and replaced, and the month of the earliest row loaded or
    replaced (ALL_MONTHS for rows with no month; None when none was)."""
    params = {}
    if kind.name == "loans":
        params = settings.classification.model_dump()
    con.execute(stage_sql(kind, mapped, read.line_sql))
    con.execute(repeats_sql(kind))
    count_missing_ids = missing_ids_sql(kind)
    make_ids = count_missing_ids is not None and scalar(con, count_missing_ids) > 0
    # Overlaps are judged against the rows loaded before, so before any is replaced.
    con.execute(overlaps_sql(kind, make_ids=make_ids))
    good = good_rows_sql(kind, make_ids=make_ids)
    load_id = _next_id(con, "load_id")
    rejected = _write_rejects(con, kind, load_id, path.name, mapped, read.structural_rejects)
    if kind.name == "loans":
        refuse_a_shrinking_snapshot(
            con, path.name, good, params, batch_id=batch_id, max_drop=settings.snapshot_max_drop
        )
    replacing = candidates_sql(kind, make_ids=make_ids)
    earliest_replaced = _earliest_replaced(con, kind, replacing, params)
    replaced = _replace_earlier_rows(con, kind, replacing, batch_id, params)
    columns = ", ".join(c.name for c in kind.columns)
    typed = ", ".join(
        f"cast({c.name} as {SQL_TYPES[c.type]})" if c.type in SQL_TYPES else c.name
        for c in kind.columns
    )
    loaded = scalar(
        con,
        f"""
        insert into {kind.table} ({columns}, load_id, source_line)
        select {typed}, $load_id, source_line from ({good})
        """,
        {**params, "load_id": load_id},
    )
    con.execute("drop table overlapping_cases; drop table repeats; drop table staged")
    con.execute(
        """
        insert into load_ledger values (
            $load_id, $batch_id, $file_name, $digest, $kind, $file_format, $encoding,
            $rows_read, $rows_loaded, $rows_rejected, 'loaded', $loaded_at)
        """,
        {
            "load_id": load_id,
            "batch_id": batch_id,
            "file_name": path.name,
            "digest": digest,
            "kind": kind.name,
            "file_format": path.suffix.lower().lstrip("."),
            "encoding": read.encoding,
            "rows_read": loaded + rejected,
            "rows_loaded": loaded,
            "rows_rejected": rejected,
            "loaded_at": datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None),
        },
    )
    if replaced:
        _mark_replaced_loads(con, kind)
    changed_from = None
    if kind.dated_by is None and (loaded or replaced):
        changed_from = ALL_MONTHS
    elif kind.dated_by is not None:
        earliest_loaded = scalar(
            con,
            f"select min({kind.dated_by}) from {kind.table} where load_id = $load_id",
            {"load_id": load_id},
        )
        found = [_month_of(d) for d in (earliest_loaded, earliest_replaced) if d is not None]
        changed_from = min(found, default=None)
    return loaded, rejected, replaced, changed_from


def _month_of(day: date | datetime) -> date:
    return date(day.year, day.month, 1)


def _earliest_replaced(
    con: duckdb.DuckDBPyConnection, kind: FileKind, replacing: str, params: dict
) -> date | None:
    """The earliest date of the rows a file replaces: a row replaced by one of another
    month changes both months. (A snapshot replaces the rows of its own dates.)"""
    if kind.dated_by is None or kind.name == "loans":
        return None
    same_key = " and ".join(f"s.{k} = t.{k}" for k in kind.key)
    return scalar(
        con,
        f"""
        select min(t.{kind.dated_by}) from {kind.table} t
        where exists (select 1 from ({replacing}) s where {same_key})
        """,
        params,
    )


def _write_rejects(
    con: duckdb.DuckDBPyConnection,
    kind: FileKind,
    load_id: int,
    file_name: str,
    mapped: list[MappedColumn],
    structural: list[StructuralReject],
) -> int:
    con.execute("create or replace temp table header_map (column_name varchar, header varchar)")
    con.executemany("insert into header_map values (?, ?)", [(m.column, m.header) for m in mapped])
    rejected = scalar(
        con,
        f"""
        insert into rejected_rows
        select $load_id, $file_name, s.source_line, s.reject_column, h.header, s.reject_value,
            s.reject_reason, s.reject_code, s.reject_detail
        from ({rejects_sql(kind)}) s left join header_map h on h.column_name = s.reject_column
        """,
        {"load_id": load_id, "file_name": file_name},
    )
    if structural:
        con.executemany(
            "insert into rejected_rows values (?, ?, ?, null, null, ?, ?, ?, ?)",
            [
                (
                    load_id,
                    file_name,
                    r.line,
                    r.text[:1000],
                    r.reason,
                    r.code,
                    r.reason if r.detail is None else r.detail,
                )  # fmt: skip
                for r in structural
            ],
        )
    return rejected + len(structural)


def _replace_earlier_rows(
    con: duckdb.DuckDBPyConnection, kind: FileKind, replacing: str, batch_id: int, params: dict
) -> int:
    """Deletes the rows this file replaces, those with the key of one of its rows that pass
    their own rules (`replacing`); returns how many. A case whose new version overlaps
    another case of the file is replaced all the same: the overlap check counted it gone."""
    if kind.name == "loans":
        # A snapshot date arriving again replaces the rows earlier calls loaded for it;
        # files loaded in the same call add up (a snapshot exported in parts).
        return scalar(
            con,
            f"""
            delete from loan_snapshots
            where as_of_date in (select as_of_date from ({replacing}))
              and load_id not in (select load_id from load_ledger where batch_id = $batch_id)
            """,
            {**params, "batch_id": batch_id},
        )
    same_key = " and ".join(f"s.{k} = t.{k}" for k in kind.key)
    return scalar(
        con,
        f"""
        delete from {kind.table} t
        where exists (select 1 from ({replacing}) s where {same_key})
        """,
        params,
    )


def _mark_replaced_loads(con: duckdb.DuckDBPyConnection, kind: FileKind) -> None:
    con.execute(
        f"""
        update load_ledger set status = 'replaced'
        where status = 'loaded' and kind = $kind
          and load_id not in (select distinct load_id from {kind.table})
        """,
        {"kind": kind.name},
    )


def check_unchecked_numbers(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Checks each number on file or dialled not checked before, once per (number, city)."""
    # Two narrow queries (numbers on file by city; dialled numbers, city unknown) cost
    # less than one distinct over their union.
    on_file = con.sql(
        """
        select distinct c.phone, c.city
        from contacts c
        where not exists (
            select 1 from phone_checks k
            where k.phone = c.phone and k.city is not distinct from c.city
        )
        """
    ).pl()
    dialled = con.sql(
        """
        with numbers as (
            select distinct contact_phone as phone
            from actions
            where contact_phone is not null
        )
        select n.phone, cast(null as varchar) as city
        from numbers n
        where not exists (select 1 from phone_checks k where k.city is null and k.phone = n.phone)
        """
    ).pl()
    unchecked = pl.concat([on_file, dialled])
    return check_numbers(unchecked)


def insert_checks(con: duckdb.DuckDBPyConnection, checked: pl.DataFrame) -> tuple[int, int]:
    """Adds the numbers' checks to phone_checks; returns how many, and how many of them
    are of a number on file (contacts) as listed with its city."""
    if checked.is_empty():
        return 0, 0
    con.register("checked_numbers", checked)
    con.execute(
        """
        insert into phone_checks
        select phone, city, phone_normalized, number_type, is_valid, invalid_reason
        from checked_numbers
        """
    )
    on_file = scalar(
        con,
        """
        select count(*) from checked_numbers k
        where exists (
            select 1 from contacts c
            where c.phone = k.phone and c.city is not distinct from k.city
        )
        """,
    )
    con.unregister("checked_numbers")
    return checked.height, on_file
