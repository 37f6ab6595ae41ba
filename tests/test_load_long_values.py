"""Values too long to show, against the real `recovery load`: a value longer than 200
characters (2,000 for an action's note) is a rejected row, "longer than N characters",
whatever its column's type, and the rejected value kept for the Data page is cut to 200
characters (a 100,000-character name once froze the pages that showed it)."""

import json
import subprocess
from pathlib import Path

import pytest

from dashboard.i18n import t
from recovery.database import query
from tests.test_load_safety import RECOVERY, loader_env, run_load

LOAN_HEADER = (
    "as_of_date,loan_id,customer_id,customer_name,branch,principal,outstanding_balance,"
    "days_past_due"
)
ACTION_HEADER = "action_id,loan_id,action_at,method,team,outcome,note"


def loan(
    loan_id: str, name: str = "张伟", branch: str = "武汉分行", date: str = "2026-10-31"
) -> str:
    return f"{date},{loan_id},C{loan_id},{name},{branch},1000.00,900.00,0"


def loaded(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    [outcome] = json.loads(result.stdout)["files"]
    return outcome


def test_values_longer_than_their_limit_are_rejected_rows(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    lines = [
        LOAN_HEADER,
        loan("L1"),
        loan("L2", name="王" * 100_000),  # line 3
        loan("L3", name="李" * 200),  # exactly the limit: loads
        loan("L" + "4" * 200),  # a 201-character loan id, line 5
        loan("L5", branch="b" * 201),  # line 6
        loan("L6", date="2026-10-31" + " " * 150 + "x" * 41),  # 201 characters, line 7
    ]
    loans = tmp_path / "loans.csv"
    loans.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = loaded(run_load(db, loans))
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (2, 4)
    rows = query(
        db,
        "select line, column_name, length(value), reason, reason_code, reason_detail "
        "from rejected_rows order by line",
    ).rows()
    assert rows == [
        (3, "customer_name", 200, "longer than 200 characters", "too_long", "200"),
        (5, "loan_id", 200, "longer than 200 characters", "too_long", "200"),
        (6, "branch", 200, "longer than 200 characters", "too_long", "200"),
        (7, "as_of_date", 200, "longer than 200 characters", "too_long", "200"),
    ]
    names = query(db, "select loan_id, length(customer_name) from loan_snapshots order by 1")
    assert names.rows() == [("L1", 2), ("L3", 200)]

    listing = subprocess.run(
        [str(RECOVERY), "rejects", "--json"],
        env=loader_env(db),
        cwd=db.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert len(listing.stdout) < 5_000  # the 100,000 characters are nowhere


def test_a_note_may_hold_2000_characters(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    actions = tmp_path / "actions.csv"
    lines = [
        ACTION_HEADER,
        "A1,L1,2026-10-02 10:00:00,sms,T1,," + "记" * 2000,
        "A2,L1,2026-10-02 11:00:00,sms,T1,," + "记" * 2001,
        "A3,L1,2026-10-02 12:00:00,sms," + "T" * 201 + ",,ok",
    ]
    actions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = loaded(run_load(db, actions))
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (1, 2)
    rows = query(db, "select line, column_name, reason from rejected_rows order by line").rows()
    assert rows == [
        (3, "note", "longer than 2000 characters"),
        (4, "team", "longer than 200 characters"),
    ]


@pytest.mark.parametrize(
    ("lang", "reason"), [("zh", "超过 200 个字符"), ("en", "longer than 200 characters")]
)
def test_the_reason_reads_in_both_languages(lang: str, reason: str) -> None:
    assert t("reject.too_long", lang, value="x", detail="200", column="team") == reason
