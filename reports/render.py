"""`write_report`: one report as a PDF file, from the measures to the page."""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dashboard.formatting import period_label
from queries.filters import Filters
from recovery.database import DatabaseMissing
from recovery.settings import Settings
from reports.blocks import CHART_WIDTH_PX, Chart, Report, Section
from reports.charts import chart_renderer
from reports.executive import EXECUTIVE_SECTIONS
from reports.html import report_html
from reports.i18n import t
from reports.manager import MANAGER_SECTIONS
from reports.measures import ReportMeasures
from reports.pdf import load_in_background, write_pdf
from reports.titles import report_title, scope_text

SectionBuilder = Callable[[ReportMeasures, Filters, str], Section]
TEMPLATES: dict[str, tuple[SectionBuilder, ...]] = {
    "executive": EXECUTIVE_SECTIONS,
    "manager": MANAGER_SECTIONS,
}


SECTION_THREADS = 2


class UnknownTemplate(Exception):
    def __init__(self, template: str):
        super().__init__(f"no report template {template!r}: use one of {', '.join(TEMPLATES)}")


def generated_label(moment: datetime) -> str:
    """2026-11-23 16:30 Asia/Shanghai (UTC+08:00)."""
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzinfo} (UTC{offset[:3]}:{offset[3:]})"


class ChartDrawings:
    """Charts handed to Chromium as soon as their section is built, so they are drawn
    while the next sections' measures run."""

    def __init__(self) -> None:
        self.renderer = chart_renderer()
        self._drawings: dict[int, Future] = {}

    def start(self, section: Section) -> None:
        for chart in section.charts:
            self._drawings[id(chart)] = self.renderer.submit(
                chart.figure, width=CHART_WIDTH_PX, height=chart.height_px
            )

    def svg(self, chart: Chart) -> str:
        drawing = self._drawings.get(id(chart)) or self.renderer.submit(
            chart.figure, width=CHART_WIDTH_PX, height=chart.height_px
        )
        return self.renderer.wait(drawing)


def build_report(
    template: str,
    filters: Filters,
    lang: str,
    settings: Settings,
    *,
    generated_at: datetime,
    on_section: Callable[[Section], None] = lambda section: None,
) -> Report:
    if template not in TEMPLATES:
        raise UnknownTemplate(template)
    measures = ReportMeasures(settings)

    def build(section_of: SectionBuilder) -> Section:
        section = section_of(measures, filters, lang)
        on_section(section)
        return section

    # Two at a time: while one section's queries run in DuckDB, the other's Python
    # (frames, figures) gets the interpreter.
    with ThreadPoolExecutor(max_workers=SECTION_THREADS) as pool:
        sections = list(pool.map(build, TEMPLATES[template]))
    window = t("report.window", lang, days=settings.attribution_window_days)
    return Report(
        lang=lang,
        title=report_title(template, lang),
        period_label=period_label(filters.period, lang),
        scope=f"{scope_text(filters, lang)} · {window}",
        generated_at=generated_label(generated_at),
        sections=tuple(sections),
    )


def render_report(report: Report, out_path: Path, drawings: ChartDrawings | None = None) -> None:
    write_pdf(report_html(report, (drawings or ChartDrawings()).svg), out_path)


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
    if not settings.db.exists():
        raise DatabaseMissing(settings.db)
    drawings = ChartDrawings()
    drawings.renderer.start()  # Chromium starts while the first measures run
    load_in_background()
    moment = generated_at or datetime.now(ZoneInfo(settings.timezone))
    report = build_report(
        template, filters, lang, settings, generated_at=moment, on_section=drawings.start
    )
    render_report(report, out_path, drawings)
    return out_path
