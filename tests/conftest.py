from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from recovery.settings import Settings
from tests.browser import chromium, running_dashboard


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


@pytest.fixture(scope="module")
def site(book: Path) -> Iterator[str]:
    """The dashboard served on the requesting module's `book` (a loaded database)."""
    with running_dashboard(book) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(site: str) -> Iterator[Page]:
    """One headless Chromium page, 1280 × 900, downloads accepted, for a module's tests."""
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo book (tests/dashboard_demo.py) loaded once for the session: for
    tests that only read it."""
    from tests.dashboard_demo import build_demo_db

    return build_demo_db(tmp_path_factory.mktemp("demo-book"), loans=600)
