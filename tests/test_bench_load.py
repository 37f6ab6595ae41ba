"""The load benchmark on a tiny demo: it runs to the end and its report holds together.

No timing asserts: machines are noisy. 6,000 loans make actions files of over 5,000 rows,
which the generator gives bad rows, so the row counts are compared with rejects present."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "load_bench.py"
RECOVERY = Path(sys.executable).parent / "recovery"
KINDS = {"loans", "actions", "payments", "assignments", "contacts", "teams"}


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    folder = tmp_path_factory.mktemp("bench")
    demo, out = folder / "demo", folder / "load_bench.json"
    generate = [str(RECOVERY), "generate", "--loans", "6000", "--months", "3", "--out", str(demo)]
    subprocess.run(generate, check=True, capture_output=True, timeout=120)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(demo), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text(encoding="utf-8")), result.stdout


@pytest.mark.slow
def test_the_report_has_every_field(bench: tuple[dict, str]) -> None:
    report, _ = bench
    assert set(report) == {
        "data",
        "measured_at",
        "code",
        "machine",
        "files",
        "ours",
        "bare",
        "ratio",
        "targets",
    }
    assert set(report["machine"]) == {
        "cores",
        "memory_gb",
        "duckdb_version",
        "python_version",
        "platform",
        "load_average_before",
        "load_average_after",
    }
    assert report["files"]["by_kind"] == {
        "teams": 1,
        "loans": 4,  # the opening book and 3 months
        "contacts": 1,
        "actions": 3,
        "payments": 3,
        "assignments": 4,  # the opening book's open cases and 3 months
    }
    assert set(report["targets"]) == {
        "ratio_max",
        "peak_memory_gb_max",
        "ratio_met",
        "peak_memory_met",
    }


@pytest.mark.slow
def test_rows_time_and_memory_are_plausible(bench: tuple[dict, str]) -> None:
    report, _ = bench
    ours, bare = report["ours"], report["bare"]
    assert ours["files_refused"] == []
    assert set(ours["rows_loaded"]) == set(bare["rows_loaded"]) == KINDS
    assert all(ours["rows_loaded"][kind] > 0 for kind in KINDS)
    assert all(bare["rows_loaded"][kind] > 0 for kind in KINDS)
    assert ours["rows_rejected"]["actions"] > 0
    for run in (ours, bare):
        assert run["wall_seconds"] > 0
        assert run["peak_memory_bytes"] > 0
        assert run["peak_memory_gb"] == pytest.approx(run["peak_memory_bytes"] / 1e9)
    assert report["ratio"] == pytest.approx(ours["wall_seconds"] / bare["wall_seconds"])
    assert sorted(bare["transcoded_before_timer"]) == [
        "contacts.csv",
        "loans_2026-10.csv",
        "payments_2026-09.csv",
    ]


@pytest.mark.slow
def test_bare_and_our_actions_rows_agree_within_our_rejects(bench: tuple[dict, str]) -> None:
    report, _ = bench
    ours = {f["file"]: f for f in report["ours"]["files"] if f["kind"] == "actions"}
    bare = {f["file"]: f["rows"] for f in report["bare"]["files"] if f["kind"] == "actions"}
    assert sorted(ours) == sorted(bare) == [f"actions_2026-{m}.csv" for m in ("08", "09", "10")]
    for name, outcome in ours.items():
        assert abs(bare[name] - outcome["rows_loaded"]) <= outcome["rows_rejected"], name


@pytest.mark.slow
def test_the_markdown_table_is_printed(bench: tuple[dict, str]) -> None:
    _, printed = bench
    measures = [
        line.split("|")[1].strip() for line in printed.splitlines() if line.startswith("| ")
    ]
    assert measures == [
        "measure",
        "files",
        "rows loaded",
        "rows rejected",
        "our wall time (`recovery load`)",
        "bare wall time (DuckDB `read_csv`)",
        "ratio ours / bare",
        "of our time: summary tables for the dashboard",
        "our peak memory",
        "bare peak memory",
    ]
    assert (
        f"DuckDB {duckdb.__version__}" in printed
        and "cores" in printed
        and "load average" in printed
    )
