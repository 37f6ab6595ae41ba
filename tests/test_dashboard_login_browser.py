"""Logging in and out in a real browser (Debian's Chromium, headless) against `recovery
serve` with a users file: a page asked for without a session shows the login page, its
language switch works, a manager's login opens the page asked for with their name and
their team, the filter bar offers only their team, and logging out ends the session.
Screenshots go to test-output/screenshots/login-*.png."""

import re
from collections.abc import Iterator

import polars as pl
import pytest
from argon2 import PasswordHasher, profiles
from playwright.sync_api import Page, expect

from queries.catalogue import MEASURES
from queries.filters import Filters
from recovery.settings import Settings
from recovery.users import User, UserStore
from tests.browser import SCREENSHOTS, chromium, running_dashboard
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The dashboard's address and the manager's team."""
    folder = tmp_path_factory.mktemp("login-browser")
    db = build_demo_db(folder, loans=300)
    worked = MEASURES["recovery_by_team"](db, Filters(DEMO_PERIOD), Settings(db=db))
    team = worked.filter(pl.col("team").is_not_null())["team"][0]
    users = UserStore(folder / "users.json", PasswordHasher.from_parameters(profiles.CHEAPEST))
    users.add(User("张经理", "manager", (team,)), PASSWORD)
    env = {"RECOVERY_USERS_FILE": str(users.path), "RECOVERY_AUDIT_LOG": str(folder / "audit.log")}
    with running_dashboard(db, env) as url:
        yield url, team


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900})


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"login-{name}.png", full_page=True)


def test_log_in_through_the_page_switch_language_and_log_out(
    served: tuple[str, str], page: Page
) -> None:
    url, team = served
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{url}/teams?period={DEMO_PERIOD}")
    expect(page).to_have_url(re.compile(r"/login\?"))
    expect(page.locator("h2")).to_have_text("登录")
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    shot(page, "zh")
    page.locator("#login-lang").click()
    expect(page.locator("h2")).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("User name")).to_be_visible()

    page.get_by_label("User name").fill("张经理")
    page.get_by_label("Password").fill("not the password")
    page.locator("#login-submit").click()
    expect(page.locator("#login-message")).to_have_text("Wrong user name or password.")
    shot(page, "en-failed")

    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page).to_have_url(re.compile(rf"/teams\?period={DEMO_PERIOD}&lang=en$"))
    expect(page.locator("#signed-in")).to_have_text("张经理 (manager)")
    expect(page.locator("#scope")).to_have_text(f"Showing only: {team}")
    page.wait_for_load_state("networkidle")
    page.locator("#filter-team").click()
    expect(page.get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("option")).to_have_text(team)
    page.keyboard.press("Escape")
    expect(page.locator('[id*="teams-index"] .main-svg').first).to_be_visible()
    shot(page, "en-signed-in")

    page.locator("#logout").click()
    expect(page).to_have_url(re.compile(r"/login\?lang=en&ended=1$"))
    expect(page.locator("#login-message")).to_have_text("You have logged out.")
    page.goto(f"{url}/")
    expect(page).to_have_url(re.compile(r"/login\?"))
    assert errors == []
