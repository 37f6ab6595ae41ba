"""The report's page machinery without the database or charts: long tables repeat their
header on every page, margins say what the report is, text is escaped."""

import re
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from queries.filters import Filters
from reports.blocks import Column, Note, Report, Section, Table
from reports.executive import data_section
from reports.html import css_string, report_html
from reports.i18n import t
from reports.naming import report_filename
from reports.pdf import write_pdf
from reports.render import generated_label
from reports.titles import scope_text


def no_charts(chart):
    raise AssertionError("this report has no charts")


def long_report(lang: str, rows: int) -> Report:
    loan, outstanding = ("借据号", "余额") if lang == "zh" else ("Loan", "Outstanding")
    table = Table(
        "诉讼时效预警" if lang == "zh" else "Limitation watch list",
        (Column(loan), Column(outstanding, True)),
        tuple((f"L{i:05d}", f"{i * 1000:,.2f}") for i in range(rows)),
    )
    return Report(
        lang=lang,
        title="团队管理报告" if lang == "zh" else "Manager report",
        period_label="2026年10月" if lang == "zh" else "Oct 2026",
        scope="团队：<总部>" if lang == "zh" else 'Team: "A&B"',
        generated_at="2026-11-01 08:00 Asia/Shanghai (UTC+08:00)",
        sections=(Section("清单" if lang == "zh" else "Lists", (Note("<b>注</b>"), table)),),
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_table_repeats_its_header_on_every_page(tmp_path, lang):
    pdf = tmp_path / "long.pdf"
    write_pdf(report_html(long_report(lang, 150), no_charts), pdf)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]  # fmt: skip
    assert len(pages) >= 3
    header = ("借据号", "余额") if lang == "zh" else ("Loan", "Outstanding")
    for number, page in enumerate(pages, start=1):
        assert all(label in page for label in header), f"page {number} lacks the header"
    assert "L00149" in pages[-1] and "L00000" in pages[0]
    text = "".join(pages)
    assert ("团队：<总部>" if lang == "zh" else 'Team: "A&B"') in text
    assert "<b>注</b>" in text


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ('Team "A"', '"Team \\"A\\""'),
        ("a\\b", '"a\\\\b"'),
        ("line\nbreak", '"line break"'),
        ("Page ", '"Page "'),
    ],
)
def test_css_strings(text, literal):
    assert css_string(text) == literal


def test_generation_time_names_its_zone():
    moment = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert generated_label(moment) == "2026-03-29 03:30 Europe/Berlin (UTC+02:00)"


@pytest.mark.parametrize(
    ("filters", "lang", "scope", "name"),
    [
        (Filters("2026-10"), "zh", "全部", "executive_all_2026-10_zh.pdf"),
        (Filters("2026-10", team="电催/一组"), "en", "Team: 电催/一组",
         "executive_team-电催-一组_2026-10_en.pdf"),
        (Filters("2026-10", branch="武汉分行", team="外访组"), "zh",
         "分行：武汉分行 · 团队：外访组", "executive_branch-武汉分行_team-外访组_2026-10_zh.pdf"),
    ],
)  # fmt: skip
def test_scope_and_file_name(filters, lang, scope, name):
    assert scope_text(filters, lang) == scope
    assert report_filename("executive", filters, lang) == name
    assert re.fullmatch(r"[\w.-]+", name)


class StubMeasures:
    """Answers of the data section's two measures, without a database."""

    def get(self, fn, filters=None, **options):
        if fn.__name__ == "count_rejected_rows":
            return 7
        return pl.DataFrame(
            {
                "kind": ["loans"],
                "latest_data_on": [date(2026, 10, 31)],
                "last_loaded_at": [datetime(2026, 11, 1, 8, 0)],
                "count_files": [1],
                "count_rows_loaded": [100],
                "count_rows_rejected": [7],
            }
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_row_counts_of_the_whole_book_only_for_readers_of_every_team(lang):
    everyone = data_section(StubMeasures(), Filters("2026-10"), lang)
    scoped = data_section(StubMeasures(), Filters("2026-10", allowed_teams=("A",)), lang)
    table, note = everyone.blocks
    assert len(table.columns) == 6 and table.rows[0][4:] == ("100", "7")
    assert note.text == t("data.rejects_total", lang, count="7")
    table, note = scoped.blocks
    assert len(table.columns) == 3 and all("100" not in cell for cell in table.rows[0])
    assert note.text == t("report.data_counts_hidden", lang)
