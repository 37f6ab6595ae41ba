"""XLSX workbooks whose first sheet reaches too far, or unpacks to too much, against the
real `recovery load`: each is refused with a message naming the file, what its sheet
reaches or declares and the limit, and the process never dies (a stray cell at
XFD1048576 once made the XLSX reader ask for 512 GB and abort with exit 134).

The workbooks are made here, byte by byte: a zip of the five parts an XLSX reader needs,
cells as inline strings.
"""

import json
import struct
import zipfile
from pathlib import Path

import pytest

from recovery.database import query
from tests.test_load_safety import run_load

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
TEAMS = [("A1", "team"), ("B1", "team_type"), ("A2", "T1"), ("B2", "phone")]
SHEET = "xl/worksheets/sheet1.xml"


def write_workbook(path: Path, cells: list[tuple[str, str]], dimension: str | None) -> Path:
    """A workbook of one sheet holding `cells` (reference, text), with a <dimension> tag
    when `dimension` is given."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        row = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    data = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    tag = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN}">{tag}'
        f"<sheetData>{data}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELATIONS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        book.writestr(SHEET, sheet)
    return path


def declare_sheet_size(path: Path, size: int) -> Path:
    """Rewrites the uncompressed size the zip's central directory gives the sheet."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == SHEET.encode():
            struct.pack_into("<I", data, entry + 24, size)
            path.write_bytes(bytes(data))
            return path
        entry = data.index(b"PK\x01\x02", entry + 4)


def refusal(db: Path, workbook: Path) -> str:
    result = run_load(db, workbook)
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    [outcome] = json.loads(result.stdout)["files"]
    assert outcome["status"] == "refused"
    return outcome["error"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "recovery.duckdb"


def test_a_plain_workbook_made_so_loads(db: Path, tmp_path: Path) -> None:
    [outcome] = json.loads(
        run_load(db, write_workbook(tmp_path / "teams.xlsx", TEAMS, "A1:B2")).stdout
    )["files"]
    assert (outcome["status"], outcome["rows_loaded"]) == ("loaded", 1)
    assert query(db, "select team, team_type from teams").rows() == [("T1", "phone")]


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", None, "A1:B2"])
def test_a_cell_at_the_last_column_and_row_is_refused(
    db: Path, tmp_path: Path, dimension: str | None
) -> None:
    """Declared by the dimension tag, not declared at all, or hidden behind a tag that
    says A1:B2: the stray cell is found."""
    workbook = write_workbook(tmp_path / "teams.xlsx", [*TEAMS, ("XFD1048576", "x")], dimension)
    assert workbook.stat().st_size < 6_000
    error = refusal(db, workbook)
    if dimension == "A1:XFD1048576":
        assert error == (
            "teams.xlsx: its first sheet declares the area A1:XFD1048576 (16,384 columns; at "
            "most 200 are read). Delete the stray cells far from the table (or save the sheet "
            "as CSV)"
        )
    else:
        found = "no dimension tag" if dimension is None else "dimension tag 'A1:B2'"
        assert error == (
            f"teams.xlsx: its first sheet reaches cell XFD1048576 ({found}) (16,384 columns; "
            "at most 200 are read). Delete the stray cells far from the table (or save the "
            "sheet as CSV)"
        )


def test_a_cell_far_down_a_nearly_empty_sheet_is_refused(db: Path, tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "teams.xlsx", [*TEAMS, ("CV200000", "x")], "A1:CV200000")
    error = refusal(db, workbook)
    # CV is column 100: 200,000 rows × 100 columns, 5 cells held.
    assert error.startswith(
        "teams.xlsx: its first sheet reaches cell CV200000 (dimension tag 'A1:CV200000'): "
        "20,000,000 cells, of which it holds only 5; a sheet reaching beyond 10,000,000 cells "
        "must be at least 5% filled."
    ), error


def test_a_row_beyond_two_million_is_refused(db: Path, tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "teams.xlsx", [*TEAMS, ("A3000000", "x")], None)
    assert "(3,000,000 rows; at most 2,000,000 are read)" in refusal(db, workbook)


def test_a_sheet_that_says_it_unpacks_to_3_gb_is_refused(db: Path, tmp_path: Path) -> None:
    workbook = declare_sheet_size(write_workbook(tmp_path / "teams.xlsx", TEAMS, "A1:B2"), 3 << 30)
    assert refusal(db, workbook) == (
        f"teams.xlsx: its part {SHEET} unpacks to 3,221,225,472 bytes, more than the "
        "2,147,483,648 read; save the sheet as CSV"
    )


def test_a_sheet_that_unpacks_to_more_than_it_says_is_refused(db: Path, tmp_path: Path) -> None:
    workbook = declare_sheet_size(write_workbook(tmp_path / "teams.xlsx", TEAMS, "A1:B2"), 100)
    assert refusal(db, workbook).startswith("teams.xlsx: cannot be read as an XLSX workbook:")


def test_refused_workbooks_leave_the_database_as_it_was(db: Path, tmp_path: Path) -> None:
    run_load(db, write_workbook(tmp_path / "teams.xlsx", TEAMS, "A1:B2"))
    before = db.read_bytes()
    far = write_workbook(tmp_path / "teams_2.xlsx", [("A1", "team"), ("XFD9", "x")], None)
    refusal(db, far)
    assert db.read_bytes() == before
