"""Hostile text in the data and in the URL, in a real browser: a tiny book whose team,
collector, branch, product and customer names carry script tags, an image with an onerror
handler and a spreadsheet formula, served by `recovery serve` and opened in headless
Chromium. On every page, with and without URL parameters carrying SQL, script and path
fragments, nothing executes (no `window.__pwned`, no dialog, no page error) and the
hostile names are shown as text."""

import csv
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from bench.dashboard_bench import PAGES
from recovery.settings import Settings
from tests.browser import SCREENSHOTS, open_page
from tests.helpers import load

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
FORMULA = "=cmd|' /C calc'!A0"
SVG = "<svg onload=window.__pwned=1>"
PERIOD = "2026-10"
PLAIN = urlencode({"lang": "en", "period": PERIOD})
HOSTILE_URL = urlencode(
    {
        "team": SCRIPT,
        "branch": "' OR 1=1 --",
        "collector": IMG,
        "product": "x'); drop table loans; --",
        "lang": IMG,
        "period": "../../etc/passwd",
        "window": SVG,
    }
)

LOANS = [  # as of, loan, customer, name, product, branch, team, collector, dpd
    ("2026-09-30", "H1", "C1", IMG, FORMULA, FORMULA, IMG, SCRIPT, 65),
    ("2026-09-30", "H2", "C2", SCRIPT, IMG, IMG, SCRIPT, IMG, 100),
    ("2026-10-31", "H1", "C1", IMG, FORMULA, FORMULA, IMG, SCRIPT, 95),
    ("2026-10-31", "H2", "C2", SCRIPT, IMG, IMG, SCRIPT, IMG, 130),
    # H3 falls overdue after its call: a case of the formula-named team.
    ("2026-10-31", "H3", "C3", FORMULA, SCRIPT, SCRIPT, FORMULA, FORMULA, 25),
]
ACTIONS = [  # action, loan, at, method, team, collector, relation, outcome, note
    ("A1", "H1", "2026-10-15 10:00:00", "phone", IMG, SCRIPT, "self", "connected", SCRIPT),
    ("A2", "H2", "2026-09-01 10:00:00", "phone", SCRIPT, IMG, "", "no_answer", IMG),
    ("A3", "H1", "2026-10-20 15:00:00", "visit", IMG, SCRIPT, "self", "met", FORMULA),
    ("A4", "H3", "2026-10-21 09:00:00", "phone", FORMULA, FORMULA, "spouse", "connected", ""),
]
PAYMENTS = [("P1", "H1", "2026-10-22", "300", FORMULA), ("P2", "H3", "2026-10-25", "50", IMG)]
CONTACTS = [("C1", "13812345678", "self", IMG), ("C2", "13912345678", "self", SCRIPT)]
TEAMS = [(IMG, "phone", SCRIPT), (SCRIPT, "field", IMG), (FORMULA, "phone", FORMULA)]


def write(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, *rows])
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-data")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [(*row[:8], "1000", "800", "200" if row[8] else "0", row[8]) for row in LOANS]
    outcomes = load(
        settings,
        write(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "customer_name",
              "product", "branch", "team", "collector", "principal", "outstanding_balance",
              "overdue_amount", "days_past_due"], loans),
        write(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
              "collector", "contact_relation", "outcome", "note"], ACTIONS),
        write(folder / "payments.csv", ["payment_id", "loan_id", "paid_at", "amount",
              "channel"], PAYMENTS),
        write(folder / "contacts.csv", ["customer_id", "phone", "relation", "city"], CONTACTS),
        write(folder / "teams.csv", ["team", "team_type", "manager"], TEAMS),
    )  # fmt: skip
    assert [o.rows_rejected for o in outcomes] == [0] * 5
    return settings.db


@pytest.fixture
def incidents(browser_page: Page) -> Iterator[list[str]]:
    """Dialogs opened and uncaught script errors, as they happen."""
    seen: list[str] = []

    def on_dialog(dialog) -> None:
        seen.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_page_error(error) -> None:
        seen.append(f"page error: {error}")

    browser_page.on("dialog", on_dialog)
    browser_page.on("pageerror", on_page_error)
    yield seen
    browser_page.remove_listener("dialog", on_dialog)
    browser_page.remove_listener("pageerror", on_page_error)


def assert_nothing_ran(page: Page, incidents: list[str], where: str) -> None:
    assert page.evaluate("window.__pwned") is None, where
    assert page.locator("img[src='x'], script:has-text('__pwned'), svg[onload]").count() == 0
    assert incidents == [], where


@pytest.mark.parametrize("query", [PLAIN, HOSTILE_URL], ids=["plain", "hostile-url"])
def test_no_page_runs_hostile_text(
    site: str, browser_page: Page, incidents: list[str], query: str
) -> None:
    for name, path in PAGES.items():
        open_page(browser_page, f"{site}{path}?{query}")
        assert_nothing_ran(browser_page, incidents, name)


@pytest.mark.parametrize("path", [f"/attention?{PLAIN}", f"/contacts?{HOSTILE_URL}"])
def test_hostile_names_are_listed_as_text(
    site: str, browser_page: Page, incidents: list[str], path: str
) -> None:
    open_page(browser_page, f"{site}{path}")
    for name in (IMG, SCRIPT):
        expect(browser_page.locator("body")).to_contain_text(name)
    assert_nothing_ran(browser_page, incidents, path)


def test_hostile_names_are_shown_as_text_in_the_league_and_filter(
    site: str, browser_page: Page, incidents: list[str]
) -> None:
    open_page(browser_page, f"{site}/teams?{PLAIN}")
    expect(browser_page.locator("#teams-league")).to_contain_text(IMG)
    expect(browser_page.locator("#teams-league")).to_contain_text(FORMULA)
    expect(browser_page.locator("#teams-collectors")).to_contain_text(SCRIPT)
    expect(browser_page.get_by_text("<img src=x", exact=False).first).to_be_visible()
    browser_page.locator("#filter-team").click()
    for name in (IMG, SCRIPT, FORMULA):
        expect(browser_page.get_by_role("option", name=name, exact=True)).to_be_visible()
    browser_page.get_by_role("option", name=IMG, exact=True).click()
    browser_page.wait_for_url(lambda url: "team=" in url)
    open_page(browser_page, browser_page.url)
    expect(browser_page.locator("#filter-team")).to_contain_text(IMG)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=SCREENSHOTS / "dashboard-hostile-data-teams.png", full_page=True)
    assert_nothing_ran(browser_page, incidents, "teams")
