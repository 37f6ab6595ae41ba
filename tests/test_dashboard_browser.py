"""The dashboard in a real browser (Debian's Chromium, headless) against `recovery serve`
on a small demo book: every page loads without a console error in both languages at 1280
and 1920 pixels (screenshots in test-output/screenshots), a filter change shows the value
the measures compute, the language switch changes every label, a drill-down's downloads
match its table, a team's index bar lists its cases adding up to it, the methods are
ranked by recovery index, and no unmasked personal value reaches the browser."""

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from bench.dashboard_bench import PAGES
from dashboard.formatting import amount, with_interval
from dashboard.i18n import CATALOGUE, value_label
from queries.dimensions import branches, collectors, products, teams
from queries.filters import Filters
from queries.portfolio import portfolio_summary
from queries.ranking import by_index
from queries.recovery import recovery_by
from recovery.database import query
from tests.browser import SCREENSHOTS, grid_drawn, open_page, settle
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db

WIDTHS = (1280, 1920)
CJK = re.compile(r"[\u3400-\u9fff]")
DIGITS = re.compile(r"\d[\dXx]{6,}")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("dashboard-browser"))


@pytest.fixture
def console_errors(browser_page: Page) -> Iterator[list[str]]:
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_page_error(error) -> None:
        errors.append(str(error))

    browser_page.on("console", on_console)
    browser_page.on("pageerror", on_page_error)
    yield errors
    browser_page.remove_listener("console", on_console)
    browser_page.remove_listener("pageerror", on_page_error)


# The texts of KPI cards and stats wider than their box (a figure running into the next card).
OVERFLOWING_CARD_TEXT = """() => [...document.querySelectorAll(
    '.kpi-card .kpi-value, .kpi-card .kpi-label, .kpi-card .kpi-change')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


# Every chart drawn as wide as its box (Plotly redraws a moment after the window resizes).
CHARTS_FIT = """() => [...document.querySelectorAll('.js-plotly-plot')].every(plot => {
  const svg = plot.querySelector('.main-svg');
  return svg !== null && Math.abs(svg.getBoundingClientRect().width - plot.clientWidth) <= 2;
})"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_loads_without_errors(
    site: str, browser_page: Page, console_errors: list[str], lang: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        browser_page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        open_page(browser_page, f"{site}{path}?lang={lang}")
        assert browser_page.locator(".nav-link.active").count() == 1, name
        for width in WIDTHS:
            browser_page.set_viewport_size({"width": width, "height": 900})
            browser_page.wait_for_function(CHARTS_FIT)  # charts follow the new width
            overflowing = browser_page.evaluate(OVERFLOWING_CARD_TEXT)
            assert overflowing == [], f"{name} at {width} px: {overflowing}"
            browser_page.screenshot(
                path=SCREENSHOTS / f"dashboard-{name}-{lang}-{width}.png", full_page=True
            )
        assert console_errors == [], name


def test_a_filter_change_shows_the_measures_value(
    site: str, book: Path, browser_page: Page, console_errors: list[str]
) -> None:
    branch = branches(book)[1]
    expected = amount(
        portfolio_summary(book, Filters(DEMO_PERIOD, branch=branch))["outstanding"].item(), "en"
    )
    everything = amount(portfolio_summary(book, Filters(DEMO_PERIOD))["outstanding"].item(), "en")
    card = browser_page.locator("#overview-kpi-outstanding-value")
    open_page(browser_page, f"{site}/?lang=en")
    expect(card).to_have_text(everything)
    browser_page.locator("#filter-branch").click()
    browser_page.get_by_role("option", name=branch).click()
    browser_page.wait_for_url(re.compile(r"branch="))
    expect(card).to_have_text(expected)
    assert expected != everything
    browser_page.reload()  # the view is in the URL: a bookmark shows the same figures
    settle(browser_page)
    expect(card).to_have_text(expected)
    expect(browser_page.locator("#filter-branch")).to_contain_text(branch)
    assert console_errors == []


def data_values(book: Path) -> set[str]:
    return {*branches(book), *products(book), *teams(book), *collectors(book)}


def test_the_language_switch_changes_every_label(
    site: str, book: Path, browser_page: Page, console_errors: list[str]
) -> None:
    open_page(browser_page, f"{site}/aging?lang=zh")
    chinese = browser_page.locator("body").inner_text()
    assert "账龄与资产质量" in chinese and "迁徙率矩阵" in chinese
    browser_page.locator("#lang-switch").click()
    browser_page.wait_for_url(re.compile(r"lang=en"))
    settle(browser_page)
    english = browser_page.locator("body").inner_text()
    allowed = data_values(book) | {CATALOGUE["lang.switch"]["en"]}
    stray = [
        line for line in english.splitlines() if CJK.search(line) and line.strip() not in allowed
    ]
    assert stray == []
    assert "Aging and asset quality" in english and "Roll rates" in english
    english_only = {v["en"] for v in CATALOGUE.values() if v["en"] != v["zh"] and len(v["en"]) > 3}
    assert [text for text in english_only if text in chinese.splitlines()] == []
    assert console_errors == []


