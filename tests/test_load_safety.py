"""Load safety: whatever happens to a load, readers see the old version or the new one.

Every load here is the real `recovery load` command in its own process, against a store
in tmp_path (RECOVERY_DB: its catalog); the test process reads it as readers must, through
short read-only connections (recovery.database.read_only). The big actions file is sized
so a load takes a few seconds on 2 cores (staging costs far more per row than reading),
long enough to read, kill or race it mid-way.
"""

import fcntl
import hashlib
import importlib.resources
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from recovery.database import query, read_only, scalar
from recovery.store import parts_folder, stray_files, work_path

RECOVERY = Path(sys.executable).parent / "recovery"
SMALL_ROWS = 1_000
BIG_ROWS = 150_000
RACE_ROWS = 60_000
LOAD_TIMEOUT_S = 120  # the longest any one load may take before the test gives up
POLL_S = 0.002

Load = Callable[..., subprocess.Popen]


# --- files --------------------------------------------------------------------------------


def write_actions(path: Path, rows: int, loan_prefix: str) -> Path:
    """An actions export with the canonical English headers and no action_id (ids come
    from the content); every row is distinct, and the prefix keeps two files' rows apart."""
    i = pl.int_range(0, rows, dtype=pl.Int64)
    pl.select(
        loan_id=pl.lit(loan_prefix) + (i % 50_000).cast(pl.String),
        action_at=(pl.lit(datetime(2026, 1, 1)) + pl.duration(seconds=i * 7)).dt.strftime(
            "%Y-%m-%d %H:%M:%S"
        ),
        method=pl.when(i % 3 == 0).then(pl.lit("sms")).otherwise(pl.lit("phone")),
        team=pl.lit("team_") + (i % 7).cast(pl.String),
        outcome=pl.when(i % 2 == 0).then(pl.lit("connected")).otherwise(pl.lit("no_answer")),
    ).write_csv(path)
    return path


def write_rows(path: Path, rows: list[dict[str, str | None]]) -> Path:
    pl.DataFrame(rows).write_csv(path)
    return path


LOANS = [
    {"as_of_date": "2026-10-31", "loan_id": "L1", "customer_id": "C1", "principal": "10000.00",
     "outstanding_balance": "8000.50", "days_past_due": "0"},
    {"as_of_date": "2026-10-31", "loan_id": "L2", "customer_id": "C2", "principal": "5000.00",
     "outstanding_balance": "4999.99", "days_past_due": "45"},
]  # fmt: skip
ACTIONS = [
    {"loan_id": "L2", "action_at": "2026-10-02 10:00:00", "method": "phone", "team": "T1",
     "contact_phone": "13812345678", "outcome": "connected"},
    {"loan_id": "L2", "action_at": "2026-10-03 10:00:00", "method": "carrier pigeon",
     "team": "T1", "contact_phone": None, "outcome": None},
]  # fmt: skip
PAYMENTS = [{"loan_id": "L2", "paid_at": "2026-10-05", "amount": "500.00"}]
# No city: a city makes the phone check load phonenumbers' geocoder, seconds per load.
CONTACTS = [{"customer_id": "C2", "phone": "0755-12345678"}]
TEAMS = [{"team": "T1", "team_type": "phone"}]
ASSIGNMENTS = [{"assignment_id": "A1", "loan_id": "L2", "team": "T1", "assigned_on": "2026-10-01",
                "assigned_amount": "4999.99", "days_past_due": "45"}]  # fmt: skip


# --- running the command ------------------------------------------------------------------


def load_command(*files: Path, as_json: bool = True) -> list[str]:
    return [str(RECOVERY), "load", *map(str, files), *(["--json"] if as_json else [])]


