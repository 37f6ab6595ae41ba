"""The assignments file (分案记录 / 委案明细) through `recovery load`, as a user loads it: each
rule with bad input, overlapping cases of a loan rejected (in the file and against the cases
loaded before), the Chinese headers, every format, loading again and replacement by id."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from recovery.database import query
from tests.helpers import write_csv
from tests.test_cli import run

HEADER = ["assignment_id", "loan_id", "team", "collector", "assigned_on", "ended_on",
          "assigned_amount", "days_past_due"]  # fmt: skip
CHINESE = ["委案编号", "借据号", "受托机构", "催收员", "委案日期", "退案日期", "委案金额",
           "分案时逾期天数"]  # fmt: skip


def case(case_id: str, loan_id: str, assigned_on: str, ended_on: str = "", **values: str) -> list:
    row = {
        "assignment_id": case_id, "loan_id": loan_id, "team": "T1", "collector": "王强",
        "assigned_on": assigned_on, "ended_on": ended_on, "assigned_amount": "1000.00",
        "days_past_due": "31",
    }  # fmt: skip
    row.update(values)
    return [row[c] for c in HEADER]


def load(db: Path, *paths: Path) -> list[dict]:
    """`recovery load --json`: each file's outcome."""
    return json.loads(run("load", *map(str, paths), "--json", db=db).stdout)["files"]


def load_cases(db: Path, path: Path, *rows: list) -> dict:
    [outcome] = load(db, write_csv(path, HEADER, list(rows)))
    assert outcome["status"] == "loaded", outcome["error"]
    return outcome


def rejects(db: Path) -> list[tuple]:
    """`recovery rejects --json`: (file, line, column, value, reason) of each rejected row."""
    rows = json.loads(run("rejects", "--json", db=db).stdout)["rows"]
    return [(r["file_name"], r["line"], r["column_name"], r["value"], r["reason"]) for r in rows]


def held(db: Path) -> list[tuple]:
    """(case, loan, assigned_on, ended_on) of every case in the table, in loan and date order."""
    return query(
        db,
        "select assignment_id, loan_id, assigned_on, ended_on from assignments "
        "order by loan_id, assigned_on, assignment_id",
    ).rows()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "recovery.duckdb"


def test_each_bad_case_is_rejected_with_its_line_column_and_reason_and_the_rest_loads(
    db: Path, tmp_path: Path
) -> None:
    outcome = load_cases(
        db,
        tmp_path / "assignments.csv",
        case("A1", "L1", "2026-09-01"),
        case("A2", "L2", "2026-09-10", assigned_amount="-0.01"),
        case("A3", "L3", "2026-09-10", days_past_due="-1"),
        case("A4", "L4", "2026-09-10", "2026/09/09"),
        case("A5", "L5", "", "2026-09-30"),
        case("A6", "L6", "2026-09-10", team=""),
        case("A7", "L7", "2026-09-31"),
        case("A8", "L8", "2026-09-10", assigned_amount="0", days_past_due="0"),
    )
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (2, 6)
    assert rejects(db) == [
        ("assignments.csv", 3, "assigned_amount", "-0.01", "must be at least 0"),
        ("assignments.csv", 4, "days_past_due", "-1", "must be at least 0"),
        ("assignments.csv", 5, "ended_on", "2026/09/09", "must not be before assigned_on"),
        ("assignments.csv", 6, "assigned_on", None, "required value missing"),
        ("assignments.csv", 7, "team", None, "required value missing"),
        ("assignments.csv", 8, "assigned_on", "2026-09-31", "not a date: 2026-09-31"),
    ]
    assert [row[0] for row in held(db)] == ["A1", "A8"]


def test_a_case_ending_the_day_it_starts_is_kept(db: Path, tmp_path: Path) -> None:
    load_cases(db, tmp_path / "assignments.csv", case("A1", "L1", "2026-09-10", "2026-09-10"))
    assert held(db) == [("A1", "L1", date(2026, 9, 10), date(2026, 9, 10))]
    assert rejects(db) == []


