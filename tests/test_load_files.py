"""Whole files: every format and encoding gives the same tables; loading is idempotent;
a corrected snapshot replaces the old one; a file that can't be loaded is refused whole."""

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from recovery.settings import Settings
from tests.helpers import load, rejects, table, write_csv

ENGLISH = ["as_of_date", "loan_id", "customer_id", "customer_name", "principal",
           "outstanding_balance", "days_past_due", "status"]  # fmt: skip
CHINESE = ["数据日期", "借据号", "客户号", "客户姓名", "放款金额", "贷款余额", "逾期天数", "状态"]
ROWS = [
    ["2026-10-31", "L1", "C1", "张伟", "10000.00", "8000.50", "0", "active"],
    ["2026-10-31", "L2", "C2", "王芳", "5000.00", "4999.99", "45", "active"],
    ["2026-10-31", "L3", "C3", "李娜", "3000.00", "0.00", "0", "settled"],
]
ALL_TABLES = ["load_ledger", "rejected_rows", "loan_snapshots", "actions", "payments",
              "contacts", "teams", "phone_checks"]  # fmt: skip


def loans_table(settings: Settings) -> pl.DataFrame:
    return table(
        settings,
        "select * exclude (load_id, source_line) from loan_snapshots order by loan_id",
    )


def content(settings: Settings) -> dict[str, list[tuple]]:
    return {
        name: sorted(table(settings, f"select * from {name}").rows(), key=repr)
        for name in ALL_TABLES
    }


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    pl.DataFrame(rows, schema=header, orient="row").write_excel(path)
    return path


@pytest.mark.parametrize(
    "write",
    [
        lambda folder: write_csv(folder / "loans.csv", CHINESE, ROWS, encoding="gbk"),
        lambda folder: write_csv(folder / "loans.csv", CHINESE, ROWS, encoding="gb18030"),
        lambda folder: write_csv(folder / "loans.csv", ENGLISH, ROWS, encoding="utf-8-sig"),
        lambda folder: write_xlsx(folder / "loans.xlsx", CHINESE, ROWS),
        lambda folder: (
            pl.DataFrame(ROWS, schema=ENGLISH, orient="row").write_parquet(folder / "loans.parquet")
            or folder / "loans.parquet"
        ),
    ],
    ids=["gbk-chinese", "gb18030-chinese", "utf8-bom", "xlsx", "parquet"],
)
def test_every_format_gives_the_same_table_as_utf8_csv(tmp_path: Path, write) -> None:
    reference = Settings(db=tmp_path / "reference.duckdb")
    load(reference, write_csv(tmp_path / "loans_utf8.csv", ENGLISH, ROWS))
    (tmp_path / "other").mkdir()
    other = Settings(db=tmp_path / "other.duckdb")
    [outcome] = load(other, write(tmp_path / "other"))
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 3, 0)
    assert_frame_equal(loans_table(other), loans_table(reference))
    assert loans_table(other)["customer_name"].to_list() == ["张伟", "王芳", "李娜"]


def test_typed_parquet_and_excel_dates_load_like_text(tmp_path: Path) -> None:
    from datetime import date, datetime

    typed = pl.DataFrame(
        {
            "as_of_date": [date(2026, 10, 31)],
            "loan_id": ["L1"],
            "customer_id": ["C1"],
            "principal": [Decimal("10000.00")],
            "outstanding_balance": [8000.5],
            "days_past_due": [0],
            "disbursed_on": [datetime(2024, 3, 1)],
        }
    )
    typed.write_parquet(tmp_path / "loans.parquet")
    typed.write_excel(tmp_path / "loans.xlsx")
    for name in ("loans.parquet", "loans.xlsx"):
        settings = Settings(db=tmp_path / f"{name}.duckdb")
        [outcome] = load(settings, tmp_path / name)
        assert outcome.rows_loaded == 1, outcome
        row = table(
            settings,
            "select as_of_date, principal, outstanding_balance, disbursed_on from loan_snapshots",
        ).row(0)
        assert row == (
            date(2026, 10, 31),
            Decimal("10000.00"),
            Decimal("8000.50"),
            date(2024, 3, 1),
        )


def test_loading_the_same_file_twice_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "loans_2026-10.csv", ENGLISH, ROWS)
    load(settings, path)
    before = content(settings)
    database_bytes = settings.db.read_bytes()
    [outcome] = load(settings, path)
    assert (outcome.status, outcome.rows_loaded) == ("unchanged", 0)
    assert content(settings) == before
    assert settings.db.read_bytes() == database_bytes


def test_a_corrected_snapshot_replaces_the_old_one(settings: Settings, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "loans_2026-10.csv", ENGLISH, ROWS)
    september = [["2026-09-30", *row[1:]] for row in ROWS]
    load(settings, first, write_csv(tmp_path / "loans_2026-09.csv", ENGLISH, september))
    corrected_rows = [ROWS[0][:5] + ["7000.00"] + ROWS[0][6:], *ROWS[1:]]
    corrected = write_csv(tmp_path / "loans_2026-10_v2.csv", ENGLISH, corrected_rows)
    [outcome] = load(settings, corrected)
    assert (outcome.rows_loaded, outcome.rows_replaced) == (3, 3)
    rows = table(
        settings,
        "select as_of_date, loan_id, outstanding_balance from loan_snapshots "
        "where as_of_date = date '2026-10-31' order by loan_id",
    ).rows()
    assert [(r[1], r[2]) for r in rows] == [
        ("L1", Decimal("7000.00")),
        ("L2", Decimal("4999.99")),
        ("L3", Decimal("0.00")),
    ]
    assert (
        table(
            settings, "select count(*) from loan_snapshots where as_of_date = date '2026-09-30'"
        ).item()
        == 3
    )
    ledger = table(settings, "select file_name, status from load_ledger order by load_id").rows()
    assert ledger == [
        ("loans_2026-09.csv", "loaded"),
        ("loans_2026-10.csv", "replaced"),
        ("loans_2026-10_v2.csv", "loaded"),
    ]


