"""Files cut short, and snapshots that shrink, against the real `recovery load`.

A file that ends inside its last line (no line break at its end and a line with fewer
fields than the header, a quote left open, or a character cut in its bytes) gets that line
rejected as "the file ends inside this line"; a last line whole but for its line break
loads. A loans file for a snapshot date already loaded that would drop more than 5 % of
that snapshot's loans is refused whole with the counts, unless `--replace-snapshot` says
it is meant; the summary says how many rows each file replaced.
"""

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from recovery.database import query
from tests.test_load_safety import RECOVERY, loader_env, run_load

HEADER = "as_of_date,loan_id,customer_id,principal,outstanding_balance,days_past_due,customer_name"
LOANS = 40
CUT = "the file ends inside this line"


def loan_line(i: int, *, quoted: bool = False, date: str = "2026-10-31") -> str:
    fields = [date, f"L{i:02d}", f"C{i:02d}", "1000.00", f"{500 + i}.00", "10", "欧阳娜娜"]
    if quoted:
        return ",".join(f'"{f}"' for f in fields)
    return ",".join(fields)


def loans_text(*, quoted: bool = False, rows: int = LOANS) -> str:
    header = ",".join(f'"{h}"' for h in HEADER.split(",")) if quoted else HEADER
    return "\n".join([header, *(loan_line(i, quoted=quoted) for i in range(1, rows + 1))]) + "\n"


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def loaded(result: subprocess.CompletedProcess) -> list[dict]:
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)["files"]


def snapshot_loans(db: Path) -> int:
    return query(
        db, "select count(*) from loan_snapshots where as_of_date = date '2026-10-31'"
    ).item()


def rejected(db: Path) -> list[tuple]:
    return query(
        db, "select line, reason, reason_code from rejected_rows order by file_name, line"
    ).rows()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A database holding the 40-loan snapshot of 2026-10-31."""
    db = tmp_path / "db" / "recovery.duckdb"
    db.parent.mkdir()
    [outcome] = loaded(run_load(db, write(tmp_path / "loans_2026-10.csv", loans_text())))
    assert (outcome["status"], outcome["rows_loaded"]) == ("loaded", LOANS)
    return db


# The 40-loan file cut inside line 22 (the 21st loan): each shape of cut, from the
# file's own bytes.
WHOLE = loans_text()
LINE_22 = WHOLE.index("2026-10-31,L21,")
QUOTED = loans_text(quoted=True)
QUOTED_LINE_22 = QUOTED.index('"2026-10-31","L21"')


def cut_inside_a_character(encoding: str) -> bytes:
    """The file in `encoding`, cut after the first byte of line 22's 欧 (the last field)."""
    data = WHOLE.encode(encoding)
    line_22 = len(WHOLE[:LINE_22].encode(encoding))
    return data[: data.index("欧".encode(encoding), line_22) + 1]


CUT_SHAPES = {
    "after-a-comma": WHOLE[: LINE_22 + len("2026-10-31,L21,")].encode(),
    "inside-a-field": WHOLE[: LINE_22 + len("2026-10-31,L21,C2")].encode(),
    "inside-a-date": WHOLE[: LINE_22 + len("2026-10")].encode(),
    "inside-a-quoted-field": QUOTED[: QUOTED_LINE_22 + len('"2026-10-31","L21","C2')].encode(),
    "inside-the-last-quoted-field": QUOTED[: QUOTED.index("欧阳", QUOTED_LINE_22) + 1].encode(),
    "inside-a-utf8-character": cut_inside_a_character("utf-8"),
    "inside-a-gbk-character": cut_inside_a_character("gbk"),
}


@pytest.mark.parametrize("shape", list(CUT_SHAPES))
def test_a_cut_file_gets_its_last_line_rejected(tmp_path: Path, shape: str) -> None:
    db = tmp_path / "fresh.duckdb"
    [outcome] = loaded(run_load(db, write(tmp_path / "loans_2026-10.csv", CUT_SHAPES[shape])))
    assert (outcome["status"], outcome["rows_loaded"], outcome["rows_rejected"]) == (
        "loaded",
        20,
        1,
    )
    assert rejected(db) == [(22, CUT, "file_ends_mid_line")]
    balances = query(db, "select sum(outstanding_balance) from loan_snapshots").item()
    assert balances == Decimal(sum(500 + i for i in range(1, 21)))  # 10,210.00


@pytest.mark.parametrize("shape", list(CUT_SHAPES))
def test_a_cut_file_does_not_replace_the_snapshot_it_would_shrink(
    book: Path, tmp_path: Path, shape: str
) -> None:
    result = run_load(book, write(tmp_path / "loans_2026-10.csv", CUT_SHAPES[shape]))
    [outcome] = loaded(result)
    assert result.returncode == 1
    assert outcome["status"] == "refused"
    assert outcome["error"].startswith(
        "loans_2026-10.csv: would replace the snapshot of 2026-10-31 (40 loans loaded) and "
        "drop 20 of its loans (50.0%), keeping 20; more than the 5% allowed (setting "
        "snapshot_max_drop)."
    ), outcome["error"]
    assert "--replace-snapshot" in outcome["error"]
    assert snapshot_loans(book) == LOANS
    assert rejected(book) == []


