"""The measure benchmark on a tiny demo book: every measure of every page and every kind of
drill-down is run under each filter and reported. No timing asserts: machines are noisy."""

from pathlib import Path

import pytest

from bench.query_bench import drill_downs, markdown, run
from queries.catalogue import PAGES
from queries.dimensions import periods
from tests.dashboard_demo import build_demo_db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("query-bench"), loans=300, months=3)


@pytest.mark.slow
def test_every_measure_and_drill_down_is_timed(db: Path) -> None:
    period = periods(db)[0]
    result = run(db, period, repeat=1)
    assert {page: set(r["measures"]) for page, r in result["pages"].items()} == {
        page: set(names) for page, names in PAGES.items()
    }
    assert set(result["drill_downs"]) == set(drill_downs(db, period))
    for times in result["drill_downs"].values():
        assert set(times) == {"none", "team", "branch"}
    table = markdown(result)
    assert "| cases held by a team |" in table
    assert "| promises broken |" in table