def test_cases_of_a_loan_overlapping_in_the_file_the_later_is_rejected(
    db: Path, tmp_path: Path
) -> None:
    load_cases(
        db,
        tmp_path / "assignments_2026-09.csv",
        # L1: B starts (09-10) while A (09-01 to 09-20) holds the loan; B is written first
        # but starts later, so B is the one rejected, naming A on line 3.
        case("B", "L1", "2026-09-10"),
        case("A", "L1", "2026-09-01", "2026-09-20"),
        # L2: an open case holds the loan from 09-01 on: a case placed in October overlaps it.
        case("C", "L2", "2026-09-01"),
        case("D", "L2", "2026-10-01", "2026-10-05"),
        # L3: two cases placed the same day: the later line is rejected.
        case("E", "L3", "2026-09-05", "2026-09-30"),
        case("F", "L3", "2026-09-05", "2026-09-06"),
        # L4: a case inside one that holds the loan longer.
        case("G", "L4", "2026-08-01", "2026-12-01"),
        case("H", "L4", "2026-09-01", "2026-09-02"),
        # L5 and L6: the same days for two loans are no overlap.
        case("I", "L5", "2026-09-01"),
        case("J", "L6", "2026-09-01"),
    )
    file = "assignments_2026-09.csv"
    assert rejects(db) == [
        (file, 2, "assigned_on", "2026-09-10", "overlaps case A of this loan (line 3)"),
        (file, 5, "assigned_on", "2026-10-01", "overlaps case C of this loan (line 4)"),
        (file, 7, "assigned_on", "2026-09-05", "overlaps case E of this loan (line 6)"),
        (file, 9, "assigned_on", "2026-09-01", "overlaps case G of this loan (line 8)"),
    ]
    assert [row[0] for row in held(db)] == ["A", "C", "E", "G", "I", "J"]


def test_a_reassignment_on_the_day_the_first_case_ends_is_no_overlap(
    db: Path, tmp_path: Path
) -> None:
    # A holds L1 up to, not including, 09-15; B holds it from 09-15: no day shared.
    load_cases(
        db,
        tmp_path / "assignments_2026-09.csv",
        case("A", "L1", "2026-09-01", "2026-09-15", team="T1"),
        case("B", "L1", "2026-09-15", "2026-10-01", team="T2"),
    )
    # The same across files: C takes it over from B on the day B ends.
    load_cases(db, tmp_path / "assignments_2026-10.csv", case("C", "L1", "2026-10-01"))
    assert rejects(db) == []
    assert held(db) == [
        ("A", "L1", date(2026, 9, 1), date(2026, 9, 15)),
        ("B", "L1", date(2026, 9, 15), date(2026, 10, 1)),
        ("C", "L1", date(2026, 10, 1), None),
    ]


def test_a_zero_length_case_overlaps_nothing(db: Path, tmp_path: Path) -> None:
    # Z (placed and withdrawn on 09-10) holds no day: neither A around it nor Y placed the
    # same day overlap it, in the file or once loaded.
    load_cases(
        db,
        tmp_path / "assignments_2026-09.csv",
        case("A", "L1", "2026-09-01", "2026-09-30"),
        case("Z", "L1", "2026-09-10", "2026-09-10"),
    )
    load_cases(
        db,
        tmp_path / "assignments_2026-10.csv",
        case("Y", "L1", "2026-09-10", "2026-09-10"),
        case("X", "L1", "2026-09-30"),
    )
    assert rejects(db) == []
    assert [row[0] for row in held(db)] == ["A", "Y", "Z", "X"]


def test_a_case_overlapping_a_case_loaded_before_is_rejected(db: Path, tmp_path: Path) -> None:
    # Four loans each held by a case from 09-01 up to 09-30.
    september = [case(f"S{n}", f"L{n}", "2026-09-01", "2026-09-30") for n in range(1, 5)]
    load_cases(db, tmp_path / "assignments_2026-09.csv", *september)
    load_cases(
        db,
        tmp_path / "assignments_2026-10.csv",
        case("B", "L1", "2026-09-29"),  # starts on S1's last day
        case("C", "L2", "2026-08-01", "2026-09-02"),  # starts earlier, ends on S2's second day
        case("D", "L3", "2026-08-01", "2026-09-01"),  # ends the day S3 starts: no overlap
        case("E", "L4", "2026-09-30"),  # starts the day S4 ends: no overlap
    )
    assert rejects(db) == [
        ("assignments_2026-10.csv", 2, "assigned_on", "2026-09-29",
         "overlaps case S1 loaded from assignments_2026-09.csv"),
        ("assignments_2026-10.csv", 3, "assigned_on", "2026-08-01",
         "overlaps case S2 loaded from assignments_2026-09.csv"),
    ]  # fmt: skip
    assert [row[0] for row in held(db)] == ["S1", "S2", "D", "S3", "S4", "E"]