def grid_rows(page: Page, grid: str) -> list[list[str]]:
    """The rows the grid shows, in its order, as the cells' text."""
    grid_drawn(page, grid)
    rows = page.locator(f"#{grid} .ag-center-cols-container .ag-row")
    shown = sorted(
        (int(rows.nth(i).get_attribute("row-index")), rows.nth(i)) for i in range(rows.count())
    )
    return [row.locator(".ag-cell").all_inner_texts() for _, row in shown]


def test_a_drill_down_download_matches_its_table(
    site: str, browser_page: Page, console_errors: list[str]
) -> None:
    open_page(browser_page, f"{site}/aging?lang=zh")
    bars = browser_page.locator('[id*="aging-loans"] .bars path')
    bars.nth(bars.count() - 1).click(force=True)  # the oldest bucket, this month
    panel = browser_page.locator("#drill-panel")
    expect(panel).to_be_visible()
    settle(browser_page)
    count = int(re.search(r"共 (\d+) 行", browser_page.locator("#drill-count").inner_text())[1])
    assert count > 0
    grid_drawn(browser_page, "drill-grid")
    headers = browser_page.locator("#drill-grid .ag-header-cell-text").all_inner_texts()
    shown = grid_rows(browser_page, "drill-grid")
    with browser_page.expect_download() as csv_download:
        browser_page.locator("#drill-csv").click()
    assert csv_download.value.suggested_filename.endswith(".csv")
    lines = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8-sig"))))
    assert lines[0] == headers and len(lines) - 1 == count
    for grid_row, file_row in zip(shown, lines[1:], strict=False):
        assert grid_row[0] == file_row[0] and grid_row[2] == file_row[2]  # loan, masked name
        assert float(grid_row[8].replace(",", "")) == float(file_row[8])  # outstanding
    with browser_page.expect_download() as xlsx_download:
        browser_page.locator("#drill-xlsx").click()
    sheet = pl.read_excel(xlsx_download.value.path(), engine="calamine", has_header=False)
    assert [str(v) for v in sheet.row(0)] == headers and sheet.height - 1 == count
    assert [r[0] for r in sheet.rows()[1:]] == [r[0] for r in lines[1:]]
    browser_page.locator("#drill-close").click()
    expect(panel).to_be_hidden()
    assert console_errors == []


def personal_numbers(book: Path) -> set[str]:
    """Every phone number and ID number in the book, as written and as digits only."""
    numbers = query(
        book,
        """select id_number as value from loan_snapshots where id_number is not null
        union select phone from contacts
        union select contact_phone from actions where contact_phone is not null""",
    )["value"]
    return {*numbers, *(re.sub(r"\D", "", n) for n in numbers)} - {""}


def test_a_heatmap_cell_opens_the_loans_behind_it(
    site: str, browser_page: Page, console_errors: list[str]
) -> None:
    open_page(browser_page, f"{site}/aging?lang=en")
    cells = browser_page.locator('[id*="aging-roll-matrix"] .nsewdrag').first.bounding_box()
    # The top-left cell: loans current last month and current now, never an empty cell.
    x, y = cells["x"] + cells["width"] / 22, cells["y"] + cells["height"] / 16
    browser_page.mouse.move(x, y)
    browser_page.mouse.click(x, y)
    expect(browser_page.locator("#drill-panel")).to_be_visible()
    expect(browser_page.locator("#drill-title")).to_have_text("Behind it: Rolled Current → Current")
    settle(browser_page)
    count = browser_page.locator("#drill-count").inner_text()
    assert re.fullmatch(r"[\d,]+ rows(, the first [\d,]+ shown)?", count)
    browser_page.locator("#drill-close").click()
    assert console_errors == []


def test_a_contacts_bar_opens_its_customers(
    site: str, browser_page: Page, console_errors: list[str]
) -> None:
    open_page(browser_page, f"{site}/contacts?lang=zh")
    bars = browser_page.locator('[id*="contacts-reachability"] .bars path')
    bars.first.click(force=True)  # reached, the best status
    panel = browser_page.locator("#drill-panel")
    expect(panel).to_be_visible()
    expect(browser_page.locator("#drill-title")).to_have_text(
        "明细：客户可联情况：联系到本人或家人"
    )
    settle(browser_page)
    count = browser_page.locator("#drill-count").inner_text()
    assert re.fullmatch(r"共 [\d,]+ 行(，显示前 [\d,]+ 行)?", count), count
    shown = grid_rows(browser_page, "drill-grid")
    assert shown and all(re.fullmatch(r".\*+", row[1]) for row in shown if row[1] != "—")
    assert {row[5] for row in shown} == {"联系到本人或家人"}
    panel.scroll_into_view_if_needed()
    browser_page.screenshot(path=SCREENSHOTS / "dashboard-contacts-drill-zh.png", full_page=True)
    browser_page.locator("#drill-close").click()
    expect(panel).to_be_hidden()
    assert console_errors == []


