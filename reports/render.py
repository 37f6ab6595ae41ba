"""`write_report`: one report as a PDF file, from the measures to the page."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dashboard.formatting import period_label
from queries.filters import Filters
from recovery.settings import Settings
from reports.blocks import CHART_WIDTH_PX, Chart, Report, Section
from reports.charts import chart_renderer
from reports.executive import executive_sections
from reports.html import report_html
from reports.i18n import t
from reports.manager import manager_sections
from reports.measures import ReportMeasures
from reports.pdf import write_pdf
from reports.titles import report_title, scope_text

SectionsOf = Callable[[ReportMeasures, Filters, str], list[Section]]
TEMPLATES: dict[str, SectionsOf] = {
    "executive": executive_sections,
    "manager": manager_sections,
}


class UnknownTemplate(Exception):
    def __init__(self, template: str):
        super().__init__(f"no report template {template!r}: use one of {', '.join(TEMPLATES)}")


def generated_label(moment: datetime) -> str:
    """2026-11-23 16:30 Asia/Shanghai (UTC+08:00)."""
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzinfo} (UTC{offset[:3]}:{offset[3:]})"


def build_report(
    template: str, filters: Filters, lang: str, settings: Settings, *, generated_at: datetime
) -> Report:
    if template not in TEMPLATES:
        raise UnknownTemplate(template)
    measures = ReportMeasures(settings)
    window = t("report.window", lang, days=settings.attribution_window_days)
    return Report(
        lang=lang,
        title=report_title(template, lang),
        period_label=period_label(filters.period, lang),
        scope=f"{scope_text(filters, lang)} · {window}",
        generated_at=generated_label(generated_at),
        sections=tuple(TEMPLATES[template](measures, filters, lang)),
    )


def render_report(report: Report, out_path: Path) -> None:
    renderer = chart_renderer()

    def draw(chart: Chart) -> str:
        return renderer.svg(chart.figure, width=CHART_WIDTH_PX, height=chart.height_px)

    write_pdf(report_html(report, draw), out_path)


def write_report(
    template: str,
    filters: Filters,
    lang: str,
    out_path: Path,
    settings: Settings,
    *,
    generated_at: datetime | None = None,
) -> Path:
    """Writes the report to `out_path` (callers that share a folder use
    `reports.files.write_atomically`)."""
    if template not in TEMPLATES:
        raise UnknownTemplate(template)
    chart_renderer().start()  # Chromium starts while the measures run
    moment = generated_at or datetime.now(ZoneInfo(settings.timezone))
    render_report(build_report(template, filters, lang, settings, generated_at=moment), out_path)
    return out_path
