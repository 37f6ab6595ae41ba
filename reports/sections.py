"""Blocks both reports show: recovery by method, team or collector (the recovery index
with its interval and cases, the method × stage matrix), contacts and reachability,
invalid numbers, promises."""

import polars as pl

from dashboard.figures import contacts as contact_figures
from dashboard.figures import recovery as recovery_figures
from dashboard.formatting import with_intervals
from queries.contacts import (
    contact_summary,
    invalid_numbers_by_reason,
    invalid_numbers_summary,
    reachability,
)
from queries.filters import Filters
from queries.portfolio import aging
from queries.promises import promise_summary
from queries.ranking import by_index
from queries.recovery import recovery_by, recovery_by_stage, recovery_source
from reports import tables
from reports.blocks import Block, Chart, Note, Table
from reports.i18n import t
from reports.measures import ReportMeasures
from reports.tables import Field, count_field, money_field, rate_field


def group_fields(dimension: str) -> list[Field]:
    """A collector's table is one team's (titled by it): its rank in the team first."""
    if dimension == "method":
        return [Field("method", "col.method", tables.label_of("method"))]
    if dimension == "collector":
        return [
            count_field("rank_in_team", "col.rank_in_team"),
            Field("collector", "col.collector"),
        ]
    return [Field(dimension, f"col.{dimension}")]


def comparison_fields(dimension: str) -> list[Field]:
    """A recovery comparison's columns (as the dashboard's tables): the group, the cases,
    placed and recovered, the rate and the recovery index each with its interval."""
    return [
        *group_fields(dimension),
        count_field("cases", "col.cases"),
        money_field("placed", "col.placed"),
        money_field("recovered", "col.recovered"),
        Field("rate_with_interval", "col.recovery_rate_interval", tables.text, True),
        count_field("cases_cured", "col.cases_cured"),
        Field("index_with_interval", "col.recovery_index_interval", tables.text, True),
        Field("cost_per_100_recovered", "col.cost_per_100_recovered", tables.per_100, True),
    ]


def comparison(measures: ReportMeasures, filters: Filters, dimension: str) -> pl.DataFrame:
    """recovery_by(dimension), best recovery index first."""
    frame = measures.get(
        recovery_by,
        filters,
        dimension=dimension,
        window_days=measures.window_days,
        commissions=measures.commissions,
    )
    return by_index(frame, dimension)


def index_chart(frame: pl.DataFrame, title: str, lang: str, *, dimension: str) -> Chart:
    figure = recovery_figures.recovery_index(frame, lang, dimension=dimension)
    return Chart(title, figure, height_px=int(figure.layout.height or 320))


def source_notes(measures: ReportMeasures, lang: str) -> list[Block]:
    """The line saying the cases are estimated, when no assignments file is loaded."""
    if measures.get(recovery_source) != "first_action":
        return []
    return [Note(t("note.source_first_action", lang))]


def stage_chart(
    measures: ReportMeasures, filters: Filters, lang: str, *, method_order: list[str]
) -> Chart:
    stages = measures.get(recovery_by_stage, filters, window_days=measures.window_days)
    buckets = measures.get(aging, filters)["bucket"].to_list()
    heatmap = recovery_figures.stage_heatmap(
        stages, lang, bucket_order=buckets, method_order=method_order
    )
    return Chart(t("chart.stage_heatmap", lang), heatmap)


def recovery_blocks(
    measures: ReportMeasures, filters: Filters, lang: str, *, dimension: str
) -> list[Block]:
    """Methods or teams compared: the recovery index chart, (for methods) the method ×
    stage matrix and cost per 100 recovered, and the table."""
    frame = comparison(measures, filters, dimension)
    chart_key = "chart.method_index" if dimension == "method" else "chart.team_index"
    blocks: list[Block] = [index_chart(frame, t(chart_key, lang), lang, dimension=dimension)]
    if dimension == "method":
        blocks.append(stage_chart(measures, filters, lang, method_order=frame["method"].to_list()))
        blocks.append(
            Chart(
                t("chart.method_costs", lang),
                recovery_figures.cost_per_100(frame, lang, dimension="method"),
                height_px=280,
            )
        )
    table_key = "table.methods" if dimension == "method" else "table.teams"
    blocks.append(
        tables.frame_table(
            with_intervals(frame), comparison_fields(dimension), lang, title=t(table_key, lang)
        )
    )
    return blocks


def contact_table(measures: ReportMeasures, filters: Filters, lang: str) -> Table:
    frame = measures.get(contact_summary, filters)
    return tables.frame_table(
        frame,
        [
            count_field("count_phone_actions", "axis.count_phone_actions"),
            count_field("count_connected", "report.col.count_connected"),
            count_field("count_effective", "axis.count_effective"),
            rate_field("contact_rate", "kpi.contact_rate"),
            rate_field("effective_contact_rate", "kpi.effective_contact_rate"),
        ],
        lang,
    )


def reachability_blocks(measures: ReportMeasures, filters: Filters, lang: str) -> list[Block]:
    frame = measures.get(reachability, filters)
    return [
        Chart(
            t("chart.reachability", lang),
            contact_figures.reachability(frame, lang),
            height_px=260,
        ),
        tables.frame_table(
            frame,
            [
                Field("status", "report.col.reachability", tables.label_of("reach")),
                count_field("count_customers", "axis.count_customers"),
                Field("share", "axis.share", tables.share_2, True),
            ],
            lang,
        ),
    ]


def invalid_number_blocks(measures: ReportMeasures, filters: Filters, lang: str) -> list[Block]:
    by_reason = measures.get(invalid_numbers_by_reason, filters)
    summary = measures.get(invalid_numbers_summary, filters)
    return [
        Chart(
            t("chart.invalid_reasons", lang),
            contact_figures.invalid_reasons(by_reason, lang),
            height_px=260,
        ),
        tables.frame_table(
            summary,
            [
                count_field("count_numbers_checked", "report.col.numbers_checked"),
                count_field("count_invalid", "kpi.invalid_numbers"),
                count_field("count_customers", "report.col.customers_on_book"),
                count_field(
                    "count_customers_without_valid_number", "kpi.customers_without_valid_number"
                ),
            ],
            lang,
        ),
    ]


def contact_blocks(measures: ReportMeasures, filters: Filters, lang: str) -> tuple[Block, ...]:
    """The contact section's blocks, the same in every report: the contact figures, the
    reachability and the invalid numbers on file."""
    return (
        contact_table(measures, filters, lang),
        *reachability_blocks(measures, filters, lang),
        *invalid_number_blocks(measures, filters, lang),
    )


def promise_table(measures: ReportMeasures, filters: Filters, lang: str) -> Table:
    frame = measures.get(promise_summary, filters)
    return tables.frame_table(
        frame,
        [
            count_field("count_made", "series.made"),
            rate_field("ptp_rate", "kpi.ptp_rate"),
            count_field("count_due", "report.col.count_due"),
            count_field("count_kept", "verdict.kept"),
            count_field("count_partly_kept", "verdict.partly_kept"),
            count_field("count_broken", "verdict.broken"),
            rate_field("kept_rate", "kpi.kept_rate"),
        ],
        lang,
    )
