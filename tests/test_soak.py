"""A short soak and crash run (bench/soak.py) on a tiny demo book: the dashboard answers
every request while each kind of change loads, and loads killed at random moments leave
the database as it was and load whole when run again. No timing asserts: machines are
noisy."""

import json
from pathlib import Path

import pytest

from bench.dashboard_bench import PAGES
from bench.soak import CHANGES, run, summary


@pytest.mark.slow
def test_the_dashboard_answers_during_loads_and_a_killed_load_loses_nothing(
    tmp_path: Path,
) -> None:
    report = run(
        tmp_path / "soak",
        minutes=0.3,
        min_loads=len(CHANGES),
        kills=3,
        crash_rows=2000,
        loans=300,
        months=3,
        clients=2,
        out_dir=tmp_path / "out",
    )
    assert report["ok"], summary(report)

    soak, crash = report["soak"], report["crash"]
    assert soak["state_checks_failed"] == []
    assert all(soak["loads_by_change"][change] >= 1 for change in CHANGES), soak
    assert soak["http"]["failed"] == 0
    assert all(soak["http"]["by_kind"][kind] > 0 for kind in ("page", "layout", "callback"))
    assert report["pages"] == sorted(PAGES.values())
    assert report["callbacks"] > 30

    assert crash["kills"] == 3
    assert crash["killed_mid_load"] >= 1, "no kill landed during a load: the run proved nothing"
    assert (
        crash["database_as_before"] + crash["committed_before_the_kill"] == crash["killed_mid_load"]
    )
    assert crash["reloads_completed"] == 3
    assert crash["failures"] == []
    assert crash["http"]["failed"] == 0

    assert report["server_alive_at_end"] and report["server_tracebacks"] == 0
    written = json.loads((tmp_path / "out" / "soak.json").read_text("utf-8"))
    assert written == json.loads(json.dumps(report, default=str))
