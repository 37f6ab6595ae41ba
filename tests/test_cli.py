"""The `recovery` command line through its real entry point, as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_csv

RECOVERY = Path(sys.executable).parent / "recovery"


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "RECOVERY_DB": str(db), "COLUMNS": "200"}
    result = subprocess.run(
        [str(RECOVERY), *args], capture_output=True, text=True, env=env, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("command", ["", "generate", "load", "rebuild", "rejects", "kpis", "serve"])
def test_help_on_everything(tmp_path: Path, command: str) -> None:
    result = run(*filter(None, [command, "--help"]), db=tmp_path / "db.duckdb")
    assert "Usage: recovery" in result.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    run("generate", "--loans", "3000", "--months", "3", "--out", str(folder), db=folder / "x")
    return folder


def test_generate_load_and_load_again(demo: Path, tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    first = json.loads(run("load", str(demo), "--json", db=db).stdout)
    files = first["files"]
    assert {f["file"] for f in files} == {p.name for p in demo.iterdir()}
    assert all(set(f) == {"file", "kind", "rows_loaded", "rows_rejected", "rows_replaced",
                          "rows_above_header", "totals_rows", "sheet", "status", "error",
                          "changed_from"}
               for f in files)  # fmt: skip
    # the month of each file's earliest row, from which the summary tables are built again;
    # rows with no month (contacts, teams) change every month
    assert all(
        f["changed_from"] == "all" if f["kind"] in ("contacts", "teams")
        else f["changed_from"][8:] == "01" and f["changed_from"] <= "2026-10-01"
        for f in files
    )  # fmt: skip
    assert {f["status"] for f in files} == {"loaded"}
    kinds = {f["kind"] for f in files}
    assert kinds == {"loans", "actions", "payments", "assignments", "contacts", "teams"}
    assert all(f["rows_loaded"] > 0 for f in files)
    again = json.loads(run("load", str(demo), "--json", db=db).stdout)
    assert {f["status"] for f in again["files"]} == {"unchanged"}
    assert sum(f["rows_loaded"] for f in again["files"]) == 0


def test_the_summary_table_and_rejects_listing(demo: Path, tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    summary = run("load", str(demo / "teams.xlsx"), str(demo / "contacts.csv"), db=db).stdout
    assert "teams.xlsx" in summary and "contacts.csv" in summary and "loaded" in summary
    listing = json.loads(run("rejects", "--json", db=db).stdout)
    assert listing["total"] == len(listing["rows"]) > 0
    assert {r["file_name"] for r in listing["rows"]} == {"contacts.csv"}
    assert all(r["line"] >= 2 and r["reason"] for r in listing["rows"])


def test_a_file_missing_a_required_column_exits_non_zero_and_changes_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "recovery.duckdb"
    good = tmp_path / "payments_2026-10.csv"
    good.write_text("loan_id,paid_at,amount\nL1,2026-10-05,100.00\n", encoding="utf-8")
    run("load", str(good), db=db)
    before = db.read_bytes()
    bad = tmp_path / "loans_2026-10.csv"
    bad.write_text(
        "as_of_date,loan_id,customer_id,principal,outstanding_balance\n", encoding="utf-8"
    )
    result = run("load", str(bad), "--json", db=db, check=False)
    assert result.returncode == 1
    [outcome] = json.loads(result.stdout)["files"]
    assert outcome["status"] == "refused"
    assert "loans_2026-10.csv" in outcome["error"] and "'days_past_due'" in outcome["error"]
    assert db.read_bytes() == before
    plain = run("load", str(bad), db=db, check=False)
    assert plain.returncode == 1 and "days_past_due" in plain.stderr


def test_a_whole_broken_row_is_listed_without_its_personal_data(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    path = tmp_path / "contacts.csv"
    path.write_text(
        "customer_id,phone,relation\nC1,13812345678,本人\nC2,13987654321,本人,张三丰\n",
        encoding="utf-8",
    )
    run("load", str(path), db=db)
    [row] = json.loads(run("rejects", "--json", db=db).stdout)["rows"]
    assert (row["line"], row["column_name"]) == (3, None)
    assert "13987654321" not in json.dumps(row, ensure_ascii=False)
    assert "张三丰" not in json.dumps(row, ensure_ascii=False)


@pytest.mark.parametrize("name", ["loans_missing.csv", "october.csv"])
def test_no_traceback_on_a_missing_path(tmp_path: Path, name: str) -> None:
    # A missing file is missing, whatever its name says of its kind.
    result = run("load", str(tmp_path / name), db=tmp_path / "db", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and f"{name}: no such file" in result.stderr
    assert "kind not known" not in result.stderr


def test_an_empty_folder_is_said_to_be_empty(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "readme.md").write_text("not data")
    result = run("load", str(tmp_path / "exports"), db=tmp_path / "db", check=False)
    assert result.returncode == 1
    assert "exports: is a folder, not a data file" in result.stderr
    assert not (tmp_path / "db").exists()


def test_kpis_as_json(tmp_path: Path) -> None:
    from tests.test_queries_recovery_rates import (
        ACTION_HEADER,
        ACTIONS_A,
        ASSIGNMENT_HEADER,
        ASSIGNMENTS_A,
        LOAN_HEADER,
        LOANS_A,
        PAYMENT_HEADER,
        PAYMENTS_A,
    )  # fmt: skip

    write_csv(tmp_path / "loans.csv", LOAN_HEADER, LOANS_A)
    write_csv(tmp_path / "actions.csv", ACTION_HEADER, ACTIONS_A)
    write_csv(tmp_path / "payments.csv", PAYMENT_HEADER, PAYMENTS_A)
    write_csv(tmp_path / "assignments.csv", ASSIGNMENT_HEADER, ASSIGNMENTS_A)
    write_csv(tmp_path / "teams.csv", ["team", "team_type"], [["AG", "agency"]])
    db = tmp_path / "recovery.duckdb"
    run("load", str(tmp_path), db=db)
    report = json.loads(run("kpis", "--period", "2026-10", "--json", db=db).stdout)
    assert {"period", "outstanding", "active_loans", "overdue_ratio", "npl_ratio", "aging",
            "classification", "repaid", "recovered", "paid_not_placed", "recovery_source",
            "recovery_by_method", "recovery_by_team", "recovery_by_collector", "contact",
            "reachability", "invalid_numbers", "promises"} <= set(report)  # fmt: skip
    # October: four active loans (2,500 + 2,000 + 2,550 + 18,000); L1 (41 days) and L4 (231
    # days: substandard) overdue. The book of tests/test_queries_recovery_rates.py: every
    # payment 4,450; L3's 450 after a reminder, not in collection and not placed.
    assert (report["outstanding"], report["active_loans"]) == ("25050.00", 4)
    assert report["overdue_ratio"] == round(20500 / 25050, 6)
    assert report["npl_ratio"] == round(18000 / 25050, 6)
    assert (report["repaid"], report["recovered"], report["paid_not_placed"]) == (
        "4450.00", "4000.00", "450.00",
    )  # fmt: skip
    assert report["recovery_source"] == "assignments"
    assert [a["bucket"] for a in report["aging"]] == ["Current", "M1", "M2", "M3", "M4", "M5",
                                                      "M6", "M7+"]  # fmt: skip
    assert report["aging"][2] == {"bucket": "M2", "loans": 1, "outstanding": "2500.00",
                                  "share": round(2500 / 25050, 6)}  # fmt: skip
    # T1: S1 (placed 1,000, recovered 300) and S3 (800, capped at 800 and cured); alone at
    # its stage, index 1; actions A1, A3 (phone 2.00) and A6 (sms 0.10) on its cases.
    t1 = next(r for r in report["recovery_by_team"] if r["team"] == "T1")
    assert t1 == {
        "team": "T1", "cases": 2, "placed": "1800.00", "recovered": "1100.00",
        "recovery_rate": round(1100 / 1800, 6), "rate_low": t1["rate_low"],
        "rate_high": t1["rate_high"], "cases_cured": 1, "case_cure_rate": 0.5,
        "expected_recovered": "1100.00", "recovery_index": 1.0, "index_low": t1["index_low"],
        "index_high": t1["index_high"], "cost": "4.10",
        "cost_per_100_recovered": round(4.10 / 1100 * 100, 6),
    }  # fmt: skip
    assert 0 <= t1["rate_low"] < t1["recovery_rate"] < t1["rate_high"] <= 1
    assert [(r["team"], r["collector"], r["cases"]) for r in report["recovery_by_collector"]] == [
        ("AG", "c3", 1), ("T1", "c1", 2), ("T2", "c2", 1),
    ]  # fmt: skip
    sms = next(r for r in report["recovery_by_method"] if r["method"] == "sms")
    assert (sms["cases"], sms["recovered"], sms["recovery_rate"], sms["recovery_index"]) == (
        1, "800.00", 1.0, 2.0,
    )  # fmt: skip
    for rows in (report["recovery_by_method"], report["recovery_by_team"]):
        assert all(0 <= r["recovery_rate"] <= 1 for r in rows)
    assert report["contact"]["phone_actions"] == 2
    assert [r["status"] for r in report["reachability"]] == ["reached", "third_party",
                                                             "no_answer", "switched_off",
                                                             "unreachable"]  # fmt: skip
    assert report["promises"]["kept_rate"] is None  # no promise was due
    plain = run("kpis", "--period", "2026-10", db=db).stdout
    assert "25050.00" in plain and "4450.00" in plain and "61.11%" in plain
    empty = run("kpis", "--period", "2026-05", "--json", db=db, check=False)
    assert empty.returncode == 1 and empty.stdout == ""
    assert "no loans snapshot for 2026-05 (months with data: 2026-09 to 2026-10)" in empty.stderr


def test_kpis_refuses_a_bad_period(tmp_path: Path) -> None:
    result = run("kpis", "--period", "2026-13", db=tmp_path / "db", check=False)
    assert result.returncode != 0 and "YYYY-MM" in result.stderr
