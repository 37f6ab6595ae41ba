"""The executive report: headline figures against last month and last year, portfolio
and aging, NPL and classification, recovery by method and team, contacts, promises,
cases needing attention, and how fresh and clean the data is."""

import polars as pl

from dashboard.figures import portfolio as portfolio_figures
from dashboard.figures import promises as promise_figures
from queries.attention import limitation_watch, never_worked, stale_cases
from queries.data_status import count_rejected_rows, freshness
from queries.filters import Filters
from queries.portfolio import aging, aging_trend, classification, portfolio_summary, roll_rates
from queries.promises import promise_trend
from queries.recovery import recovered
from reports import sections, tables
from reports.blocks import Block, Chart, Column, Note, Section, Table
from reports.headline import compare, comparison_table, headline_cards
from reports.i18n import t
from reports.measures import ReportMeasures
from reports.tables import Field, count_field, money_field


def headline_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    comparison = compare(measures, filters)
    blocks: list[Block] = [headline_cards(comparison, lang), comparison_table(comparison, lang)]
    snapshot = measures.get(portfolio_summary, filters)["as_of_date"].item()
    blocks.append(
        Note(t("report.snapshot_used", lang, day=tables.day(snapshot, lang)))
        if snapshot
        else Note(t("empty.no_snapshot", lang, period=filters.period))
    )
    return Section(t("report.section.headline", lang), tuple(blocks))


def portfolio_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    trend = measures.get(aging_trend, filters)
    buckets = measures.get(aging, filters)
    return Section(
        t("report.section.portfolio", lang),
        (
            Chart(
                t("chart.aging_balance", lang),
                portfolio_figures.aging_trend(trend, lang, value="outstanding"),
            ),
            tables.frame_table(
                buckets,
                [
                    Field("bucket", "report.col.bucket", tables.label_of("bucket")),
                    count_field("count_loans", "col.count_loans"),
                    money_field("outstanding", "col.outstanding_balance"),
                    Field("loans_share", "report.col.loans_share", tables.share, True),
                    Field("outstanding_share", "report.col.outstanding_share", tables.share, True),
                ],
                lang,
                title=t("report.table.aging", lang),
            ),
            Chart(
                t("chart.roll_matrix", lang),
                portfolio_figures.roll_matrix(measures.get(roll_rates, filters), lang),
            ),
        ),
        starts_page=True,
    )


def classification_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    tiers = measures.get(classification, filters)
    return Section(
        t("report.section.classification", lang),
        (
            Chart(
                t("chart.classification", lang),
                portfolio_figures.classification(tiers, lang),
                height_px=280,
            ),
            tables.frame_table(
                tiers,
                [
                    Field("tier", "col.classification", tables.label_of("tier")),
                    count_field("count_loans", "col.count_loans"),
                    money_field("outstanding", "col.outstanding_balance"),
                    Field("outstanding_share", "report.col.outstanding_share", tables.share, True),
                    Field("is_non_performing", "report.col.non_performing", _yes_no, False),
                ],
                lang,
            ),
        ),
    )


def _yes_no(value: object, lang: str) -> str:
    return t("report.yes" if value else "report.no", lang)


def recovery_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    monthly = measures.monthly(recovered, filters, window_days=measures.window_days)
    blocks: list[Block] = [
        Chart(
            t("chart.recovered_trend", lang),
            portfolio_figures.recovered_trend(monthly, lang),
            height_px=280,
        ),
        *sections.source_notes(measures, lang),
        *sections.recovery_blocks(measures, filters, lang, dimension="method"),
        *sections.recovery_blocks(measures, filters, lang, dimension="team"),
    ]
    return Section(t("report.section.recovery", lang), tuple(blocks), starts_page=True)


def contacts_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    blocks = sections.contact_blocks(measures, filters, lang)
    return Section(t("report.section.contacts", lang), blocks, starts_page=True)


def promises_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    trend = measures.get(promise_trend, filters)
    monthly = trend.filter(pl.col("period").is_in(measures.periods_with_data()))
    return Section(
        t("report.section.promises", lang),
        (
            sections.promise_table(measures, filters, lang),
            Chart(
                t("chart.promise_outcomes", lang),
                promise_figures.promise_outcomes(monthly, lang),
                height_px=300,
            ),
        ),
    )


def attention_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    lists = (
        ("table.stale", measures.get(stale_cases, filters)),
        ("table.never_worked", measures.get(never_worked, filters)),
        (
            "table.limitation",
            measures.get(limitation_watch, filters, watch_months=measures.watch_months),
        ),
    )
    rows = tuple(
        (
            t(key, lang),
            tables.whole(len(frame), lang),
            tables.exact_money(frame["outstanding_balance"].sum() if len(frame) else 0, lang),
        )
        for key, frame in lists
    )
    table = Table(
        None,
        (
            Column(t("report.col.list", lang)),
            Column(t("col.count_loans", lang), True),
            Column(t("col.outstanding_balance", lang), True),
        ),
        rows,
    )
    return Section(t("report.section.attention", lang), (table,))


def data_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    """The whole database's freshness: loads are not filtered. Row counts come from every
    team's files: only a reader who sees every team gets them (as on the Data page)."""
    fresh = measures.get(freshness)
    fields = [
        Field("kind", "col.kind", tables.label_of("kind")),
        Field("latest_data_on", "col.latest_data_on", tables.day),
        Field("last_loaded_at", "col.last_loaded_at", tables.moment),
    ]
    if filters.allowed_teams is not None:
        freshness_table = tables.frame_table(fresh, fields, lang)
        return Section(
            t("report.section.data", lang),
            (freshness_table, Note(t("report.data_counts_hidden", lang))),
        )
    fields += [
        count_field("count_files", "col.count_files"),
        count_field("count_rows_loaded", "col.count_rows_loaded"),
        count_field("count_rows_rejected", "col.count_rows_rejected"),
    ]
    rejected = measures.get(count_rejected_rows)
    return Section(
        t("report.section.data", lang),
        (
            tables.frame_table(fresh, fields, lang),
            Note(t("data.rejects_total", lang, count=tables.whole(rejected, lang))),
        ),
    )


EXECUTIVE_SECTIONS = (
    headline_section,
    portfolio_section,
    classification_section,
    recovery_section,
    contacts_section,
    promises_section,
    attention_section,
    data_section,
)
