"""Files as core-banking and collection systems export them, through the real `recovery
load`: a title (merged in a workbook) and blank and note rows above the header, a cover
sheet before the data, totals and subtotal rows, units in the headers, a line with too
few or too many fields. The header is found, the rest skipped and counted, and the same
book loads to the same tables and figures as its plain CSV."""

import csv
import json
import subprocess
from pathlib import Path

import pytest
import xlsxwriter

from recovery.database import query
from tests.test_load_safety import RECOVERY, loader_env, run_load

LOAN_HEADER = ["数据日期", "借据号", "客户号", "客户姓名", "产品", "放款金额", "贷款余额（元）",
               "逾期金额(元)", "逾期天数"]  # fmt: skip
LOANS = [
    ["2026-10-31", "L1", "C1", "张三", "消费贷", "10000.00", "8000.50", "0.00", "0"],
    ["2026-10-31", "L2", "C2", "李四", "消费贷", "5000.00", "4999.99", "1200.00", "45"],
    ["2026-10-31", "L3", "C3", "王五", "经营贷", "200000.00", "150000.00", "9000.00", "95"],
]
TOTALS = ["", "合计", "", "", "", "215000.00", "163000.49", "10200.00", ""]
SUBTOTAL = ["", "", "", "小计：", "", "15000.00", "13000.49", "1200.00", ""]
PAYMENT_HEADER = ["流水号", "借据号", "还款日期", "还款金额"]
PAYMENTS = [["P1", "L2", "2026-10-20", "300.00"], ["P2", "L3", "2026-10-25", "1000.00"]]
TITLE = "某某银行个人贷款台账（数据日期：2026年10月31日）"


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as out:
        csv.writer(out).writerows(rows)
    return path


