"""The dashboard benchmark on a tiny demo book: it starts the app, answers every page's
callbacks over HTTP for a filter change, cold and warm, and writes its report. No timing
asserts: machines are noisy."""

import json
from pathlib import Path

import pytest

from bench.dashboard_bench import PAGES, run
from tests.dashboard_demo import build_demo_db


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    folder = tmp_path_factory.mktemp("dashboard-bench")
    db = build_demo_db(folder, loans=300, months=3)
    out = folder / "report"
    return run(db, out, steps=2), out


@pytest.mark.slow
def test_every_page_and_callback_is_timed(report: tuple[dict, Path]) -> None:
    summary, _ = report
    pages = {row["page"] for row in summary["callbacks"]}
    assert pages == set(PAGES)
    layouts = [row for row in summary["callbacks"] if row["callback"] == "layout"]
    assert len(layouts) == len(PAGES)
    assert len(summary["callbacks"]) > 30
    assert {r["status"] for r in summary["requests"]} <= {200, 204}
    rounds = {(r["round"], r["step"]) for r in summary["requests"]}
    assert rounds == {("cold", 0), ("cold", 1), ("warm", 0), ("warm", 1)}


@pytest.mark.slow
def test_the_report_is_written(report: tuple[dict, Path]) -> None:
    summary, out = report
    assert json.loads((out / "dashboard_bench.json").read_text("utf-8")) == summary
    table = (out / "dashboard_bench.md").read_text("utf-8")
    assert "| overview | overview-kpi-outstanding-value |" in table
    assert f"of {len(summary['callbacks'])}" in table
