"""Reading a file, whatever its format and encoding, into a DuckDB table of text.

Every reader leaves the same thing behind: a table `raw` holding the file's columns as
VARCHAR under their own headers, plus `source_line`, the line a person finds the row on
(for CSV the record's line, a quoted multi-line field counting as one). Rows too broken to
split into columns come back as structural rejects instead of refusing the file.
"""

import codecs
import csv
import dataclasses
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb
import fastexcel
import polars as pl

from etl.encodings import refuse_foreign_text
from etl.errors import AmbiguousHeader, UnreadableFile
from etl.workbooks import check_workbook

CHUNK = 1 << 20
SAMPLE = 4 << 20  # bytes looked at to tell UTF-8 from GBK
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
SUFFIXES = TEXT_SUFFIXES | {".xlsx", ".xlsm", ".parquet"}


CUT_REASON = "the file ends inside this line"
CUT_CODE = "file_ends_mid_line"
FIELD_COUNT_CODE = "field_count"
NOT_UTF8_CODE = "not_utf8"
DETAIL_SEPARATOR = "\x1f"  # between the values of a reason's detail
HEADER_SEARCH_ROWS = 20  # the header is looked for in this many rows at the top
CUT_ERRORS = ("unexpected end of data", "incomplete multibyte sequence")
TAIL = 1 << 16  # bytes read from the end at first to find where the last record starts


@dataclass(frozen=True)
class StructuralReject:
    line: int
    text: str
    reason: str
    code: str = "malformed_row"  # the reason's key in the translation catalogue
    detail: str | None = None  # the values the translated reason is filled with


@dataclass(frozen=True)
class CutRecord:
    """The last record of a file that ends inside it: where it starts, and its text."""

    offset: int
    text: str


@dataclass(frozen=True)
class ReadResult:
    headers: list[str]
    encoding: str | None
    structural_rejects: list[StructuralReject]
    line_sql: str = "raw.source_line"  # how a row of `raw` tells its line
    rows_above_header: int = 0  # title, blank and note rows skipped above the header
    sheet: str | None = None  # the workbook's sheet read


# Whether a row of cells is the header: it names every required column of the file's kind.
IsHeader = Callable[[list[str]], bool]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while block := stream.read(CHUNK):
                digest.update(block)
    except OSError as error:
        raise UnreadableFile(path.name, f"cannot be read: {error.strerror}") from error
    return digest.hexdigest()