def test_a_last_line_whole_but_for_its_line_break_loads(tmp_path: Path) -> None:
    db = tmp_path / "fresh.duckdb"
    for name, text in [("loans_plain.csv", WHOLE), ("loans_quoted.csv", QUOTED)]:
        [outcome] = loaded(run_load(db, write(tmp_path / name, text.rstrip("\n"))))
        assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (LOANS, 0), name
    assert rejected(db) == []


def test_a_short_line_inside_the_file_is_no_cut(tmp_path: Path) -> None:
    db = tmp_path / "fresh.duckdb"
    lines = WHOLE.splitlines()
    lines[5] = "2026-10-31,L05,C05"
    [outcome] = loaded(run_load(db, write(tmp_path / "loans.csv", "\n".join(lines))))
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (LOANS - 1, 1)
    [(line, reason, code)] = rejected(db)
    assert (line, code) == (6, "field_count")
    assert reason != CUT
    # One line short of four fields is one break: the lines after it are counted right.
    lines_of = query(db, "select loan_id, source_line from loan_snapshots where loan_id in "
                     "('L04', 'L06', 'L40') order by loan_id").rows()  # fmt: skip
    assert lines_of == [("L04", 5), ("L06", 7), ("L40", 41)]


def test_a_payments_file_cut_inside_its_last_column_keeps_the_loaded_channel(
    tmp_path: Path,
) -> None:
    db = tmp_path / "fresh.duckdb"
    header = '"payment_id","loan_id","paid_at","amount","channel"'
    rows = [f'"P{i}","L{i}","2026-10-0{i}","100.00","手机银行转账"' for i in range(1, 4)]
    first = write(tmp_path / "payments.csv", "\n".join([header, *rows]) + "\n")
    loaded(run_load(db, first))
    cut = "\n".join([header, *rows])[: -len('银行转账"')]  # ends "…,"手机
    [outcome] = loaded(run_load(db, write(tmp_path / "payments_again.csv", cut)))
    assert (outcome["rows_loaded"], outcome["rows_rejected"], outcome["rows_replaced"]) == (
        2,
        1,
        2,
    )
    assert rejected(db) == [(4, CUT, "file_ends_mid_line")]
    channels = query(db, "select payment_id, channel from payments order by payment_id").rows()
    assert channels == [("P1", "手机银行转账"), ("P2", "手机银行转账"), ("P3", "手机银行转账")]


FIVE_ROWS = {
    "with-a-time-zone": "2026-10-31 00:00:00+08:00",
    "padded-and-quoted": '"  2026-10-31  "',
}


@pytest.mark.parametrize("date", list(FIVE_ROWS))
def test_five_rows_of_a_date_spelled_otherwise_do_not_replace_the_snapshot(
    book: Path, tmp_path: Path, date: str
) -> None:
    text = "\n".join([HEADER, *(loan_line(i, date=FIVE_ROWS[date]) for i in range(1, 6))])
    five = write(tmp_path / "loans_2026-10_fix.csv", text + "\n")
    result = run_load(book, five)
    [outcome] = loaded(result)
    assert (result.returncode, outcome["status"]) == (1, "refused")
    assert "(40 loans loaded) and drop 35 of its loans (87.5%), keeping 5;" in outcome["error"]
    assert snapshot_loans(book) == LOANS

    meant = subprocess.run(
        [str(RECOVERY), "load", str(five), "--json", "--replace-snapshot"],
        env=loader_env(book),
        cwd=book.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    [outcome] = loaded(meant)
    assert meant.returncode == 0, meant.stderr
    assert (outcome["status"], outcome["rows_loaded"], outcome["rows_replaced"]) == (
        "loaded",
        5,
        40,
    )
    assert snapshot_loans(book) == 5


def test_a_snapshot_dropping_at_most_5_percent_replaces_and_says_how_many(
    book: Path, tmp_path: Path
) -> None:
    # 38 of the 40 loans: 2 dropped, exactly 5 %.
    lines = WHOLE.splitlines()
    corrected = write(tmp_path / "loans_2026-10_v2.csv", "\n".join(lines[:-2]) + "\n")
    result = run_load(book, corrected, as_json=False)
    assert result.returncode == 0, result.stderr
    assert "rows replaced" in result.stdout
    assert snapshot_loans(book) == 38
    assert query(book, "select status from load_ledger order by load_id").rows() == [
        ("replaced",),
        ("loaded",),
    ]
    # One more dropped: 37 of the 38, 2.6 %; the summary counts the 38 replaced.
    again = write(tmp_path / "loans_2026-10_v3.csv", "\n".join(lines[:-3]) + "\n")
    [outcome] = loaded(run_load(book, again))
    assert (outcome["rows_loaded"], outcome["rows_replaced"]) == (37, 38)


def test_the_limit_is_a_setting(book: Path, tmp_path: Path) -> None:
    lines = WHOLE.splitlines()
    half = write(tmp_path / "loans_2026-10_half.csv", "\n".join(lines[:21]) + "\n")
    env = {**loader_env(book), "RECOVERY_SNAPSHOT_MAX_DROP": "0.5"}
    result = subprocess.run(
        [str(RECOVERY), "load", str(half), "--json"],
        env=env,
        cwd=book.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    [outcome] = loaded(result)
    assert (outcome["status"], outcome["rows_loaded"], outcome["rows_replaced"]) == (
        "loaded",
        20,
        40,
    )
