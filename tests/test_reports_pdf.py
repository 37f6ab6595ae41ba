"""The PDF reports, read back with poppler's tools: the headline figures exactly as the
KPI layer computes and the dashboard formats them, every font embedded, every page
with its period, filters, generation time and number, no chart cut from its title, and
no personal data unmasked. Page images go to test-output/pdf/ for a person to look at."""

import functools
import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dashboard import formatting
from demo import generate_demo
from etl.load import load_files
from queries.filters import Filters
from queries.kpis import kpi_report
from queries.ranking import by_index
from queries.recovery import recovery_by
from recovery.database import query
from recovery.settings import Settings
from reports.render import build_report, render_report

OUTPUT = Path(__file__).resolve().parents[1] / "test-output" / "pdf"
PERIOD = "2026-10"
GENERATED_AT = datetime(2026, 11, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GENERATED = "2026-11-01 08:00 Asia/Shanghai (UTC+08:00)"
TEAM = "总部法务组"  # a team with loans on the watch list, listed by masked name

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("reports")
    generate_demo(folder / "files", loans=2000, months=13, seed=11, end_month=PERIOD)
    # A short watch period, so the small demo has loans on the limitation watch list.
    settings = Settings(db=folder / "recovery.duckdb", limitation_watch_months=6)
    load_files(sorted((folder / "files").iterdir()), settings)
    return settings


REPORTS = {
    "executive_zh": ("executive", Filters(PERIOD), "zh"),
    "executive_en": ("executive", Filters(PERIOD), "en"),
    "manager_team_zh": ("manager", Filters(PERIOD, team=TEAM), "zh"),
    "manager_en": ("manager", Filters(PERIOD), "en"),
}


@pytest.fixture(scope="module")
def reports(settings):
    """Each report built and rendered once: name → (Report, PDF path)."""
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    built = {}
    for name, (template, filters, lang) in REPORTS.items():
        report = build_report(template, filters, lang, settings, generated_at=GENERATED_AT)
        pdf = OUTPUT / f"{name}.pdf"
        render_report(report, pdf)
        built[name] = (report, pdf)
    return built


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@functools.cache
def pages_of(pdf: Path) -> list[str]:
    """Each page's text (the PDFs are written once per module: read once too)."""
    count = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))
    return [
        run("pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-") for i in range(1, count + 1)
    ]


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_figures_are_the_kpi_layers(settings, reports, lang):
    kpi = kpi_report(
        settings.db,
        Filters(PERIOD),
        window_days=settings.attribution_window_days,
    )
    first_page = flat(pages_of(reports[f"executive_{lang}"][1])[0])
    expected = {
        "outstanding": formatting.amount(Decimal(kpi["outstanding"]), lang),
        "outstanding, exact": formatting.exact_amount(Decimal(kpi["outstanding"])),
        "active loans": formatting.count(kpi["active_loans"]),
        "overdue ratio": formatting.rate(kpi["overdue_ratio"]),
        "NPL ratio": formatting.rate(kpi["npl_ratio"]),
        "recovered": formatting.amount(Decimal(kpi["recovered"]), lang),
        "recovered, exact": formatting.exact_amount(Decimal(kpi["recovered"])),
        "contact rate": formatting.rate(kpi["contact"]["contact_rate"]),
        "effective contact rate": formatting.rate(kpi["contact"]["effective_contact_rate"]),
        "PTP rate": formatting.rate(kpi["promises"]["ptp_rate"]),
        "kept rate": formatting.rate(kpi["promises"]["kept_rate"]),
    }
    missing = {name: value for name, value in expected.items() if value not in first_page}
    assert missing == {}
    assert formatting.period_label(PERIOD, lang) in first_page
    if lang == "zh":
        assert re.search(r"\d亿|\d万", expected["outstanding"])
    else:
        assert re.search(r"\d (m|bn)$", expected["outstanding"])


def test_every_font_is_embedded(reports):
    for _, pdf in reports.values():
        rows = run("pdffonts", str(pdf)).splitlines()[2:]
        assert rows, f"{pdf.name} has no fonts"
        assert all(row.split()[-5] == "yes" for row in rows), f"{pdf.name}:\n" + "\n".join(rows)
        assert any("Noto-Sans-CJK" in row for row in rows)


def test_every_page_says_period_filters_generation_time_and_number(reports):
    zh_filters = "筛选：全部 · 归因窗口 30 天"
    expected = {
        "executive_zh": ("经营管理月报 · 2026年10月", zh_filters, "第 {} / {} 页"),
        "executive_en": (
            "Executive report · Oct 2026",
            "Filters: All · attribution window 30 days",
            "Page {} of {}",
        ),
        "manager_team_zh": (
            "团队管理报告 · 2026年10月",
            f"筛选：团队：{TEAM} · 归因窗口 30 天",
            "第 {} / {} 页",
        ),
        "manager_en": (
            "Manager report · Oct 2026",
            "Filters: All · attribution window 30 days",
            "Page {} of {}",
        ),
    }
    for name, (_, pdf) in reports.items():
        title, filters, numbering = expected[name]
        pages = pages_of(pdf)
        assert len(pages) >= 3
        for number, text in enumerate(pages, start=1):
            text = flat(text)
            for wanted in (title, filters, GENERATED):
                assert wanted in text, f"{name} page {number} lacks {wanted!r}"
            # pdftotext may drop the spaces around the numbers: compare without spaces.
            page_number = numbering.format(number, len(pages)).replace(" ", "")
            assert page_number in text.replace(" ", ""), f"{name} page {number} unnumbered"