def test_a_case_given_again_is_not_an_overlap_with_its_earlier_version(
    db: Path, tmp_path: Path
) -> None:
    # A was open in September's export; October's closes it on 09-20 and places B then.
    # Against the A loaded before (09-01, still held), B would overlap: A's new version
    # replaces it, so B only meets the new A, which ends the day B starts.
    load_cases(db, tmp_path / "assignments_2026-09.csv", case("A", "L1", "2026-09-01"))
    load_cases(
        db,
        tmp_path / "assignments_2026-10.csv",
        case("A", "L1", "2026-09-01", "2026-09-20"),
        case("B", "L1", "2026-09-20", team="T2"),
    )
    assert rejects(db) == []
    assert held(db) == [
        ("A", "L1", date(2026, 9, 1), date(2026, 9, 20)),
        ("B", "L1", date(2026, 9, 20), None),
    ]


def test_the_same_id_loaded_again_replaces_the_earlier_row(db: Path, tmp_path: Path) -> None:
    load_cases(
        db,
        tmp_path / "assignments_2026-09.csv",
        case("A", "L1", "2026-09-01", team="T1", assigned_amount="1000.00"),
        case("B", "L2", "2026-09-01"),
    )
    outcome = load_cases(
        db,
        tmp_path / "assignments_2026-09_corrected.csv",
        case("A", "L1", "2026-09-01", "2026-09-25", team="T2", assigned_amount="900.50"),
    )
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (1, 0)
    rows = query(
        db,
        "select assignment_id, team, ended_on, assigned_amount from assignments "
        "order by assignment_id",
    ).rows()
    assert rows == [
        ("A", "T2", date(2026, 9, 25), Decimal("900.50")),
        ("B", "T1", None, Decimal("1000.00")),
    ]
    # Both files still hold rows: neither is marked replaced.
    ledger = query(db, "select file_name, status from load_ledger order by load_id").rows()
    assert ledger == [
        ("assignments_2026-09.csv", "loaded"),
        ("assignments_2026-09_corrected.csv", "loaded"),
    ]


def test_a_file_all_of_whose_cases_were_given_again_is_marked_replaced(
    db: Path, tmp_path: Path
) -> None:
    load_cases(db, tmp_path / "assignments_v1.csv", case("A", "L1", "2026-09-01"))
    load_cases(db, tmp_path / "assignments_v2.csv", case("A", "L1", "2026-09-02"))
    assert held(db) == [("A", "L1", date(2026, 9, 2), None)]
    ledger = query(db, "select file_name, status from load_ledger order by load_id").rows()
    assert ledger == [("assignments_v1.csv", "replaced"), ("assignments_v2.csv", "loaded")]


def test_loading_the_same_file_again_changes_nothing(db: Path, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "assignments.csv",
        HEADER,
        [
            case("A", "L1", "2026-09-01"),
            case("B", "L1", "2026-09-05"),
            case("", "L2", "2026-09-01"),
        ],
    )
    [first] = load(db, path)
    assert (first["status"], first["rows_loaded"], first["rows_rejected"]) == ("loaded", 2, 1)
    before = (held(db), rejects(db), db.read_bytes())
    [again] = load(db, path)
    assert (again["status"], again["rows_loaded"], again["rows_rejected"]) == ("unchanged", 0, 0)
    assert (held(db), rejects(db), db.read_bytes()) == before


def test_made_ids_let_a_re_export_replace_its_rows(db: Path, tmp_path: Path) -> None:
    # No assignment_id: ids are made from each row's content, so the same rows exported
    # again (in another order, another file) replace themselves and overlap nothing.
    rows = [case("", "L1", "2026-09-01", "2026-09-15"), case("", "L1", "2026-09-15")]
    load_cases(db, tmp_path / "assignments_a.csv", *rows)
    ids = sorted(row[0] for row in held(db))
    load_cases(db, tmp_path / "assignments_b.csv", *reversed(rows))
    assert rejects(db) == []
    assert sorted(row[0] for row in held(db)) == ids and len(ids) == 2


