"""A small demo book for the dashboard's tests, built through the real generator and
loader, and a way to point the app's settings at it."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.data import answers
from demo import generate_demo
from etl.load import load_files
from recovery.settings import Settings, get_settings

DEMO_PERIOD = "2026-10"


def build_demo_db(
    folder: Path, *, loans: int = 2000, months: int = 13, assignments: bool = True
) -> Path:
    """The demo book loaded; without its assignments files when `assignments` is false (its
    cases then come from each loan's first action of the month)."""
    files = generate_demo(folder / "files", loans=loans, months=months, end_month=DEMO_PERIOD)
    if not assignments:
        files = [f for f in files if not f.name.startswith("assignments")]
    settings = Settings(db=folder / "recovery.duckdb")
    outcomes = load_files(files, settings)
    assert all(o.status == "loaded" for o in outcomes), outcomes
    return settings.db


@contextmanager
def settings_for(db: Path) -> Iterator[Settings]:
    """The app's settings read this database while inside; the answer cache starts empty."""
    before = os.environ.get("RECOVERY_DB")
    os.environ["RECOVERY_DB"] = str(db)
    get_settings.cache_clear()
    answers().clear()
    try:
        yield get_settings()
    finally:
        if before is None:
            os.environ.pop("RECOVERY_DB", None)
        else:
            os.environ["RECOVERY_DB"] = before
        get_settings.cache_clear()
        answers().clear()