def test_pages_render_as_images(reports):
    for name, (_, pdf) in reports.items():
        run("pdftoppm", "-r", "100", "-png", str(pdf), str(OUTPUT / name))
        images = sorted(OUTPUT.glob(f"{name}-*.png"))
        assert len(images) == len(pages_of(pdf))
        assert all(image.stat().st_size > 10_000 for image in images)


def _axis_title(chart) -> str | None:
    layout = chart.figure.layout
    for axis in (layout.yaxis, layout.xaxis):
        if axis.title and axis.title.text:
            return axis.title.text
    annotations = [a.text for a in layout.annotations or () if a.text]
    return annotations[0] if annotations else None


def test_each_chart_stays_on_its_titles_page(reports):
    """A chart's axis title is on a page with the chart's title: the chart was not pushed
    away from its title nor cut across two pages. (pdftotext reads a rotated axis title
    in no fixed order, so only the page is compared.)"""
    for name, (report, pdf) in reports.items():
        pages = [flat(text) for text in pages_of(pdf)]
        for chart in report.charts:
            axis = _axis_title(chart)
            holding = [
                text
                for text in pages
                if chart.title in text and (axis is None or flat(axis) in text)
            ]
            assert holding, f"{name}: the chart {chart.title!r} is not on its title's page"


def test_no_personal_data_unmasked(settings, reports):
    people = query(
        settings.db,
        """
        select distinct customer_name as value from loan_snapshots where customer_name is not null
        union select distinct id_number from loan_snapshots where id_number is not null
        union select distinct phone from contacts
        """,
    )["value"].to_list()
    # Collectors are staff, named on purpose; a customer whose name is (part of) a
    # collector's name cannot be told apart in the text.
    staff = (
        query(
            settings.db,
            "select collector from actions union select collector from assignments",
        )["collector"]
        .drop_nulls()
        .to_list()
    )
    # A number of a few digits (a spoiled phone such as 123) is found in any figure.
    personal = [
        value
        for value in people
        if len(value) >= (7 if value.isdigit() else 2)
        and not any(value in collector for collector in staff)
    ]
    assert len(personal) > 1000
    text = "".join(flat(t) for _, pdf in reports.values() for t in pages_of(pdf))
    assert [value for value in personal if value in text] == []
    manager = flat("".join(pages_of(reports["manager_team_zh"][1])))
    assert re.search(r"[\u4e00-\u9fff]\*{1,3}", manager), "masked customer names are listed"


def test_the_comparisons_show_the_index_with_its_interval_and_cases(settings, reports):
    """The methods table of each report holds the method comparison's figures, each rate
    and index with its interval, as the dashboard writes them."""
    methods = recovery_by(settings.db, Filters(PERIOD), dimension="method", window_days=30)
    phone = formatting.with_intervals(methods).filter(methods["method"] == "phone")
    phone = phone.row(0, named=True)
    text = flat(" ".join(pages_of(reports["executive_en"][1])))
    for heading in ("Recovery index by method (adjusted for the stage mix, 95 % interval)",
                    "Recovery rate and cases by method and stage at placement",
                    "Recovery rate (95 % interval)", "Recovery index (95 % interval)",
                    "Cases cured", "Recovery index by team"):  # fmt: skip
        assert heading in text, heading
    row = " ".join([
        "Phone", formatting.count(phone["cases"]), formatting.exact_amount(phone["placed"]),
        formatting.exact_amount(phone["recovered"]), phone["rate_with_interval"],
        formatting.count(phone["cases_cured"]), phone["index_with_interval"],
    ])  # fmt: skip
    assert row in text
    assert re.search(r"\d+ cases", text) and re.search(r"\d+ ?件", flat(
        " ".join(pages_of(reports["manager_team_zh"][1]))))  # fmt: skip


def test_no_recovery_rate_above_100_percent(reports):
    """On every page comparing recovery (the index's pages), each percentage is a rate
    within 0 and 100 % (the headline's month-on-month changes are on the first page)."""
    checked = 0
    for name, (_, pdf) in reports.items():
        for number, text in enumerate(pages_of(pdf), start=1):
            if "Recovery index" not in text and "回收指数" not in text:
                continue
            shares = [float(v) for v in re.findall(r"(-?\d+(?:\.\d+)?)%", text)]
            assert all(0 <= v <= 100 for v in shares), (name, number, shares)
            checked += len(shares)
    assert checked > 100  # the methods', teams' and collectors' tables were read


def test_collectors_are_listed_team_by_team_in_the_teams_ranking(settings, reports):
    teams = by_index(
        recovery_by(settings.db, Filters(PERIOD), dimension="team", window_days=30), "team"
    )
    collectors = recovery_by(settings.db, Filters(PERIOD), dimension="collector", window_days=30)
    with_collectors = set(collectors["team"])
    titles = [f"Collectors of {team}, ranked by recovery index" for team in teams["team"]
              if team in with_collectors]  # fmt: skip
    text = flat(" ".join(pages_of(reports["manager_en"][1])))
    positions = [text.find(title) for title in titles]
    assert -1 not in positions and positions == sorted(positions)
    assert "Rank in team" in text
