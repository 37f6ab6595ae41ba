"""The store's files themselves, through the real `recovery load`: they hold raw ID card and
phone numbers, so each of them (the catalog, its lock, the writer's database, the Parquet
files and their folders) is its owner's only; a database path that is a symbolic link
stays a link, the load writing the store it points to, and loads through the link and
through the target wait for each other; a folder named like a data file is refused, not
loaded as nothing."""

import json
import os
import stat
import time
from pathlib import Path

import pytest

from recovery.database import query
from recovery.store import parts_folder, work_path
from tests.test_load_safety import (
    LOAD_TIMEOUT_S,
    LOANS,
    POLL_S,
    RACE_ROWS,
    Load,
    finish,
    load_running,
    outcomes,
    run_load,
    start_load,  # noqa: F401  (the fixture)
    write_actions,
    write_rows,
)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def modes(db: Path) -> dict[str, int]:
    """The mode of each file and folder of the store, each Parquet file and folder under
    one name."""
    found = {p.name: mode_of(p) for p in (db, db.with_name(db.name + ".lock"), work_path(db))}
    for path in parts_folder(db).rglob("*"):
        kind = "parquet file" if path.is_file() else "parts folder"
        found[kind] = found.get(kind, mode_of(path)) | mode_of(path)
    found["parts folder"] |= mode_of(parts_folder(db))
    return found


PRIVATE = {"recovery.duckdb": 0o600, "recovery.duckdb.lock": 0o600,
           "recovery.duckdb.work": 0o600, "parquet file": 0o600, "parts folder": 0o700}  # fmt: skip


def test_the_stores_files_are_the_owners_only(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    previous = os.umask(0o022)  # a usual mask: files would be 0644
    try:
        outcomes(run_load(db, write_rows(tmp_path / "loans_2026-10.csv", LOANS)))
        assert modes(db) == PRIVATE
        # A database made by an earlier version, readable by all, is made private by the
        # next load, even one that changes nothing.
        db.chmod(0o644)
        work_path(db).chmod(0o644)
        db.with_name(db.name + ".lock").chmod(0o644)
        again = json.loads(run_load(db, tmp_path / "loans_2026-10.csv").stdout)["files"]
        assert [f["status"] for f in again] == ["unchanged"]
        assert modes(db) == PRIVATE
    finally:
        os.umask(previous)


def test_a_load_through_a_symbolic_link_writes_the_store_it_points_to(tmp_path: Path) -> None:
    target = tmp_path / "data" / "recovery.duckdb"
    link = tmp_path / "current.duckdb"
    link.symlink_to(target)  # dangling until the first load
    outcomes(run_load(link, write_rows(tmp_path / "loans_2026-10.csv", LOANS)))
    assert link.is_symlink() and target.is_file()
    september = [{**row, "as_of_date": "2026-09-30"} for row in LOANS]
    outcomes(run_load(link, write_rows(tmp_path / "loans_2026-09.csv", september)))
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert query(target, "select count(*) from loan_snapshots").item() == 4
    assert not (tmp_path / "current.duckdb.lock").exists()
    assert (tmp_path / "data" / "recovery.duckdb.lock").exists()


@pytest.mark.slow
def test_loads_through_the_link_and_through_the_file_wait_for_each_other(
    tmp_path: Path,
    start_load: Load,  # noqa: F811  (the fixture imported above)
) -> None:
    target = tmp_path / "data" / "recovery.duckdb"
    target.parent.mkdir()
    link = tmp_path / "current.duckdb"
    link.symlink_to(target)
    first = write_actions(tmp_path / "actions_first.csv", RACE_ROWS, "F")
    second = write_actions(tmp_path / "actions_second.csv", RACE_ROWS, "G")

    loads = [start_load(link, first), start_load(target, second)]
    overlapped = False  # one load under way while both commands were running
    deadline = time.monotonic() + 2 * LOAD_TIMEOUT_S
    while any(p.poll() is None for p in loads) and time.monotonic() < deadline:
        overlapped |= all(p.poll() is None for p in loads) and load_running(target)
        time.sleep(POLL_S)
    results = [finish(p) for p in loads]

    assert outcomes(results[0]) == {"actions_first.csv": ("loaded", RACE_ROWS)}
    assert outcomes(results[1]) == {"actions_second.csv": ("loaded", RACE_ROWS)}
    assert overlapped, "the two loads did not run at the same time; the test proved nothing"
    assert link.is_symlink()
    per_file = query(
        target,
        "select l.file_name, count(*) from actions a join load_ledger l using (load_id) "
        "group by l.file_name order by l.file_name",
    )
    assert per_file.rows() == [("actions_first.csv", RACE_ROWS), ("actions_second.csv", RACE_ROWS)]


def test_a_folder_named_like_a_data_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "recovery.duckdb"
    folder = tmp_path / "loans_dir.csv"
    folder.mkdir()
    result = run_load(db, folder)
    assert result.returncode == 1, result.stdout
    [outcome] = json.loads(result.stdout)["files"]
    assert (outcome["file"], outcome["status"]) == ("loans_dir.csv", "refused")
    assert outcome["error"] == (
        "loans_dir.csv: is a folder, not a data file: name the data files, or a folder "
        "holding them (.csv, .parquet, .tsv, .txt, .xlsm, .xlsx)"
    )
    assert not db.exists()
    # A folder holding data files still loads them.
    write_rows(folder / "loans_2026-10.csv", LOANS)
    assert outcomes(run_load(db, folder)) == {"loans_2026-10.csv": ("loaded", 2)}