def loader_env(db: Path) -> dict[str, str]:
    """The caller's environment without any RECOVERY_* setting but the database."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("RECOVERY_")}
    env["RECOVERY_DB"] = str(db)
    return env


def run_load(db: Path, *files: Path, as_json: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        load_command(*files, as_json=as_json),
        env=loader_env(db),
        cwd=db.parent,  # no recovery.toml of the caller's applies
        capture_output=True,
        text=True,
        timeout=LOAD_TIMEOUT_S,
    )


@pytest.fixture
def start_load() -> Iterator[Load]:
    """Starts loads in the background; any still running when the test ends is killed."""
    started: list[subprocess.Popen] = []

    def start(db: Path, *files: Path) -> subprocess.Popen:
        process = subprocess.Popen(
            load_command(*files),
            env=loader_env(db),
            cwd=db.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=LOAD_TIMEOUT_S)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def outcomes(result: subprocess.CompletedProcess) -> dict[str, tuple[str, int]]:
    """File name → (status, rows loaded), from `recovery load --json`."""
    assert result.returncode == 0, f"load failed:\n{result.stdout}\n{result.stderr}"
    files = json.loads(result.stdout)["files"]
    return {f["file"]: (f["status"], f["rows_loaded"]) for f in files}


# --- reading the database -----------------------------------------------------------------


def load_running(db: Path) -> bool:
    """Whether a load holds the store's lock (recovery.database.exclusive_lock)."""
    with open(db.with_name(db.name + ".lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def parquet_files(db: Path) -> int:
    return sum(1 for _ in parts_folder(db).rglob("*.parquet"))


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def sha256_of(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def count_rows(db: Path, table: str = "actions") -> int:
    with read_only(db) as con:
        return scalar(con, f"select count(*) from {table}")


def schema_tables() -> list[str]:
    schema = importlib.resources.files("etl").joinpath("schema.sql").read_text(encoding="utf-8")
    return re.findall(r"create table if not exists (\w+)", schema)


def snapshot(db: Path) -> dict[str, pl.DataFrame]:
    """Every table of etl/schema.sql, rows sorted."""
    with read_only(db) as con:
        return {
            name: con.sql(f"select * from {name} order by all").pl() for name in schema_tables()
        }


def assert_same_content(after: dict[str, pl.DataFrame], before: dict[str, pl.DataFrame]) -> None:
    assert list(after) == list(before)
    for name, frame in before.items():
        try:
            assert_frame_equal(after[name], frame)
        except AssertionError as error:
            raise AssertionError(f"table {name} changed: {error}") from None


def ledger(db: Path) -> list[tuple]:
    return query(
        db, "select file_name, kind, status, rows_loaded from load_ledger order by load_id"
    ).rows()


# --- tests --------------------------------------------------------------------------------


@pytest.mark.slow
def test_readers_during_a_load_see_the_old_rows_or_the_new_never_a_mix(
    tmp_path: Path, start_load: Load
) -> None:
    db = tmp_path / "recovery.duckdb"
    small = write_actions(tmp_path / "actions_small.csv", SMALL_ROWS, "S")
    big = write_actions(tmp_path / "actions_big.csv", BIG_ROWS, "B")
    assert outcomes(run_load(db, small)) == {"actions_small.csv": ("loaded", SMALL_ROWS)}
    assert count_rows(db) == SMALL_ROWS

    process = start_load(db, big)
    counts: list[int] = []
    errors: list[str] = []
    reads_during_the_load = 0
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    while process.poll() is None and time.monotonic() < deadline:
        loading = load_running(db)
        try:
            counts.append(count_rows(db))
        except Exception as error:  # every failure is a finding: keep reading, report all
            errors.append(repr(error))
        else:
            reads_during_the_load += loading
    result = finish(process)

    assert outcomes(result) == {"actions_big.csv": ("loaded", BIG_ROWS)}
    assert errors == []
    assert set(counts) <= {SMALL_ROWS, SMALL_ROWS + BIG_ROWS}
    assert reads_during_the_load > 5, f"only {reads_during_the_load} reads during the load"
    assert counts.count(SMALL_ROWS) > 5
    assert count_rows(db) == SMALL_ROWS + BIG_ROWS
    assert stray_files(db) == []


@dataclass
class Served:
    """What readers were served when the load started."""

    work_bytes: int  # the writer's database
    parquet_files: int
    started_at: float | None = None  # when the load was seen holding the lock


def load_started(db: Path, served: Served) -> bool:
    return served.started_at is not None


def half_a_second_in(db: Path, served: Served) -> bool:
    return served.started_at is not None and time.monotonic() - served.started_at >= 0.5


def inserting(db: Path, served: Served) -> bool:
    return size_of(work_path(db)) > served.work_bytes


def publishing(db: Path, served: Served) -> bool:
    return parquet_files(db) > served.parquet_files


def wait_for_kill_point(
    process: subprocess.Popen, db: Path, reached: Callable[[Path, Served], bool]
) -> None:
    served = Served(size_of(work_path(db)), parquet_files(db))
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the load ended (exit {process.returncode}) too soon"
        if served.started_at is None and load_running(db):
            served.started_at = time.monotonic()
        if reached(db, served):
            return
        time.sleep(POLL_S)
    pytest.fail(f"kill point {reached.__name__} not reached in {LOAD_TIMEOUT_S} s")


@pytest.mark.slow
@pytest.mark.parametrize(
    "kill_point",
    [
        pytest.param(load_started, id="starting"),
        pytest.param(half_a_second_in, id="reading-and-staging"),
        pytest.param(inserting, id="inserting"),
        pytest.param(publishing, id="publishing"),
    ],
)
def test_a_killed_load_leaves_the_version_before_and_the_next_load_ends_it(
    tmp_path: Path, start_load: Load, kill_point: Callable[[Path, Served], bool]
) -> None:
    db = tmp_path / "recovery.duckdb"
    small = write_actions(tmp_path / "actions_small.csv", SMALL_ROWS, "S")
    big = write_actions(tmp_path / "actions_big.csv", BIG_ROWS, "B")
    assert outcomes(run_load(db, small)) == {"actions_small.csv": ("loaded", SMALL_ROWS)}
    before = snapshot(db)
    digest = sha256_of(db)

    process = start_load(db, big)
    wait_for_kill_point(process, db, kill_point)
    process.kill()
    finish(process)
    assert process.returncode == -signal.SIGKILL

    assert_same_content(snapshot(db), before)
    assert sha256_of(db) == digest
    assert ledger(db) == [("actions_small.csv", "actions", "loaded", SMALL_ROWS)]

    # Killed once the file's rows had committed (always so while publishing), loading it
    # again finds them and publishes them; killed before, it loads them.
    committed = {
        load_started: [False],
        half_a_second_in: [False],
        inserting: [False, True],
        publishing: [True],
    }[kill_point]
    again = outcomes(run_load(db, big))
    assert again in [
        {"actions_big.csv": ("unchanged", 0) if c else ("loaded", BIG_ROWS)} for c in committed
    ]
    assert count_rows(db) == SMALL_ROWS + BIG_ROWS
    assert ledger(db) == [
        ("actions_small.csv", "actions", "loaded", SMALL_ROWS),
        ("actions_big.csv", "actions", "loaded", BIG_ROWS),
    ]
    first_rows = query(
        db,
        """
        select * from actions
        where load_id = (select load_id from load_ledger where file_name = 'actions_small.csv')
        order by all
        """,
    )
    assert_frame_equal(first_rows, before["actions"])
    assert stray_files(db) == []


def test_a_refused_file_leaves_the_store_untouched(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    good = [
        write_rows(tmp_path / "loans_2026-10.csv", LOANS),
        write_rows(tmp_path / "actions_2026-10.csv", ACTIONS),
        write_rows(tmp_path / "payments_2026-10.csv", PAYMENTS),
        write_rows(tmp_path / "contacts.csv", CONTACTS),
        write_rows(tmp_path / "teams.csv", TEAMS),
        write_rows(tmp_path / "assignments_2026-10.csv", ASSIGNMENTS),
    ]
    assert outcomes(run_load(db, *good)) == {
        "teams.csv": ("loaded", 1),
        "loans_2026-10.csv": ("loaded", 2),
        "assignments_2026-10.csv": ("loaded", 1),
        "contacts.csv": ("loaded", 1),
        "actions_2026-10.csv": ("loaded", 1),
        "payments_2026-10.csv": ("loaded", 1),
    }
    before = snapshot(db)
    assert [name for name, frame in before.items() if frame.is_empty()] == []
    digest, inode = sha256_of(db), db.stat().st_ino
    files = sorted(parts_folder(db).rglob("*"))
    no_days_past_due = [{k: v for k, v in row.items() if k != "days_past_due"} for row in LOANS]
    bad = write_rows(tmp_path / "loans_2026-11.csv", no_days_past_due)

    for as_json in (False, True):
        result = run_load(db, bad, as_json=as_json)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "days_past_due" in output
        assert bad.name in output
        assert_same_content(snapshot(db), before)
        assert sha256_of(db) == digest
        assert db.stat().st_ino == inode, "a new catalog was published"
        assert sorted(parts_folder(db).rglob("*")) == files
        assert stray_files(db) == []
    files = json.loads(result.stdout)["files"]
    assert [(f["file"], f["status"], f["rows_loaded"]) for f in files] == [
        ("loans_2026-11.csv", "refused", 0)
    ]
    assert "required column 'days_past_due' is missing" in files[0]["error"]


@pytest.mark.slow
def test_two_loads_at_once_wait_for_each_other(tmp_path: Path, start_load: Load) -> None:
    db = tmp_path / "recovery.duckdb"
    first = write_actions(tmp_path / "actions_first.csv", RACE_ROWS, "F")
    second = write_actions(tmp_path / "actions_second.csv", RACE_ROWS, "G")

    loads = [start_load(db, first), start_load(db, second)]
    overlapped = False  # one load under way while both commands were running
    deadline = time.monotonic() + 2 * LOAD_TIMEOUT_S
    while any(p.poll() is None for p in loads) and time.monotonic() < deadline:
        overlapped |= all(p.poll() is None for p in loads) and load_running(db)
        time.sleep(POLL_S)
    results = [finish(p) for p in loads]

    assert outcomes(results[0]) == {"actions_first.csv": ("loaded", RACE_ROWS)}
    assert outcomes(results[1]) == {"actions_second.csv": ("loaded", RACE_ROWS)}
    assert overlapped, "the two loads did not run at the same time; the test proved nothing"
    assert sorted(ledger(db)) == [
        ("actions_first.csv", "actions", "loaded", RACE_ROWS),
        ("actions_second.csv", "actions", "loaded", RACE_ROWS),
    ]
    per_file = query(
        db,
        """
        select l.file_name, count(*) as count_actions, count(distinct l.batch_id) as batches
        from actions a join load_ledger l using (load_id)
        group by l.file_name order by l.file_name
        """,
    )
    assert per_file.rows() == [
        ("actions_first.csv", RACE_ROWS, 1),
        ("actions_second.csv", RACE_ROWS, 1),
    ]
    assert query(db, "select count(distinct batch_id) as n from load_ledger").item() == 2
    assert stray_files(db) == []