def test_a_snapshot_exported_in_parts_and_loaded_together_adds_up(
    settings: Settings, tmp_path: Path
) -> None:
    part1 = write_csv(tmp_path / "loans_2026-10_part1.csv", ENGLISH, ROWS[:2])
    part2 = write_csv(tmp_path / "loans_2026-10_part2.csv", ENGLISH, ROWS[2:])
    load(settings, part1, part2)
    assert table(settings, "select count(*) from loan_snapshots").item() == 3


def test_a_file_missing_a_required_column_is_refused_whole(
    settings: Settings, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "loans_2026-09.csv", ENGLISH, [["2026-09-30", *ROWS[0][1:]]])
    load(settings, good)
    before = content(settings)
    missing = write_csv(
        tmp_path / "loans_2026-10.csv", CHINESE[:6] + CHINESE[7:], [r[:6] + r[7:] for r in ROWS]
    )
    [outcome] = load(settings, missing)
    assert outcome.status == "refused"
    assert outcome.error.startswith(
        "loans_2026-10.csv: required column 'days_past_due' is missing (expected a header "
        "named one of: days_past_due, 逾期天数; found: 数据日期, 借据号,"
    )
    assert content(settings) == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("loans.csv", bytes(range(128, 256)) * 40, "is not text in UTF-8 or GBK/GB18030"),
        ("loans.xlsx", b"PK\x03\x04 truncated", "cannot be read"),
        ("loans.parquet", b"PAR1 not really", "cannot be read"),
        ("loans.json", b"{}", "has an unknown format '.json'"),
        ("ledger.csv", b"a,b\n1,2\n", "kind not known from the name"),
    ],
)
def test_an_unreadable_file_is_refused_and_the_others_load(
    settings: Settings, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(data)
    good = write_csv(tmp_path / "loans_2026-10.csv", ENGLISH, ROWS)
    outcomes = {o.file: o for o in load(settings, tmp_path / name, good)}
    assert outcomes[name].status == "refused"
    assert outcomes[name].error.startswith(f"{name}: ") and message in outcomes[name].error
    assert outcomes["loans_2026-10.csv"].rows_loaded == 3


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_one_header_given_twice_is_refused(
    settings: Settings, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("借据号,还款日期,还款金额,借据号\nL1,2026-10-01,100.00,L2\n", encoding=encoding)
    [outcome] = load(settings, path)
    assert outcome.status == "refused"
    assert outcome.error == (
        "payments.csv: header '借据号' is given twice; keep one or rename the other"
    )
    assert not settings.db.exists()


def test_one_header_given_twice_in_xlsx_is_refused(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "payments.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    for row, values in enumerate(
        [["借据号", "还款日期", "还款金额", "借据号"], ["L1", "2026-10-01", "100.00", "L2"]]
    ):
        sheet.write_row(row, 0, values)
    workbook.close()
    [outcome] = load(settings, path)
    assert outcome.status == "refused"
    assert outcome.error == (
        "payments.xlsx: header '借据号' is given twice; keep one or rename the other"
    )
    assert not settings.db.exists()


def test_two_headers_meaning_one_column_are_refused(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "payments.csv", ["借据号", "还款日期", "还款金额", "实还金额"], [])
    [outcome] = load(settings, path)
    assert outcome.error == (
        "payments.csv: headers '还款金额' and '实还金额' both mean column 'amount'; keep one "
        "or rename the other in header_aliases"
    )


def test_a_database_of_another_schema_version_is_refused_untouched(
    settings: Settings, tmp_path: Path
) -> None:
    import duckdb

    from etl.errors import SchemaMismatch
    from etl.load import SCHEMA_VERSION
    from recovery.store import work_path

    load(settings, write_csv(tmp_path / "loans_2026-10.csv", ENGLISH, ROWS))
    con = duckdb.connect(str(work_path(settings.db)))  # the writer's database
    con.execute("update schema_info set schema_version = 0")
    con.close()
    before = settings.db.read_bytes()
    with pytest.raises(SchemaMismatch, match=f"schema 0, this one writes {SCHEMA_VERSION}"):
        load(settings, write_csv(tmp_path / "loans_2026-09.csv", ENGLISH, ROWS))
    assert settings.db.read_bytes() == before


def test_a_gbk_file_whose_first_megabytes_are_ascii_is_still_read_as_gbk(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "payments.csv"
    filler = b"".join(b"P%07d,L1,2026-10-05,1.00,bank\n" % i for i in range(160_000))
    path.write_bytes(
        b"payment_id,loan_id,paid_at,amount,channel\n"
        + filler
        + "P9,L2,2026-10-06,2.00,柜面\n".encode("gbk")
    )
    [outcome] = load(settings, path)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (160_001, 0)
    assert table(settings, "select channel from payments where payment_id = 'P9'").item() == "柜面"


def test_a_utf8_file_with_a_broken_row_rejects_that_row_only(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "payments.csv"
    path.write_bytes(
        "loan_id,paid_at,amount,channel\nL1,2026-10-05,1.00,柜面\n".encode()
        + b"L2,2026-10-06,2.00,\xff\xfe\n"
        + "L3,2026-10-07,3.00,网银\n".encode()
    )
    [outcome] = load(settings, path)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 1)
    [(_, line, column, _, reason)] = rejects(settings)
    assert (line, column) == (3, None) and reason.startswith("holds bytes that are no UTF-8 text")
    assert table(settings, "select channel from payments order by 1")["channel"].to_list() == [
        "柜面",
        "网银",
    ]