def detect_encoding(path: Path) -> str:
    """UTF-8 with BOM; else UTF-8 when the file's first megabytes read as UTF-8 but for a
    few broken bytes (DuckDB rejects the rows that hold them); else GB18030, a superset
    of GBK, in which nearly every non-ASCII character is broken UTF-8."""
    with path.open("rb") as stream:
        head = stream.read(SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    text = head.decode("utf-8", errors="replace")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    broken = text.count("\ufffd")
    return "utf-8" if broken <= 1 or broken < non_ascii / 2 else "gb18030"


def _starts_plain_ascii(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(SAMPLE).isascii()


def _has_invalid_utf8(result: ReadResult) -> bool:
    return any(r.code == NOT_UTF8_CODE for r in result.structural_rejects)


def _decodes_whole(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as stream:
            while block := stream.read(CHUNK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcode_to_utf8(path: Path, encoding: str, target: Path, name: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
            while block := source.read(CHUNK):
                sink.write(decoder.decode(block))
            sink.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            name, "is not text in UTF-8 or GBK/GB18030; save it as UTF-8 CSV"
        ) from error


def read_into_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    is_header: IsHeader = lambda row: True,
    sheet: str | None = None,
) -> ReadResult:
    """The file into `raw`. Its header is the first row within the first
    HEADER_SEARCH_ROWS that `is_header` accepts (else the first row); in a workbook, on the
    first sheet holding one (or on `sheet`)."""
    suffix = path.suffix.lower()
    con.execute("drop table if exists raw")
    try:
        if suffix in TEXT_SUFFIXES:
            return _read_csv(con, path, is_header)
        if suffix in {".xlsx", ".xlsm"}:
            return _read_xlsx(con, path, is_header, sheet)
        if suffix == ".parquet":
            return _read_parquet(con, path)
    except (duckdb.Error, fastexcel.FastExcelError, OSError, pl.exceptions.PolarsError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise UnreadableFile(path.name, f"cannot be read: {first_line}") from error
    raise UnreadableFile(
        path.name, f"has an unknown format '{suffix}'; use one of {', '.join(sorted(SUFFIXES))}"
    )


def _header_index(rows: list[list[str]], is_header: IsHeader) -> int:
    """The first of `rows` that is the header, else 0 (the first row)."""
    return next((i for i, row in enumerate(rows) if is_header(row)), 0)


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, is_header: IsHeader) -> ReadResult:
    encoding = detect_encoding(path)
    starts, rows = _first_records(path, encoding)
    found = _header_index(rows, is_header)
    skip = starts[found] if rows else 0
    repeated = _first_repeated(rows[found]) if rows else None
    if repeated is not None:
        raise AmbiguousHeader(
            path.name, f"header {repeated!r} is given twice; keep one or rename the other"
        )
    with tempfile.TemporaryDirectory(prefix="recovery-") as folder:
        cut = cut_last_record(path, encoding)
        source = path
        if cut is not None:
            # DuckDB's dialect sniffer takes a quote left open for no quoting at all: it
            # reads the file's whole records only.
            source = Path(folder) / "whole_records.csv"
            _copy_head(path, cut.offset, source)
        result = _read_text(con, source, encoding, path.name, Path(folder), skip)
    ends_mid_line = not _ends_with_line_break(path)
    result = _with_cut_last_line(con, result, cut, ends_mid_line=ends_mid_line, skip=skip)
    return dataclasses.replace(result, rows_above_header=found)


def _first_records(path: Path, encoding: str) -> tuple[list[int], list[list[str]]]:
    """The first HEADER_SEARCH_ROWS records of a text file, and the line each starts
    after (how many lines come before it)."""
    starts: list[int] = []
    rows: list[list[str]] = []
    try:
        with path.open(encoding=encoding, errors="replace", newline="") as text:
            reader = csv.reader(text)
            before = 0
            for row in reader:
                starts.append(before)
                rows.append(row)
                before = reader.line_num
                if len(rows) == HEADER_SEARCH_ROWS:
                    break
    except csv.Error:
        pass  # a record csv cannot split: DuckDB's reader says what is wrong with it
    return starts, rows


def _read_text(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    encoding: str,
    name: str,
    folder: Path,
    skip: int,
) -> ReadResult:
    if encoding != "gb18030":
        result = _read_utf8_csv(con, source, encoding, skip)
        if not (_starts_plain_ascii(source) and _has_invalid_utf8(result)):
            return result
        if not _decodes_whole(source, "gb18030"):
            return result  # UTF-8 with broken rows: those rows stay rejected
        # A GBK file whose first megabytes happened to be plain ASCII.
        encoding = "gb18030"
    refuse_foreign_text(source, name)
    utf8_copy = folder / "utf8.csv"
    _transcode_to_utf8(source, encoding, utf8_copy, name)
    return _read_utf8_csv(con, utf8_copy, encoding, skip)


def _ends_with_line_break(path: Path) -> bool:
    size = path.stat().st_size
    if size == 0:
        return True
    with path.open("rb") as stream:
        stream.seek(size - 1)
        return stream.read(1) in (b"\n", b"\r")


def cut_last_record(path: Path, encoding: str) -> CutRecord | None:
    """The last record when the bytes show the file ends inside it: no line break at the
    end, and a quote left open (the file holds an odd number of quote characters) or the
    last character cut inside its bytes. A last line that is whole but for its line break
    is no cut (many exports end so); one with fewer fields than the header is found by
    the reader (`_with_cut_last_line`)."""
    if _ends_with_line_break(path):
        return None
    with path.open("rb") as stream:
        quotes = 0
        while block := stream.read(CHUNK):
            quotes += block.count(b'"')
        size = stream.tell()
        start = _last_record_start(stream, size, open_quote=quotes % 2 == 1)
        stream.seek(start)
        tail = stream.read(size - start)
    if quotes % 2 == 0 and not _ends_inside_a_character(tail, encoding):
        return None
    return CutRecord(start, tail[:4000].decode(encoding, errors="replace"))


def _last_record_start(stream: BinaryIO, size: int, *, open_quote: bool) -> int:
    """Where the last record starts: after the last line break outside quotes. Counted
    back from the end (or from the quote left open), a line break with an even number
    of quotes after it is outside quotes, as the quotes before that point pair up."""
    length = TAIL
    while True:
        begin = max(size - length, 0)
        stream.seek(begin)
        data = stream.read(size - begin)
        end = data.rfind(b'"') if open_quote else len(data)
        if end >= 0:
            newline = end
            while (newline := data.rfind(b"\n", 0, newline)) >= 0:
                if data.count(b'"', newline, end) % 2 == 0:
                    return begin + newline + 1
        if begin == 0:
            return 0
        length *= 4


def _ends_inside_a_character(tail: bytes, encoding: str) -> bool:
    try:
        tail.decode(encoding)
    except UnicodeDecodeError as error:
        return error.end == len(tail) and error.reason in CUT_ERRORS
    return False


def _copy_head(path: Path, length: int, target: Path) -> None:
    with path.open("rb") as source, target.open("wb") as sink:
        while length > 0 and (block := source.read(min(CHUNK, length))):
            sink.write(block)
            length -= len(block)


def _with_cut_last_line(
    con: duckdb.DuckDBPyConnection,
    result: ReadResult,
    cut: CutRecord | None,
    *,
    ends_mid_line: bool,
    skip: int,
) -> ReadResult:
    """The last record rejected as cut: the one left out of the reading (`cut`), or, in a
    file with no line break at its end, the last record when the reader rejected it (too
    few fields). `skip`: the lines above the header."""
    if not ends_mid_line:
        return result
    rejected_lines = len({r.line for r in result.structural_rejects})
    last_line = skip + 1 + _count_rows(con, "raw") + rejected_lines
    rejects = result.structural_rejects
    if cut is not None:
        rejects = [*rejects, StructuralReject(last_line + 1, cut.text, CUT_REASON, CUT_CODE)]
    elif short := [r for r in rejects if r.line == last_line and _is_short(r)]:
        rejects = [r for r in rejects if r.line != last_line]
        rejects.append(StructuralReject(last_line, short[0].text, CUT_REASON, CUT_CODE))
    else:
        return result
    return dataclasses.replace(result, structural_rejects=rejects)


def _is_short(reject: StructuralReject) -> bool:
    if reject.code != FIELD_COUNT_CODE or reject.detail is None:
        return False
    found, _, expected = reject.detail.partition(DETAIL_SEPARATOR)
    return int(found) < int(expected)


def _count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.sql(f"select count(*) from {table}").fetchall()[0][0]


def _first_repeated(headers: list[str | None]) -> str | None:
    seen: set[str] = set()
    for header in headers:
        name = (header or "").strip().lstrip("\ufeff")
        if name and name in seen:
            return name
        seen.add(name)
    return None


def _read_utf8_csv(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str, skip: int
) -> ReadResult:
    con.execute("drop table if exists raw; drop table if exists csv_errors")
    con.execute("drop table if exists csv_scans")
    con.execute(
        """
        create temp table raw as
        select * from read_csv(
            $path, all_varchar = true, header = true, skip = $skip, store_rejects = true,
            rejects_table = 'csv_errors', rejects_scan = 'csv_scans', max_line_size = 10000000
        )
        """,
        {"path": str(path), "skip": skip},
    )
    # DuckDB gives a line with the wrong number of fields one error per field missing or
    # extra: one reject each, with the fields it has (the first missing, the last extra).
    con.execute(
        """
        create or replace temp table csv_line_errors as
        select line, arg_min(csv_line, column_idx) as csv_line,
            arg_min(error_type, column_idx) as error_type,
            arg_min(error_message, column_idx) as error_message,
            case when arg_min(error_type, column_idx) = 'TOO MANY COLUMNS'
                then max(column_idx) else min(column_idx) end as fields
        from csv_errors
        group by line
        """
    )
    errors = con.sql(
        "select line, csv_line, error_type, error_message, fields "
        "from csv_line_errors order by line"
    ).fetchall()
    headers = list(con.table("raw").columns)
    line_sql = f"raw.rowid + 2 + {skip}"
    if errors:
        # rowid counts the rows DuckDB kept; add back the broken lines before each row.
        con.execute(
            """
            create or replace temp table csv_breaks as
            select line - 2 - $skip - (row_number() over (order by line) - 1) as kept_before
            from csv_line_errors
            """,
            {"skip": skip},
        )
        line_sql += " + (select count(*) from csv_breaks b where b.kept_before <= raw.rowid)"
    con.execute("drop table csv_errors; drop table csv_scans; drop table csv_line_errors")
    rejects = [
        _structural_reject(line, text or "", kind, message, fields, len(headers))
        for line, text, kind, message, fields in errors
    ]
    return ReadResult(headers, encoding, rejects, line_sql)


def _structural_reject(
    line: int, text: str, kind: str, message: str, fields: int, expected: int
) -> StructuralReject:
    """A line the reader could not split, with a reason a clerk reads (not the engine's)."""
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return StructuralReject(
            line,
            text,
            f"has {fields} fields where the header has {expected}",
            FIELD_COUNT_CODE,
            f"{fields}{DETAIL_SEPARATOR}{expected}",
        )
    first_line = message.splitlines()[0]
    if first_line.startswith("Invalid unicode"):
        return StructuralReject(
            line, text, "holds bytes that are no UTF-8 text (save the file as UTF-8 or GBK)",
            NOT_UTF8_CODE,
        )  # fmt: skip
    return StructuralReject(
        line, text, f"cannot be split into fields: {first_line}", detail=first_line
    )


def _read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, is_header: IsHeader, sheet: str | None
) -> ReadResult:
    reader = fastexcel.read_excel(path)
    index, found = _choose_sheet(path, reader, is_header, sheet)
    check_workbook(path, index)
    name = reader.sheet_names[index]
    # fastexcel renames a header given twice (`amount`, `amount_1`): refuse it as for CSV.
    header_row = _top_rows(reader, index, found + 1)[found:]
    repeated = _first_repeated(header_row[0]) if header_row else None
    if repeated is not None:
        raise AmbiguousHeader(
            path.name, f"header {repeated!r} is given twice; keep one or rename the other"
        )
    loaded = reader.load_sheet(index, header_row=found, dtypes="string")
    frame = pl.from_arrow(loaded.to_arrow())
    frame = frame.with_row_index("source_line", offset=found + 2).with_columns(
        pl.col("source_line").cast(pl.Int64)
    )
    con.register("xlsx_frame", frame)
    con.execute("create temp table raw as select * from xlsx_frame")
    con.unregister("xlsx_frame")
    headers = [c for c in frame.columns if c != "source_line"]
    return ReadResult(headers, None, [], rows_above_header=found, sheet=name)


def _choose_sheet(
    path: Path, reader: fastexcel.ExcelReader, is_header: IsHeader, sheet: str | None
) -> tuple[int, int]:
    """The sheet read (the one named, else the first whose top rows hold the header,
    else the first) and its header's row."""
    names = list(reader.sheet_names)
    if sheet is not None:
        if sheet not in names:
            raise UnreadableFile(
                path.name, f"has no sheet {sheet!r} (its sheets: {', '.join(names)})"
            )
        chosen = [names.index(sheet)]
    else:
        chosen = list(range(len(names)))
    for index in chosen:
        check_workbook(path, index)
        rows = _top_rows(reader, index, HEADER_SEARCH_ROWS)
        found = next((i for i, row in enumerate(rows) if is_header(row)), None)
        if found is not None:
            return index, found
    return chosen[0], 0


def _top_rows(reader: fastexcel.ExcelReader, index: int, count: int) -> list[list[str]]:
    top = reader.load_sheet(index, header_row=None, n_rows=count, dtypes="string").to_arrow()
    return [[cell or "" for cell in row.values()] for row in top.to_pylist()]


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    columns = con.sql("select * from read_parquet($path)", params={"path": str(path)}).columns
    as_text = ", ".join(
        f"cast({quote_identifier(c)} as varchar) as {quote_identifier(c)}" for c in columns
    )
    con.execute(
        f"""
        create temp table raw as
        select {as_text}, file_row_number + 1 as source_line
        from read_parquet($path, file_row_number = true)
        """,
        {"path": str(path)},
    )
    return ReadResult(list(columns), None, [])


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
