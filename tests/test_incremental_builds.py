"""A load builds again only the summary tables reading a loaded table whose rows changed
(and those downstream of them): on a generated book, through the real `recovery load`,
each load of one kind of file leaves the other tables as they were, and every table then
holds exactly what a build of every table from scratch gives."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from demo import generate_demo
from etl.model_builds import build_models
from etl.model_specs import read_models
from recovery.settings import Settings
from recovery.store import open_catalog, work_path

RECOVERY = Path(sys.executable).parent / "recovery"
MODELS = read_models()
TABLES = sorted(name for name, model in MODELS.items() if not model.is_temporary)
HELD_BACK = ("payments_2026-10", "actions_2026-10", "contacts")


def run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RECOVERY_DB": str(folder / "recovery.duckdb"), "COLUMNS": "200"}
    result = subprocess.run(
        [str(RECOVERY), *args], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def load(folder: Path, *files: Path) -> dict:
    """`recovery load --json` of the files: what it printed."""
    return json.loads(run(folder, "load", "--json", *map(str, files)).stdout)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A four-month book loaded without October's payments and actions and the contacts."""
    folder = tmp_path_factory.mktemp("incremental")
    files = generate_demo(folder / "files", loans=300, months=4, end_month="2026-10")
    first = [f for f in files if not f.name.startswith(HELD_BACK)]
    assert len(first) < len(files)
    load(folder, *first)
    return folder


def held_back(book: Path, prefix: str) -> Path:
    [found] = [f for f in (book / "files").iterdir() if f.name.startswith(prefix)]
    return found


def tables_differing_from_a_full_build(book: Path, scratch: Path) -> dict[str, int]:
    """Each summary table as published whose rows differ from a build of every table from
    scratch on a copy of the writer's database, with the number of rows found on one side
    only."""
    copy = scratch / "full-build.duckdb"
    shutil.copyfile(work_path(book / "recovery.duckdb"), copy)
    with duckdb.connect(str(copy)) as con:
        build_models(con, Settings(db=copy))
    differing = {}
    with open_catalog(book / "recovery.duckdb") as con:
        con.execute(f"attach '{copy}' as full_build (read_only)")
        for table in TABLES:
            one_side = con.execute(
                f"""
                select (select count(*) from (
                            from {table} except all from full_build.{table}))
                     + (select count(*) from (
                            from full_build.{table} except all from {table}))
                """
            ).fetchone()[0]
            if one_side:
                differing[table] = one_side
    return differing


def is_overdue(row: dict[str, str]) -> bool:
    """A row of a loans file with days past due (the demo spoils some rows on purpose)."""
    days = row["days_past_due"]
    return days.isdigit() and int(days) > 0 and row["loan_id"].isalnum()


def late_payment(book: Path) -> Path:
    """One payment dated in August, exported in November: a payment on a loan of the
    August snapshot that had days past due."""
    loans = held_back(book, "loans_2026-08")
    with loans.open(encoding="utf-8") as source:
        loan = next(row for row in csv.DictReader(source) if is_overdue(row))
    path = book / "payments_late.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["payment_id", "loan_id", "paid_at", "amount", "channel"])
        writer.writerow(["LATE-1", loan["loan_id"], "2026-08-20 10:00:00", "123.45", "柜面"])
    return path


def corrected_august(book: Path) -> Path:
    """August's snapshot exported again, one overdue loan's days past due corrected."""
    august = held_back(book, "loans_2026-08")
    with august.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    overdue = next(row for row in rows if is_overdue(row))
    overdue["days_past_due"] = str(int(overdue["days_past_due"]) + 31)
    corrected = book / "loans_2026-08_corrected.csv"
    with corrected.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return corrected


def test_a_payments_file_rebuilds_the_tables_reading_payments_only(
    book: Path, tmp_path: Path
) -> None:
    printed = load(book, held_back(book, "payments_2026-10"), late_payment(book))
    assert [f["status"] for f in printed["files"]] == ["loaded", "loaded"]
    built = printed["summary_tables"]
    assert built["changed_tables"] == ["payments"]
    # payments are read by the promise outcomes, the attribution and the cases' placements
    # (the cases, and so everything over cases, come after them) ...
    assert {"promise_outcomes", "payment_attribution", "cases", "case_months"} <= set(
        built["models"]
    )
    # ... but never by the snapshots' tables, the roll rates, the vintages or the contacts
    untouched = {"loan_versions", "month_book", "month_rolls", "vintage_book", "contact_numbers"}
    assert untouched.isdisjoint(built["models"])
    assert tables_differing_from_a_full_build(book, tmp_path) == {}


def count_checks(book: Path) -> int:
    with open_catalog(book / "recovery.duckdb") as con:
        return con.execute("select count(*) from phone_checks").fetchone()[0]


