"""Malformed files against the real `recovery load`, on a database holding a small book.

Whatever the file (wrong encodings, a real XLSX cut short or with bytes changed, random
bytes under a data suffix, a 1 MB cell, mixed types, headers only, empty, a name full of
shell characters), the command must answer as it promises: no Python traceback, exit 0 or
1, its JSON naming the file, and when the file is refused the database exactly as before
(every table's row count and checksum, and the file's bytes). When a file loads, the rows
loaded before it are untouched. Each example is one process (a second or more), so each
kind of damage gets two examples per run; FUZZ_EXAMPLES=N gives it N, for a longer hunt.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from demo import generate_demo
from etl.load import load_files
from recovery.database import read_only
from recovery.settings import Settings
from recovery.store import copy_store
from tests.test_load_safety import schema_tables

RECOVERY = Path(sys.executable).parent / "recovery"
EXAMPLES_PER_KIND = int(os.environ.get("FUZZ_EXAMPLES", "2"))
ONE_MEGABYTE = 1 << 20
SHELL_CHARACTERS = "$`;|&<>*?!#~'\"\\(){}[] \t\n"
ENCODINGS = ["utf-16", "utf-16-be", "utf-32", "cp500", "shift_jis", "big5", "latin-1", "koi8-r"]
KINDS_HEADERS = {
    "payments": ["loan_id", "paid_at", "amount"],
    "loans": ["as_of_date", "loan_id", "customer_id", "principal", "outstanding_balance",
              "days_past_due"],
    "actions": ["loan_id", "action_at", "method", "team", "outcome"],
}  # fmt: skip
CHINESE_HEADERS = {"payments": ["借据号", "还款日期", "还款金额"]}
# Values a cell of a lender's export may hold by mistake. No snapshot date of the book
# (2026-09-30, 2026-10-31) and no id of it: a row that does load adds, never replaces.
ODD_VALUES = [
    "", " ", "0", "-0", "1e400", "NaN", "inf", "-1", "99999999999", "3.5", "1,234.56元",
    "12.345", "=1+1", "+86 138", "@SUM(A1)", "TRUE", "null", "NULL", "N/A", "[/]", "[red]x",
    "2025-02-30", "2025/01/31", "2025年1月31日", "45678", "25:61:00", "0000-00-00",
    "'; drop table loan_snapshots; --", "\"quoted\"", "line\nbreak", "tab\there", "\x00",
    "\u202etxt.exe", "张三", "FZ-1", "万元", "😀",
]  # fmt: skip


# --- the book -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database holding a small demo book, and a real XLSX export of new payments."""
    folder = tmp_path_factory.mktemp("fuzz-book")
    files = generate_demo(folder / "files", loans=60, months=2, end_month="2026-10")
    settings = Settings(db=folder / "recovery.duckdb")
    assert {o.status for o in load_files(files, settings)} == {"loaded"}
    return settings.db, write_payments_xlsx(folder / "payments_new.xlsx")


