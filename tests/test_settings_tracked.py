"""Settings the summary tables are built with are tracked: after a change of the config,
the measures refuse (StaleModel, naming the setting) until `recovery load` (or `recovery
rebuild`) builds again what depends on the changed setting, and only that. Through the
real command line, on a book of four loans worked out by hand."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.catalogue import MEASURES
from queries.filters import Filters
from queries.stale_models import StaleModel
from recovery.settings import Settings
from tests.helpers import write_csv

RECOVERY = Path(sys.executable).parent / "recovery"
OCTOBER = Filters("2026-10")
# days past due 0, 10, 45 and 100; outstanding 100, 200, 300, 400
LOANS = [
    ["2026-10-31", "L1", "C1", "1000", "100", "0"],
    ["2026-10-31", "L2", "C2", "1000", "200", "10"],
    ["2026-10-31", "L3", "C3", "1000", "300", "45"],
    ["2026-10-31", "L4", "C4", "1000", "400", "100"],
]
THIRTY_DAY_BUCKETS = """
[[aging_buckets]]
name = "Current"
min_days = 0
max_days = 0
[[aging_buckets]]
name = "1-30"
min_days = 1
max_days = 30
[[aging_buckets]]
name = "31+"
min_days = 31
"""
SIXTY_DAY_BUCKETS = (
    THIRTY_DAY_BUCKETS.replace('"1-30"', '"1-60"')
    .replace("max_days = 30", "max_days = 60")
    .replace('"31+"\nmin_days = 31', '"61+"\nmin_days = 61')
)


def run(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "RECOVERY_DB": str(folder / "recovery.duckdb"),
        "RECOVERY_CONFIG": str(folder / "recovery.toml"),
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [str(RECOVERY), *args], capture_output=True, text=True, env=env, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def config_settings(folder: Path) -> Settings:
    """The settings `recovery` reads in `folder`: its config file and database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECOVERY_CONFIG", str(folder / "recovery.toml"))
        return Settings(db=folder / "recovery.duckdb")


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Path]:
    """A folder with the loans file, loaded under thirty-day buckets."""
    (tmp_path / "recovery.toml").write_text(THIRTY_DAY_BUCKETS, encoding="utf-8")
    header = ["as_of_date", "loan_id", "customer_id", "principal", "outstanding_balance",
              "days_past_due"]  # fmt: skip
    write_csv(tmp_path / "loans_2026-10.csv", header, LOANS)
    run(tmp_path, "load", str(tmp_path / "loans_2026-10.csv"))
    yield tmp_path


def aging_of(folder: Path) -> pl.DataFrame:
    return MEASURES["aging"](folder / "recovery.duckdb", OCTOBER, config_settings(folder))


def expected_aging(buckets: list[str], loans: list[int], outstanding: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "bucket": buckets,
            "count_loans": loans,
            "outstanding": [D(o) for o in outstanding],
            "loans_share": [n / 4 for n in loans],
            "outstanding_share": [float(o) / 1000 for o in outstanding],
        }
    )


def test_new_buckets_show_after_loading_the_same_file_again(book: Path) -> None:
    assert_frame_equal(
        aging_of(book),
        expected_aging(["Current", "1-30", "31+"], [1, 1, 2], ["100", "200", "700"]),
        check_dtypes=False,
    )
    (book / "recovery.toml").write_text(SIXTY_DAY_BUCKETS, encoding="utf-8")

    with pytest.raises(StaleModel) as refused:
        aging_of(book)
    assert refused.value.settings == ("aging_buckets",)
    assert "month_book" in refused.value.models
    assert "run `recovery load` or `recovery rebuild`" in str(refused.value)
    kpis = run(book, "kpis", "--period", "2026-10", check=False)
    assert kpis.returncode != 0
    assert "aging_buckets" in kpis.stderr and "recovery load" in kpis.stderr

    again = run(book, "load", str(book / "loans_2026-10.csv"))
    assert "unchanged" in again.stdout
    assert "Summary tables rebuilt for changed settings: aging_buckets" in again.stdout
    assert_frame_equal(
        aging_of(book),
        expected_aging(["Current", "1-60", "61+"], [1, 2, 1], ["100", "500", "400"]),
        check_dtypes=False,
    )
    kpis = json.loads(run(book, "kpis", "--period", "2026-10", "--json").stdout)
    assert [(a["bucket"], a["loans"]) for a in kpis["aging"]] == [
        ("Current", 1),
        ("1-60", 2),
        ("61+", 1),
    ]


def test_a_load_with_the_settings_unchanged_rebuilds_nothing(book: Path) -> None:
    before = (book / "recovery.duckdb").stat().st_mtime_ns
    again = run(book, "load", str(book / "loans_2026-10.csv"))
    assert "unchanged" in again.stdout and "Summary tables" not in again.stdout
    assert (book / "recovery.duckdb").stat().st_mtime_ns == before
    assert run(book, "rebuild").stdout.strip() == (
        "Summary tables up to date: built with the config's settings"
    )


def test_rebuild_builds_only_what_depends_on_the_changed_setting(book: Path) -> None:
    config = book / "recovery.toml"
    # before the tables: a key after [[aging_buckets]] would be a bucket's
    config.write_text("promise_grace_days = 5\n" + THIRTY_DAY_BUCKETS, encoding="utf-8")
    with pytest.raises(StaleModel) as refused:
        aging_of(book)  # every measure refuses while a summary table is stale
    assert refused.value.models == ("promise_months", "promise_outcomes")
    assert refused.value.settings == ("promise_grace_days",)

    rebuilt = json.loads(run(book, "rebuild", "--json").stdout)["summary_tables"]
    assert set(rebuilt.pop("model_seconds")) == {"promise_outcomes", "promise_months"}
    assert rebuilt == {
        "models": ["promise_outcomes", "promise_months"],
        "changed_settings": ["promise_grace_days"],
        "changed_definitions": [],
        "changed_tables": [],
        "built_from": {},
    }
    assert aging_of(book)["bucket"].to_list() == ["Current", "1-30", "31+"]
    everything = json.loads(run(book, "rebuild", "--all", "--json").stdout)["summary_tables"]
    assert {"month_book", "cases", "promise_months"} <= set(everything["models"])
    assert everything["changed_settings"] == []


def test_the_dashboard_says_the_tables_are_stale(book: Path) -> None:
    from dashboard.app import create_app
    from tests.dashboard_demo import settings_for

    (book / "recovery.toml").write_text(SIXTY_DAY_BUCKETS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECOVERY_CONFIG", str(book / "recovery.toml"))
        with settings_for(book / "recovery.duckdb"):
            create_app()
            aging_page = sys.modules["pages.aging"]
            data_page = sys.modules["pages.data"]
            for lang, note in [
                ("en", "The summary tables were built with other settings (aging_buckets)"),
                ("zh", "汇总表是按另一套设置（aging_buckets）生成的"),
            ]:
                for layout in (aging_page.layout(lang=lang), data_page.layout(lang=lang)):
                    [shown] = [c for c in walk(layout) if getattr(c, "id", None) == "stale-models"]
                    assert shown.children.startswith(note)
                    assert "recovery load" in shown.children
            # the data page still lists the loads
            assert any(
                getattr(c, "id", None) == "data-history" for c in walk(data_page.layout(lang="en"))
            )


def walk(component: object) -> Iterator[object]:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from walk(child)
