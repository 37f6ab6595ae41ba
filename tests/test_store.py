"""The published store (recovery/store.py): a version writes only the months it changed,
readers see one version of every table, and a publish killed before its rename leaves the
version before it whole."""

import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from recovery import store
from recovery.store import EVERY_MONTH, open_catalog, parts_folder, publish

TABLES = {"payments": "paid_at", "teams": None}
NOW = datetime(2026, 12, 1, 9, 0)
RETENTION = timedelta(minutes=10)


@pytest.fixture
def work() -> duckdb.DuckDBPyConnection:
    """A writer's database: payments of September and October, and the teams."""
    con = duckdb.connect()
    con.execute(
        """
        create table payments (payment_id varchar, paid_at timestamp, amount decimal(18, 2));
        insert into payments values
            ('P1', '2026-09-03 10:00', 100.10), ('P2', '2026-09-30 23:59', 20.00),
            ('P3', '2026-10-01 00:00', 3.33);
        create table teams (team varchar, team_type varchar);
        insert into teams values ('电催一组', 'phone');
        """
    )
    return con


def rows(catalog: Path, sql: str) -> list[tuple]:
    with open_catalog(catalog) as con:
        return con.execute(sql).fetchall()


def files_of(catalog: Path, table: str) -> dict[str, Path]:
    """The table's files, by month (YYYY-MM, or 'none')."""
    found = rows(catalog, f"select month, path from store_files where table_name = '{table}'")
    return {
        month.strftime("%Y-%m") if month else "none": catalog.parent / path for month, path in found
    }


def test_the_first_version_holds_every_table_by_month(work, tmp_path: Path) -> None:
    catalog = tmp_path / "recovery.duckdb"
    published = publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    assert published.version == 1
    assert set(files_of(catalog, "payments")) == {"2026-09", "2026-10"}
    assert rows(catalog, "select payment_id, amount from payments order by 1") == [
        ("P1", Decimal("100.10")),
        ("P2", Decimal("20.00")),
        ("P3", Decimal("3.33")),
    ]
    assert rows(catalog, "select * from teams") == [("电催一组", "phone")]
    assert all(
        p.is_relative_to(parts_folder(catalog)) for p in files_of(catalog, "payments").values()
    )


def test_a_version_writes_only_the_months_it_changed(work, tmp_path: Path) -> None:
    catalog = tmp_path / "recovery.duckdb"
    publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    before = files_of(catalog, "payments")
    teams_before = files_of(catalog, "teams")
    work.execute("insert into payments values ('P4', '2026-10-15 08:00', 7.00)")
    published = publish(
        work, catalog, TABLES, {"payments": date(2026, 10, 1)}, retention=RETENTION, now=NOW
    )
    after = files_of(catalog, "payments")
    assert published.version == 2 and published.files_written == 1
    assert after["2026-09"] == before["2026-09"]  # September's file kept
    assert after["2026-10"] != before["2026-10"]
    assert files_of(catalog, "teams") == teams_before  # not changed: not written
    assert rows(catalog, "select count(*), sum(amount) from payments") == [(4, Decimal("130.43"))]
    assert before["2026-10"].exists()  # within the retention a reader may still read it


def test_a_month_emptied_leaves_the_table_and_its_other_months(work, tmp_path: Path) -> None:
    catalog = tmp_path / "recovery.duckdb"
    publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    work.execute("delete from payments where paid_at >= '2026-10-01'")
    publish(work, catalog, TABLES, {"payments": date(2026, 10, 1)}, retention=RETENTION, now=NOW)
    assert set(files_of(catalog, "payments")) == {"2026-09"}
    work.execute("delete from payments")
    publish(work, catalog, TABLES, {"payments": EVERY_MONTH}, retention=RETENTION, now=NOW)
    assert rows(catalog, "select count(*) from payments") == [(0,)]  # empty, with its columns
    assert [c[0] for c in rows(catalog, "describe payments")] == ["payment_id", "paid_at", "amount"]


def test_a_reader_of_the_old_catalog_keeps_reading_its_version(work, tmp_path: Path) -> None:
    catalog = tmp_path / "recovery.duckdb"
    publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    reader = open_catalog(catalog)
    work.execute("update payments set amount = 0")
    publish(work, catalog, TABLES, {"payments": EVERY_MONTH}, retention=RETENTION, now=NOW)
    assert reader.execute("select sum(amount) from payments").fetchone()[0] == Decimal("123.43")
    reader.close()  # DuckDB opens a path once per process: the new catalog after the old
    assert rows(catalog, "select sum(amount) from payments") == [(Decimal("0.00"),)]


def test_old_files_are_deleted_once_the_retention_has_passed(work, tmp_path: Path) -> None:
    catalog = tmp_path / "recovery.duckdb"
    publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    first = files_of(catalog, "payments")
    publish(work, catalog, TABLES, {"payments": EVERY_MONTH}, retention=RETENTION, now=NOW)
    assert all(p.exists() for p in first.values())
    later = NOW + RETENTION + timedelta(seconds=1)
    published = publish(
        work, catalog, TABLES, {"teams": EVERY_MONTH}, retention=RETENTION, now=later
    )
    assert published.files_deleted == len(first)  # the teams file it dropped waits
    assert not any(p.exists() for p in first.values())
    assert rows(catalog, "select count(*) from payments") == [(3,)]


def test_a_publish_killed_before_its_rename_leaves_the_version_before(
    work, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "recovery.duckdb"
    publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    work.execute("insert into payments values ('P4', '2026-11-02 08:00', 7.00)")

    def killed(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(store.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(
            work, catalog, TABLES, {"payments": date(2026, 11, 1)}, retention=RETENTION, now=NOW
        )
    monkeypatch.undo()
    assert rows(catalog, "select max(version) from store_version") == [(1,)]
    assert rows(catalog, "select count(*) from payments") == [(3,)]
    orphan = parts_folder(catalog) / "payments" / "2026-11" / "v000002.parquet"
    assert orphan.exists()
    published = publish(
        work, catalog, TABLES, {"payments": date(2026, 11, 1)}, retention=RETENTION, now=NOW
    )
    assert published.version == 2 and rows(catalog, "select count(*) from payments") == [(4,)]


def test_views_are_published_over_the_tables(work, tmp_path: Path) -> None:
    catalog = tmp_path / "recovery.duckdb"
    views = {"september": "select * from payments where paid_at < date '2026-10-01'"}
    publish(work, catalog, TABLES, {}, views=views, retention=RETENTION, now=NOW)
    assert rows(catalog, "select count(*) from september") == [(2,)]


def test_a_database_holding_its_tables_becomes_a_catalog(work, tmp_path: Path) -> None:
    catalog = tmp_path / "recovery.duckdb"
    with duckdb.connect(str(catalog)) as old:
        old.execute("create table payments as select 1 as stale")
    published = publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    assert published.version == 1
    assert rows(catalog, "select count(*) from payments") == [(3,)]


def test_a_store_copied_elsewhere_reads_its_own_files(
    work, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the files are found beside the catalog, not in the cwd
    catalog = tmp_path / "here" / "recovery.duckdb"
    catalog.parent.mkdir()
    publish(work, catalog, TABLES, {}, retention=RETENTION, now=NOW)
    copied = tmp_path / "there"
    shutil.copytree(catalog.parent, copied)
    shutil.rmtree(catalog.parent)
    assert rows(copied / "recovery.duckdb", "select count(*) from payments") == [(3,)]
    with open_catalog(copied / "recovery.duckdb") as con:  # a cursor is a session of its own
        assert con.cursor().execute("select count(*) from payments").fetchall() == [(3,)]
