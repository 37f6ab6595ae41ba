"""Looking inside an XLSX workbook before it is read: the XLSX reader sets out a grid as
large as the area its first sheet reaches, so one stray cell at XFD1048576 asks for
512 GB and aborts the process. The sheet's declared dimension and the cells it really
holds are checked first, reading at most a set number of uncompressed bytes of any part
(a zip bomb), and a sheet beyond sane limits is refused with a message."""

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from etl.errors import UnreadableFile

MAX_COLUMNS = 200  # the contract's kinds have at most 16 columns
MAX_ROWS = 2_000_000
# A sheet reaching further than this many cells must be mostly filled: a table of 1M loans
# × 16 columns is, a few cells with one stray cell far away are not.
SPARSE_CELLS = 10_000_000
FILLED_SHARE = 0.05
MAX_PART_BYTES = 2 << 30  # uncompressed bytes of any one part of the workbook
MAX_WORKBOOK_BYTES = 4 << 30  # and of all of them together
MAX_INDEX_BYTES = 16 << 20  # workbook.xml and its relations: small by nature
CHUNK = 1 << 20
# What reading a damaged zip raises: a bad header or checksum, bad compressed data, a
# member cut short, a compression or encryption zipfile cannot undo.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)

SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
RELATION = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
ATTRIBUTE = re.compile(rb"\b(Id|Target)=\"([^\"]*)\"")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Za-z]{1,8})[0-9]")
CELL_ROW = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"[A-Za-z]{1,8}([0-9]{1,12})\"")
ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"([0-9]{1,12})\"")
AREA = re.compile(r"\$?([A-Za-z]{1,8})\$?([0-9]{1,12})$")


@dataclass
class SheetExtent:
    rows: int = 0  # the last row reached
    columns: int = 0  # the last column reached
    cells: int = 0  # cells the sheet holds


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def check_workbook(path: Path, index: int = 0) -> None:
    """Raises UnreadableFile when the workbook's sheet `index` (0: the first) is beyond
    what can be read."""
    try:
        with zipfile.ZipFile(path) as workbook:
            _check_sizes(path.name, workbook)
            sheet = _sheet_member(workbook, index)
            if sheet is None:
                return  # no worksheet: the reader says what is wrong
            declared, extent = _scan_sheet(path.name, workbook, sheet)
    except ZIP_ERRORS as error:
        raise UnreadableFile(path.name, f"cannot be read as an XLSX workbook: {error}") from error
    found = f"dimension tag {declared[0]!r}" if declared else "no dimension tag"
    which = "its first sheet" if index == 0 else f"its sheet {index + 1}"
    if declared is not None:
        _check_extent(path.name, f"{which} declares the area {declared[0]}", declared[1])
    corner = f"{column_letters(extent.columns)}{extent.rows}"
    _check_extent(path.name, f"{which} reaches cell {corner} ({found})", extent)
    area = extent.rows * extent.columns
    if area > SPARSE_CELLS and extent.cells < FILLED_SHARE * area:
        raise UnreadableFile(
            path.name,
            f"{which} reaches cell {corner} ({found}): {area:,} cells, of which it "
            f"holds only {extent.cells:,}; a sheet reaching beyond {SPARSE_CELLS:,} cells must "
            f"be at least {FILLED_SHARE:.0%} filled. Delete the stray cells far from the table "
            "(or save the sheet as CSV)",
        )


def _check_extent(name: str, what: str, extent: SheetExtent) -> None:
    if extent.columns > MAX_COLUMNS:
        limit = f"{extent.columns:,} columns; at most {MAX_COLUMNS} are read"
    elif extent.rows > MAX_ROWS:
        limit = f"{extent.rows:,} rows; at most {MAX_ROWS:,} are read"
    else:
        return
    raise UnreadableFile(
        name,
        f"{what} ({limit}). Delete the stray cells far from the table (or save the sheet as CSV)",
    )


def _check_sizes(name: str, workbook: zipfile.ZipFile) -> None:
    total = 0
    for member in workbook.infolist():
        total += member.file_size
        if member.file_size > MAX_PART_BYTES:
            raise UnreadableFile(
                name,
                f"its part {member.filename} unpacks to {member.file_size:,} bytes, more than "
                f"the {MAX_PART_BYTES:,} read; save the sheet as CSV",
            )
    if total > MAX_WORKBOOK_BYTES:
        raise UnreadableFile(
            name,
            f"unpacks to {total:,} bytes, more than the {MAX_WORKBOOK_BYTES:,} read; "
            "save the sheet as CSV",
        )


def _read_small(workbook: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with workbook.open(name) as stream:
            return stream.read(MAX_INDEX_BYTES)
    except KeyError:
        return None


def _sheet_member(workbook: zipfile.ZipFile, position: int) -> str | None:
    """The zip member of the workbook's sheet at `position` (in the workbook's order), or
    None."""
    index = _read_small(workbook, "xl/workbook.xml")
    relations = _read_small(workbook, "xl/_rels/workbook.xml.rels")
    listed = SHEET.findall(index or b"")
    if position < len(listed) and relations:
        for relation in RELATION.findall(relations):
            attributes = dict(ATTRIBUTE.findall(relation))
            if attributes.get(b"Id") == listed[position] and b"Target" in attributes:
                target = attributes[b"Target"].decode("utf-8", errors="replace")
                member = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else str(PurePosixPath("xl") / target)
                )
                if member in workbook.namelist():
                    return member
    sheets = sorted(n for n in workbook.namelist() if n.startswith("xl/worksheets/sheet"))
    return sheets[position] if position < len(sheets) else None


def _scan_sheet(
    name: str, workbook: zipfile.ZipFile, sheet: str
) -> tuple[tuple[str, SheetExtent] | None, SheetExtent]:
    """The sheet's declared dimension (its text and extent), and the extent its cells
    reach, read from at most MAX_PART_BYTES uncompressed bytes."""
    declared = None
    extent = SheetExtent()
    read = 0
    carry = b""
    with workbook.open(sheet) as stream:
        while block := stream.read(CHUNK):
            read += len(block)
            if read > MAX_PART_BYTES:
                raise UnreadableFile(
                    name, f"its sheet unpacks to more than {MAX_PART_BYTES:,} bytes; save it as CSV"
                )
            data = carry + block
            cut = data.rfind(b">") + 1  # whole tags only; the rest waits for the next block
            data, carry = data[:cut], data[cut:]
            if len(carry) > CHUNK:
                carry = carry[-1024:]  # no tag is this long: text between tags
            if declared is None and (dimension := DIMENSION.search(data)):
                declared = _declared(dimension.group(1).decode("ascii", errors="replace"))
            _reach(extent, data)
    _reach(extent, carry)
    return declared, extent


def _declared(ref: str) -> tuple[str, SheetExtent] | None:
    corner = AREA.match(ref.split(":")[-1].strip())
    if not corner:
        return None
    return ref, SheetExtent(rows=int(corner.group(2)), columns=column_number(corner.group(1)))


def _reach(extent: SheetExtent, data: bytes) -> None:
    """Widens `extent` by the cells of `data`; each distinct column and row is worked out
    once (a block holds thousands of cells of a few columns)."""
    extent.cells += len(CELL.findall(data))
    columns = set(CELL_COLUMN.findall(data))
    if columns:
        extent.columns = max(extent.columns, *(column_number(c.decode()) for c in columns))
    rows = set(CELL_ROW.findall(data)) | set(ROW_REF.findall(data))
    if rows:
        extent.rows = max(extent.rows, *map(int, rows))