@pytest.mark.parametrize(
    ("file_name", "header"),
    [
        ("委案明细_2026-09.csv", CHINESE),
        (
            "分案记录_2026-09.csv",
            [
                "分案编号",
                "借据号",
                "催收团队",
                "催收员",
                "分案日期",
                "撤案日期",
                "委案金额",
                "逾期天数",
            ],
        ),  # fmt: skip
        (
            "委案_2026-09.csv",
            [
                "委案编号",
                "借据号",
                "受托机构",
                "催收员",
                "委案日期",
                "结案日期",
                "委案金额",
                "分案时逾期天数",
            ],
        ),  # fmt: skip
    ],
)
def test_chinese_headers_and_names(db: Path, tmp_path: Path, file_name: str, header: list) -> None:
    path = write_csv(
        tmp_path / file_name,
        header,
        [
            ["WA-001", "L1", "华信外包", "", "2026年9月1日", "2026/09/30", "12,345.60元", "35天"],
            ["WA-002", "L1", "华信外包", "李娜", "2026-09-30", "", "", ""],
        ],
    )
    [outcome] = load(db, path)
    assert (outcome["kind"], outcome["rows_loaded"], outcome["rows_rejected"]) == (
        "assignments",
        2,
        0,
    )
    rows = query(
        db,
        "select assignment_id, loan_id, team, collector, assigned_on, ended_on, "
        "assigned_amount, days_past_due from assignments order by assignment_id",
    ).rows()
    assert rows == [
        ("WA-001", "L1", "华信外包", None, date(2026, 9, 1), date(2026, 9, 30),
         Decimal("12345.60"), 35),
        ("WA-002", "L1", "华信外包", "李娜", date(2026, 9, 30), None, None, None),
    ]  # fmt: skip


BOOK = [
    ["WA-001", "L1", "华信外包", "李娜", "2026-09-01", "2026-09-30", "12345.60", "35"],
    ["", "L1", "催收一组", "王强", "2026-09-30", "", "", "64"],
    ["", "L2", "催收一组", "", "2026-09-15", "2026-09-15", "500.00", ""],
    ["WA-003", "L2", "华信外包", "张伟", "2026-09-10", "", "0.00", "0"],
]


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    pl.DataFrame(rows, schema=header, orient="row").write_excel(path)
    return path


def write_parquet(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    pl.DataFrame(rows, schema=header, orient="row").write_parquet(path)
    return path


@pytest.mark.parametrize(
    "write",
    [
        lambda folder: write_csv(folder / "分案记录.csv", CHINESE, BOOK, encoding="gbk"),
        lambda folder: write_xlsx(folder / "委案明细.xlsx", CHINESE, BOOK),
        lambda folder: write_parquet(folder / "assignments.parquet", HEADER, BOOK),
    ],
    ids=["gbk-csv", "xlsx", "parquet"],
)
def test_every_format_gives_the_same_table_as_utf8_csv(tmp_path: Path, write) -> None:
    reference = tmp_path / "reference.duckdb"
    load(reference, write_csv(tmp_path / "assignments.csv", HEADER, BOOK))
    (tmp_path / "other").mkdir()
    other = tmp_path / "other.duckdb"
    [outcome] = load(other, write(tmp_path / "other"))
    assert (outcome["kind"], outcome["rows_loaded"], outcome["rows_rejected"]) == (
        "assignments",
        4,
        0,
    )
    every_column = "select * exclude (load_id, source_line) from assignments order by assignment_id"
    assert query(other, every_column).rows() == query(reference, every_column).rows()
    # By hand: L1 from 09-01 to 09-30 with 华信外包, then from 09-30 with 催收一组 (an
    # id made from the row); L2 placed and withdrawn on 09-15, and with 华信外包 from 09-10.
    rows = query(
        other,
        "select loan_id, team, assigned_on, ended_on, assigned_amount, days_past_due, "
        "assignment_id like 'h%' as made_id from assignments order by loan_id, assigned_on",
    ).rows()
    assert rows == [
        ("L1", "华信外包", date(2026, 9, 1), date(2026, 9, 30), Decimal("12345.60"), 35, False),
        ("L1", "催收一组", date(2026, 9, 30), None, None, 64, True),
        ("L2", "华信外包", date(2026, 9, 10), None, Decimal("0.00"), 0, False),
        ("L2", "催收一组", date(2026, 9, 15), date(2026, 9, 15), Decimal("500.00"), None, True),
    ]


def test_the_load_command_names_the_assignments_kind(tmp_path: Path) -> None:
    assert "assignments" in run("load", "--help", db=tmp_path / "db.duckdb").stdout
    path = write_csv(tmp_path / "placements.csv", HEADER, [case("A", "L1", "2026-09-01")])
    refused = run("load", str(path), db=tmp_path / "db.duckdb", check=False)
    assert refused.returncode == 1
    assert "start it with loans, actions, payments, assignments, contacts or teams" in (
        refused.stderr
    )
    given = run("load", str(path), "--kind", "assignments", "--json", db=tmp_path / "db.duckdb")
    [outcome] = json.loads(given.stdout)["files"]
    assert (outcome["kind"], outcome["rows_loaded"]) == ("assignments", 1)
