"""Running the dashboard as a user meets it: a real server process and headless Chromium."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from dashboard.process import dashboard_process

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


@contextmanager
def running_dashboard(db: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`recovery serve` on the database `db`, with `env` added to its environment."""
    with dashboard_process(db, env={**os.environ, **(env or {})}, startup_seconds=60) as (url, _):
        yield url


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def settle(page: Page) -> None:
    """Wait until the page's callbacks have answered and nothing is loading."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0"
    )


GRID_DRAWN = """(id) => {
  const headers = [...document.querySelectorAll(`#${id} .ag-header-cell-text`)];
  const drawn = document.querySelector(
    `#${id} .ag-center-cols-container .ag-row, #${id} .ag-overlay-no-rows-center`);
  return headers.length > 0 && headers.every(h => h.textContent.trim() !== '') && drawn !== null;
}"""


def grid_drawn(page: Page, grid: str) -> None:
    """Wait until the grid has drawn its headers and its first rows (or says it has none):
    AG Grid fills its cells after the callback that gave it the data has answered."""
    page.wait_for_function(GRID_DRAWN, arg=grid)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".page")
    settle(page)