def lender_workbook(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A cover note first; on the data sheet a merged title, a blank row, the header, the
    rows with a subtotal among them and a totals row at the end."""
    book = xlsxwriter.Workbook(path)
    cover = book.add_worksheet("说明")
    cover.write(0, 0, "本文件由核心系统导出，仅供内部使用。")
    cover.write(1, 0, "数据口径：截至数据日期的全部在贷借据。")
    data = book.add_worksheet("贷款台账")
    data.merge_range(0, 0, 0, len(header) - 1, TITLE)
    for r, row in enumerate([header, *rows], start=2):
        for c, value in enumerate(row):
            if value != "":
                data.write_string(r, c, value)
    book.close()
    return path


def load_json(db: Path, *files: Path, extra: tuple[str, ...] = ()) -> dict:
    result = subprocess.run(
        [str(RECOVERY), "load", *map(str, files), "--json", *extra],
        env=loader_env(db), cwd=db.parent, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return {f["file"]: f for f in json.loads(result.stdout)["files"]}


def book_tables(db: Path) -> dict[str, list[tuple]]:
    return {
        "loans": query(
            db,
            "select as_of_date, loan_id, customer_id, product, principal, "
            "outstanding_balance, overdue_amount, days_past_due from loan_snapshots "
            "order by loan_id",
        ).rows(),  # fmt: skip
        "payments": query(
            db, "select payment_id, loan_id, paid_at, amount from payments order by payment_id"
        ).rows(),  # fmt: skip
    }


def kpis(db: Path) -> dict:
    result = subprocess.run(
        [str(RECOVERY), "kpis", "--period", "2026-10", "--json"],
        env=loader_env(db), cwd=db.parent, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain")
    db = folder / "recovery.duckdb"
    load_json(
        db,
        write_csv(folder / "loans_2026-10.csv", [LOAN_HEADER, *LOANS]),
        write_csv(folder / "payments_2026-10.csv", [PAYMENT_HEADER, *PAYMENTS]),
    )
    return db


def test_lender_workbooks_load_as_the_plain_csv(plain: Path, tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    rows = [LOANS[0], LOANS[1], SUBTOTAL, LOANS[2], TOTALS]
    loans = lender_workbook(tmp_path / "贷款台账_2026-10.xlsx", LOAN_HEADER, rows)
    payments = lender_workbook(
        tmp_path / "还款流水_2026-10.xlsx",
        PAYMENT_HEADER,
        [*PAYMENTS, ["", "", "总计", "1300.00"]],
    )
    summary = load_json(db, loans, payments)
    loaded = summary[loans.name]
    assert (loaded["status"], loaded["rows_loaded"], loaded["rows_rejected"]) == ("loaded", 3, 0)
    assert (loaded["sheet"], loaded["rows_above_header"], loaded["totals_rows"]) == (
        "贷款台账",
        2,
        2,
    )
    assert summary[payments.name]["totals_rows"] == 1
    assert query(db, "select count(*) as n from rejected_rows")["n"].item() == 0
    assert book_tables(db) == book_tables(plain)
    mine, theirs = kpis(db), kpis(plain)
    assert mine == theirs
    assert mine["outstanding"] == "163000.49" and mine["repaid"] == "1300.00"


def test_a_csv_with_title_and_note_lines_above_its_header(plain: Path, tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    lines = [[TITLE], [], ["单位：元", "", "导出人：张三"], LOAN_HEADER, *LOANS, TOTALS]
    loans = write_csv(tmp_path / "loans_2026-10.csv", lines, encoding="gbk")
    payments = write_csv(tmp_path / "payments_2026-10.csv", [PAYMENT_HEADER, *PAYMENTS])
    summary = load_json(db, loans, payments)
    assert summary[loans.name]["rows_above_header"] == 3
    assert summary[loans.name]["totals_rows"] == 1
    assert summary[loans.name]["rows_rejected"] == 0
    assert book_tables(db) == book_tables(plain)
    shown = run_load(tmp_path / "again.duckdb", loans, as_json=False)
    assert "loans_2026-10.csv: 3 rows above the header skipped, 1 totals rows skipped" in (
        shown.stdout.replace("\n", " ")
    )


def test_a_line_with_too_few_or_too_many_fields_is_one_reject(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    short = LOANS[1][:6]  # 6 of 9 fields
    long = [*LOANS[2], "extra", "more"]  # 11 of 9
    loans = write_csv(tmp_path / "loans_2026-10.csv", [[TITLE], LOAN_HEADER, LOANS[0], short, long])
    summary = load_json(db, loans)
    assert (summary[loans.name]["rows_loaded"], summary[loans.name]["rows_rejected"]) == (1, 2)
    rejected = query(db, "select line, reason, reason_code from rejected_rows order by line").rows()
    # lines: 1 the title, 2 the header, 3 L1, 4 the short line, 5 the long one
    assert rejected == [
        (4, "has 6 fields where the header has 9", "field_count"),
        (5, "has 11 fields where the header has 9", "field_count"),
    ]


def test_the_sheet_named_is_read_and_a_missing_one_refused(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    loans = lender_workbook(tmp_path / "loans_2026-10.xlsx", LOAN_HEADER, LOANS)
    summary = load_json(db, loans, extra=("--sheet", "贷款台账"))
    assert (summary[loans.name]["rows_loaded"], summary[loans.name]["sheet"]) == (3, "贷款台账")
    refused = run_load(tmp_path / "other.duckdb", loans, as_json=True)
    assert refused.returncode == 0  # found by itself
    result = subprocess.run(
        [str(RECOVERY), "load", str(loans), "--sheet", "台账"],
        env=loader_env(tmp_path / "third.duckdb"), cwd=tmp_path, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "has no sheet '台账' (its sheets: 说明, 贷款台账)" in result.stderr.replace("\n", "")


def test_no_header_in_the_first_20_rows_is_refused_saying_so(tmp_path: Path) -> None:
    lines = [[TITLE], *[[f"说明第 {n} 行"] for n in range(25)], LOAN_HEADER, *LOANS]
    loans = write_csv(tmp_path / "loans_2026-10.csv", lines)
    result = run_load(tmp_path / "recovery.duckdb", loans)
    assert result.returncode == 1
    [outcome] = json.loads(result.stdout)["files"]
    assert "required column 'as_of_date' is missing" in outcome["error"]
    assert outcome["error"].endswith("the header was looked for in the first 20 rows")