def test_no_personal_value_reaches_the_browser(site: str, book: Path, browser_page: Page) -> None:
    bodies: list[str] = []

    def keep(response) -> None:
        if "_dash" in response.url and response.status == 200:
            bodies.append(response.text())

    browser_page.on("response", keep)
    for path in ("/attention", "/promises", "/data", "/aging"):
        open_page(browser_page, f"{site}{path}?lang=en")
        bodies.append(browser_page.content())
    bars = browser_page.locator('[id*="aging-balance"] .bars path')
    bars.nth(bars.count() - 1).click(force=True)
    expect(browser_page.locator("#drill-panel")).to_be_visible()
    settle(browser_page)
    bodies.append(browser_page.content())
    browser_page.remove_listener("response", keep)
    seen = "\n".join(bodies)
    assert "customer_name" in seen  # lists of customers were sent, masked
    digit_runs = set(DIGITS.findall(seen))
    assert digit_runs & personal_numbers(book) == set()
    staff = " ".join(data_values(book))
    names = query(book, "select distinct customer_name from loan_snapshots")["customer_name"]
    full_names = {n for n in names.drop_nulls() if len(n) >= 3 and n not in staff}
    assert full_names & chinese_fragments(seen) == set()


def chinese_fragments(text: str) -> set[str]:
    """Every piece, 3 to 4 characters long, of every run of Chinese characters in `text`."""
    return {
        run[start : start + size]
        for run in re.findall(r"[\u3400-\u9fff]{3,}", text)
        for size in (3, 4)
        for start in range(len(run) - size + 1)
    }


def test_the_download_pdf_button_gives_the_pages_report(
    site: str, browser_page: Page, console_errors: list[str]
) -> None:
    open_page(browser_page, f"{site}/?lang=en")
    with browser_page.expect_download(timeout=120_000) as pdf_download:
        browser_page.locator("#pdf-download-button").click()
    name = pdf_download.value.suggested_filename
    assert name.startswith("executive_all_") and name.endswith("_en.pdf"), name
    text = subprocess.run(
        ["pdftotext", "-layout", pdf_download.value.path(), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Executive report" in text or "Executive" in text
    assert console_errors == []


def test_a_team_index_bar_lists_its_cases_adding_up_to_it(
    site: str, book: Path, browser_page: Page, console_errors: list[str]
) -> None:
    comparison = recovery_by(book, Filters(DEMO_PERIOD), dimension="team", window_days=30)
    best = by_index(comparison.filter(pl.col("recovery_index").is_not_null()), "team").row(
        0, named=True
    )
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    open_page(browser_page, f"{site}/teams?lang=en")
    expect(browser_page.locator('[id*="teams-index"] .bars path').first).to_be_visible()
    expect(browser_page.locator("#teams-source")).to_have_count(0)  # cases from assignments
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 1280
    browser_page.locator('[id*="teams-index"] .bars path').first.click(force=True)  # the best
    expect(browser_page.locator("#drill-title")).to_have_text(f"Behind it: Cases of {best['team']}")
    settle(browser_page)
    cases = best["cases"]
    expected_note = "1 row" if cases == 1 else f"{cases:,} rows"
    expect(browser_page.locator("#drill-count")).to_have_text(expected_note)
    with browser_page.expect_download() as csv_download:
        browser_page.locator("#drill-csv").click()
    lines = list(
        csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8-sig")))
    )
    assert len(lines) == cases
    assert {line["Team"] for line in lines} == {best["team"]}
    assert sum(Decimal(line["Recovered"]) for line in lines) == best["recovered"]
    assert sum(Decimal(line["Placed"]) for line in lines) == best["placed"]
    browser_page.screenshot(path=SCREENSHOTS / "dashboard-teams-drill-en.png", full_page=True)
    assert console_errors == []


def test_the_methods_table_ranks_methods_by_recovery_index(
    site: str, book: Path, browser_page: Page, console_errors: list[str]
) -> None:
    comparison = by_index(
        recovery_by(book, Filters(DEMO_PERIOD), dimension="method", window_days=30), "method"
    )
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    open_page(browser_page, f"{site}/methods?lang=zh")
    expect(browser_page.locator('[id*="methods-index"] .bars path').first).to_be_visible()
    expect(browser_page.locator("#methods-source")).to_have_count(0)  # cases from assignments
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 1280
    rows = grid_rows(browser_page, "methods-table")
    first = comparison.row(0, named=True)
    assert rows[0][0] == value_label("method", first["method"], "zh")
    # the rate and the index with their intervals, as the dashboard writes them
    assert rows[0][4] == with_interval(
        first["recovery_rate"], first["rate_low"], first["rate_high"], is_rate=True
    )
    assert rows[0][6] == with_interval(
        first["recovery_index"], first["index_low"], first["index_high"], is_rate=False
    )
    grid_drawn(browser_page, "methods-table")
    headers = browser_page.locator("#methods-table .ag-header-cell-text").all_inner_texts()
    assert headers[4] == "回收率（95% 区间）" and headers[6] == "回收指数（95% 区间）"
    assert console_errors == []