def test_an_actions_file_rebuilds_the_tables_reading_actions(book: Path, tmp_path: Path) -> None:
    checks_before = count_checks(book)
    built = load(book, held_back(book, "actions_2026-10"))["summary_tables"]
    # the numbers dialled are checked on load, but no summary table reads their checks:
    # the numbers on file are checked with the contacts
    assert count_checks(book) > checks_before
    assert built["changed_tables"] == ["actions"]
    assert "contact_numbers" not in built["models"]
    assert {"payment_attribution", "loan_month_actions", "phone_action_hours"} <= set(
        built["models"]
    )
    assert {"month_book", "month_rolls", "vintage_book", "loan_versions"}.isdisjoint(
        built["models"]
    )
    assert tables_differing_from_a_full_build(book, tmp_path) == {}


def test_a_corrected_snapshot_of_an_earlier_month(book: Path, tmp_path: Path) -> None:
    printed = load(book, corrected_august(book))
    assert printed["files"][0]["rows_replaced"] > 0
    built = printed["summary_tables"]
    assert built["changed_tables"] == ["loan_snapshots"]
    assert {"month_book", "month_rolls", "loan_versions", "cases"} <= set(built["models"])
    assert tables_differing_from_a_full_build(book, tmp_path) == {}


def test_a_contacts_file_rebuilds_the_contact_tables_only(book: Path, tmp_path: Path) -> None:
    built = load(book, held_back(book, "contacts"))["summary_tables"]
    assert built["changed_tables"] == ["contacts", "phone_checks"]
    assert "contact_numbers" in built["models"]
    assert {"cases", "case_months", "month_book", "payment_attribution"}.isdisjoint(built["models"])
    assert tables_differing_from_a_full_build(book, tmp_path) == {}


def test_a_file_loaded_before_builds_nothing(book: Path) -> None:
    printed = load(book, held_back(book, "teams"))
    assert printed["files"][0]["status"] == "unchanged"
    assert printed["summary_tables"] is None


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A thirteen-month book (November 2025 to November 2026) with its first twelve
    months loaded."""
    folder = tmp_path_factory.mktemp("year")
    files = generate_demo(folder / "files", loans=300, months=13, end_month="2026-11")
    first = [f for f in files if "2026-11" not in f.name]
    assert len(first) < len(files)
    load(folder, *first)
    return folder


def test_the_thirteenth_month_writes_its_own_month_only(year: Path, tmp_path: Path) -> None:
    november = sorted((year / "files").glob("*2026-11*"))
    printed = load(year, *november)
    assert {f["status"] for f in printed["files"]} == {"loaded"}
    built_from = printed["summary_tables"]["built_from"]
    # the month-grained tables of the snapshots, the actions and the attribution are
    # written again for November alone; the other twelve months are kept as they were
    by_month = ["month_book", "month_rolls", "loan_month_actions", "payment_attribution"]
    assert {name: built_from.get(name) for name in by_month} == dict.fromkeys(
        by_month, "2026-11-01"
    )
    assert tables_differing_from_a_full_build(year, tmp_path) == {}


def test_a_corrected_snapshot_and_a_late_payment_write_their_months_on(
    year: Path, tmp_path: Path
) -> None:
    """Once the thirteenth month is loaded: August's snapshot exported again with one
    loan's days past due corrected, and a payment dated in August arriving late."""
    printed = load(year, corrected_august(year), late_payment(year))
    changed_from = {f["file"]: f["changed_from"] for f in printed["files"]}
    assert changed_from["loans_2026-08_corrected.csv"] == "2026-08-01"
    assert changed_from["payments_late.csv"] == "2026-08-01"
    built_from = printed["summary_tables"]["built_from"]
    assert built_from["month_book"] == built_from["payment_attribution"] == "2026-08-01"
    assert tables_differing_from_a_full_build(year, tmp_path) == {}


def test_a_case_closed_late_writes_the_months_from_its_end_on(year: Path, tmp_path: Path) -> None:
    """A case placed before June and still open, exported again closed on 20 October: its
    assignment changed from the month it was placed, but what the tables said of the days
    before 20 October holds, so the case tables are written again from October only."""
    printed = load(year, closed_case(year, ended_on="2026/10/20"))
    [changed] = printed["files"]
    assert changed["changed_from"] < "2026-06-01"  # the month it was placed
    built_from = printed["summary_tables"]["built_from"]
    case_tables = ["case_months", "case_actions", "case_method_months", "payment_cases"]
    assert {name: built_from.get(name) for name in case_tables} == dict.fromkeys(
        case_tables, "2026-10-01"
    )
    assert tables_differing_from_a_full_build(year, tmp_path) == {}


def closed_case(book: Path, *, ended_on: str) -> Path:
    """An assignment placed before June and still open after the files loaded, exported
    again closed on `ended_on`."""
    latest: dict[str, list[str]] = {}
    for path in sorted((book / "files").glob("assignments_*.csv")):
        with path.open(encoding="utf-8-sig") as source:
            header, *body = list(csv.reader(source))
        latest |= {row[0]: row for row in body}
    placed, ended = header.index("分案日期"), header.index("结案日期")
    row = next(r for r in latest.values() if not r[ended] and r[placed] < "2026/06/01")
    row[ended] = ended_on
    path = book / "assignments_closed.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, row])
    return path
