"""The `recovery` command line through its real entry point, as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RECOVERY = Path(sys.executable).parent / "recovery"


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "RECOVERY_DB": str(db), "COLUMNS": "200"}
    result = subprocess.run(
        [str(RECOVERY), *args], capture_output=True, text=True, env=env, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("command", ["", "generate", "load", "rejects", "kpis", "serve"])
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
    assert all(set(f) == {"file", "kind", "rows_loaded", "rows_rejected", "status", "error"}
               for f in files)  # fmt: skip
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


def test_no_traceback_on_a_missing_path(tmp_path: Path) -> None:
    result = run("load", str(tmp_path / "loans_missing.csv"), db=tmp_path / "db", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "loans_missing.csv: no such file" in result.stderr


def test_kpis_as_json(tmp_path: Path) -> None:
    from tests.helpers import write_csv
    from tests.test_queries_recovery_rates import ACTIONS, LOANS, PAYMENTS

    loans = [[*row[:3], "5000", "3000", row[3], row[4]] for row in LOANS]
    write_csv(tmp_path / "loans.csv", ["as_of_date", "loan_id", "customer_id", "principal",
              "outstanding_balance", "overdue_amount", "days_past_due"], loans)  # fmt: skip
    write_csv(tmp_path / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
              "collector", "outcome", "cost"], ACTIONS)  # fmt: skip
    write_csv(tmp_path / "payments.csv", ["payment_id", "loan_id", "paid_at", "amount"], PAYMENTS)
    db = tmp_path / "recovery.duckdb"
    run("load", str(tmp_path), db=db)
    report = json.loads(run("kpis", "--period", "2026-10", "--json", db=db).stdout)
    assert {"period", "outstanding", "active_loans", "overdue_ratio", "npl_ratio", "aging",
            "classification", "recovered", "recovery_by_method", "recovery_by_team", "contact",
            "reachability", "invalid_numbers", "promises"} <= set(report)  # fmt: skip
    # October: three active loans of 3000.00, all overdue (20, 50 and 130 days: L3 is
    # substandard); payments 500 + 800 + 200 + 100.
    assert (report["outstanding"], report["active_loans"]) == ("9000.00", 3)
    assert (report["overdue_ratio"], report["npl_ratio"]) == (1.0, round(1 / 3, 6))
    assert report["recovered"] == "1600.00"
    assert [a["bucket"] for a in report["aging"]] == ["Current", "M1", "M2", "M3", "M4", "M5",
                                                      "M6", "M7+"]  # fmt: skip
    assert report["aging"][1] == {"bucket": "M1", "loans": 1, "outstanding": "3000.00",
                                  "share": round(1 / 3, 6)}  # fmt: skip
    assert report["recovery_by_team"][1] == {
        "team": "T2", "loans": 1, "placed": "2000.00", "recovered": "1000.00",
        "recovery_rate": 0.5, "rate_low": None, "rate_high": None, "cost": "123.00",
        "cost_per_100_recovered": 12.3,
    }  # fmt: skip
    assert report["contact"] == {"phone_actions": 3, "contact_rate": round(2 / 3, 6),
                                 "effective_contact_rate": round(2 / 3, 6)}  # fmt: skip
    assert [r["status"] for r in report["reachability"]] == ["reached", "third_party",
                                                             "no_answer", "switched_off",
                                                             "unreachable"]  # fmt: skip
    assert report["promises"]["kept_rate"] is None  # no promise was due
    plain = run("kpis", "--period", "2026-10", db=db).stdout
    assert "9000.00" in plain and "100.00%" in plain


def test_kpis_refuses_a_bad_period(tmp_path: Path) -> None:
    result = run("kpis", "--period", "2026-13", db=tmp_path / "db", check=False)
    assert result.returncode != 0 and "YYYY-MM" in result.stderr
