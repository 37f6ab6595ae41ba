from collections.abc import Iterator
from pathlib import Path

import pytest

from recovery.settings import Settings


@pytest.fixture(scope="session", autouse=True)
def private_users_and_audit_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test, and every process a test starts, reads its users file and writes its
    audit log in a folder of the test run: none touches the working copy's config/ or
    data/, and the dashboard is open (no users) unless a test adds some."""
    folder = tmp_path_factory.mktemp("access")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECOVERY_USERS_FILE", str(folder / "users.json"))
        patch.setenv("RECOVERY_AUDIT_LOG", str(folder / "audit.log"))
        yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "db" / "recovery.duckdb")