def write_payments_xlsx(path: Path) -> Path:
    """Payments as an Excel export holds them: Chinese headers, Excel dates, numeric
    amounts. Their ids are new to the book, so a damaged copy that still loads only adds."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("还款记录")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, ["流水号", "借据号", "还款日期", "还款金额", "还款渠道"])
    for row in range(1, 41):
        sheet.write_string(row, 0, f"FZ-P{row:03d}")
        sheet.write_string(row, 1, f"FZ-L{row % 7}")
        sheet.write_datetime(row, 2, datetime(2025, 1, 1) + timedelta(days=row), day)
        sheet.write_number(row, 3, 100 + row * 12.5, money)
        sheet.write_string(row, 4, ["银行转账", "支付宝", "微信"][row % 3])
    workbook.close()
    return path


def fingerprint(db: Path, *, loaded_by: int | None = None) -> dict[str, tuple[int, int]]:
    """Row count and an order-free checksum of every table of etl/schema.sql; with
    `loaded_by`, only the rows of loads up to that load_id (in tables that have one)."""
    prints = {}
    with read_only(db) as con:
        for table in schema_tables():
            columns = [c[0] for c in con.sql(f"describe {table}").fetchall()]
            where = ""
            if loaded_by is not None and "load_id" in columns:
                where = f"where load_id <= {int(loaded_by)}"
            count, checksum = con.sql(
                f"select count(*), coalesce(sum(hash({table})), 0) from {table} {where}"
            ).fetchall()[0]
            prints[table] = (count, int(checksum))
    return prints


def last_load_id(db: Path) -> int:
    with read_only(db) as con:
        return con.sql("select max(load_id) from load_ledger").fetchall()[0][0]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- malformed files: each strategy gives (file name, bytes) ------------------------------


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    def cell(value: str) -> str:
        if any(c in value for c in ',"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value

    text = "\n".join(",".join(cell(v) for v in row) for row in [header, *rows]) + "\n"
    return text.encode(encoding, errors="replace")


@st.composite
def wrong_encoding(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["payments", "loans"]))
    header = (
        draw(st.sampled_from([KINDS_HEADERS[kind], CHINESE_HEADERS.get(kind, [])]))
        or (KINDS_HEADERS[kind])
    )
    rows = draw(
        st.lists(st.lists(st.sampled_from(ODD_VALUES), min_size=len(header), max_size=len(header)),
                 max_size=5)
    )  # fmt: skip
    encoding = draw(st.sampled_from(ENCODINGS))
    return f"{kind}_{encoding}.csv", csv_bytes(header, rows, encoding)


@st.composite
def cut_xlsx(draw: st.DrawFn, real: bytes) -> tuple[str, bytes]:
    at = draw(st.integers(0, len(real) - 1))
    return "payments_cut.xlsx", real[:at]


@st.composite
def damaged_xlsx(draw: st.DrawFn, real: bytes) -> tuple[str, bytes]:
    damaged = bytearray(real)
    changes = draw(
        st.lists(st.tuples(st.integers(0, len(real) - 1), st.integers(0, 255)), min_size=1,
                 max_size=30)
    )  # fmt: skip
    for position, value in changes:
        damaged[position] = value
    return "payments_damaged.xlsx", bytes(damaged)


@st.composite
def random_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".csv", ".xlsx", ".parquet", ".txt", ".xlsm"]))
    head = draw(st.sampled_from([b"", b"PK\x03\x04", b"PAR1", b"\xef\xbb\xbf", b"loan_id,"]))
    return f"payments_random{suffix}", head + draw(st.binary(max_size=4096))


@st.composite
def huge_field(draw: st.DrawFn) -> tuple[str, bytes]:
    where = draw(st.sampled_from(["value", "header", "unquoted line"]))
    huge = draw(st.sampled_from(["L", "张", "9", '"'])) * ONE_MEGABYTE
    header = list(KINDS_HEADERS["payments"])
    row = ["FZ-1", "2025-01-15", "100.00"]
    if where == "header":
        header.append(huge)
        row.append("x")
    elif where == "value":
        row[draw(st.integers(0, 2))] = huge
    else:
        return "payments_huge.csv", ",".join(header).encode() + b"\n" + huge.encode() + b"\n"
    return "payments_huge.csv", csv_bytes(header, [row])


@st.composite
def mixed_types(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["payments", "loans"]))
    header = KINDS_HEADERS[kind] + draw(st.lists(st.sampled_from(ODD_VALUES), max_size=2))
    cells = st.one_of(
        st.sampled_from(ODD_VALUES),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=20),
    )
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header) + 2),
                         min_size=1, max_size=20))  # fmt: skip
    return f"{kind}_mixed.csv", csv_bytes(header, rows)


@st.composite
def header_only(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(list(KINDS_HEADERS)))
    header = draw(st.permutations(KINDS_HEADERS[kind]))
    line_end = draw(st.sampled_from(["\n", "\r\n", ""]))
    return f"{kind}_header_only.csv", (",".join(header) + line_end).encode()


@st.composite
def empty_file(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".csv", ".xlsx", ".parquet", ".tsv"]))
    content = draw(st.sampled_from([b"", b"\n", b"\xef\xbb\xbf", b"\r\n\r\n", b" "]))
    return f"loans_empty{suffix}", content


@st.composite
def shell_named(draw: st.DrawFn) -> tuple[str, bytes]:
    middle = draw(st.text(alphabet=SHELL_CHARACTERS + "ab张", min_size=1, max_size=12))
    trick = draw(st.sampled_from(["", "$(touch PWNED)", "`touch PWNED`", ";touch PWNED;", "-rf"]))
    content = csv_bytes(KINDS_HEADERS["payments"], [["FZ-9", "2025-01-15", "12.00"]])
    return f"payments{trick}{middle}.csv", content


STRATEGIES = {
    "wrong encoding": lambda real: wrong_encoding(),
    "cut xlsx": cut_xlsx,
    "damaged xlsx": damaged_xlsx,
    "random bytes": lambda real: random_bytes(),
    "1 MB field": lambda real: huge_field(),
    "mixed types": lambda real: mixed_types(),
    "header only": lambda real: header_only(),
    "empty file": lambda real: empty_file(),
    "shell characters in the name": lambda real: shell_named(),
}


# --- running the command ------------------------------------------------------------------


def run_load(
    db: Path, workdir: Path, target: Path, *, as_json: bool = True
) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not name.startswith("RECOVERY_")}
    env["RECOVERY_DB"] = str(db)
    return subprocess.run(
        [str(RECOVERY), "load", str(target), *(["--json"] if as_json else [])],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=180,
    )


def check_load_answers_as_promised(book: tuple[Path, Path], name: str, content: bytes) -> dict:
    """Loads one file into a copy of the book; returns its outcome from `--json`."""
    template, _ = book
    workdir = Path(tempfile.mkdtemp(prefix="fuzz-", dir=template.parent))
    try:
        db = copy_store(template, workdir)
        (workdir / "in").mkdir()
        path = workdir / "in" / name
        path.write_bytes(content)
        # Reached through a `..`, as a careless script might name it.
        target = workdir / "in" / ".." / "in" / name
        before, digest, last_before = fingerprint(db), sha256_of(db), last_load_id(db)

        result = run_load(db, workdir, target)
        output = result.stdout + result.stderr

        assert "Traceback" not in output, output[-3000:]
        assert result.returncode in (0, 1), output[-3000:]
        [outcome] = json.loads(result.stdout)["files"]
        assert outcome["file"] == name
        if result.returncode == 1:
            assert outcome["status"] == "refused"
            assert outcome["error"].startswith(f"{name}: ")
            assert fingerprint(db) == before
            assert sha256_of(db) == digest
        else:
            assert outcome["status"] in ("loaded", "unchanged"), outcome
            assert fingerprint(db, loaded_by=last_before) == before
        assert sorted(p.name for p in workdir.iterdir()) == [
            "in", "recovery.duckdb", "recovery.duckdb.lock", "recovery.duckdb.parts",
            "recovery.duckdb.work",
        ]  # fmt: skip
        assert [p.name for p in (workdir / "in").iterdir()] == [name]
        return outcome
    finally:
        shutil.rmtree(workdir)


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(STRATEGIES))
def test_a_malformed_file_is_refused_or_loaded_never_a_crash(
    book: tuple[Path, Path], damage: str
) -> None:
    real_xlsx = book[1].read_bytes()

    @settings(
        max_examples=EXAMPLES_PER_KIND,
        deadline=None,
        # No shrinking: each try is a process; the failing example is printed whole.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        name, content = data.draw(STRATEGIES[damage](real_xlsx))
        check_load_answers_as_promised(book, name, content)

    check()


# --- what the fuzzing found ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        # A header that reads as console markup broke the refusal message itself.
        ("payments_markup.csv", b"a,[/],b\n1,2,3\n", ("refused", 0, 0)),
        (
            "payments_[bold]x.csv",
            b"loan_id,paid_at,amount\nFZ-2,2025-01-15,[/]\n",
            ("loaded", 0, 1),
        ),
        # A whole number too large for the table's INTEGER stopped the whole load.
        (
            "loans_huge_days.csv",
            b"as_of_date,loan_id,customer_id,principal,outstanding_balance,days_past_due\n"
            b"2025-01-31,FZ-3,C1,100,50,99999999999\n2025-01-31,FZ-4,C1,100,50,3\n",
            ("loaded", 1, 1),
        ),
    ],
)
def test_found_by_fuzzing(
    book: tuple[Path, Path], name: str, content: bytes, expected: tuple[str, int, int]
) -> None:
    outcome = check_load_answers_as_promised(book, name, content)
    assert (outcome["status"], outcome["rows_loaded"], outcome["rows_rejected"]) == expected


def test_a_refusal_shows_markup_in_the_file_as_written(
    book: tuple[Path, Path], tmp_path: Path
) -> None:
    db = copy_store(book[0], tmp_path)
    (tmp_path / "payments_markup.csv").write_bytes(b"a,[/],b,[red]c\n1,2,3,4\n")
    result = run_load(db, tmp_path, tmp_path / "payments_markup.csv", as_json=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "refused payments_markup.csv: required column 'loan_id' is missing" in result.stderr
    assert "found: a, [/], b, [red]c)" in result.stderr
