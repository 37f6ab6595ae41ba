from pathlib import Path

import pytest

from recovery.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "db" / "recovery.duckdb")
