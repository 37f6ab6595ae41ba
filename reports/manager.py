"""The manager report, for one team or all: headline figures, the collector league
table, methods compared by stage, reachability and invalid numbers, broken promises and
the limitation watch list (customer names masked)."""

from decimal import Decimal

import polars as pl

from dashboard.figures import recovery as recovery_figures
from queries import league
from queries.attention import limitation_watch
from queries.contacts import contact_summary
from queries.filters import Filters
from queries.people import first_rows_named
from queries.portfolio import aging
from queries.promises import promise_summary, repeat_promise_breakers
from queries.recovery import recovery_by, recovery_by_stage
from reports import sections, tables
from reports.blocks import Block, Card, Cards, Chart, Note, Section
from reports.headline import total_recovery_rate
from reports.i18n import t
from reports.measures import ReportMeasures
from reports.tables import Field, count_field, money_field, rate_field

LEAGUE_CHART_COLLECTORS = 15
WATCH_LIST_ROWS = 100
BREAKER_ROWS = 50


def team_cards(measures: ReportMeasures, filters: Filters, lang: str) -> Cards:
    teams = measures.get(recovery_by, filters, dimension="team", window_days=measures.window_days)
    contact = measures.get(contact_summary, filters).row(0, named=True)
    promises = measures.get(promise_summary, filters, grace_days=measures.grace_days)
    promises = promises.row(0, named=True)
    placed = sum(teams["placed"].fill_null(0), Decimal(0))
    recovered = sum(teams["recovered"].fill_null(0), Decimal(0))
    cards = (
        Card(
            t("col.placed", lang), tables.money(placed, lang), (tables.exact_money(placed, lang),)
        ),
        Card(
            t("report.kpi.attributed_recovered", lang),
            tables.money(recovered, lang),
            (tables.exact_money(recovered, lang),),
        ),
        Card(t("kpi.recovery_rate", lang), tables.share(total_recovery_rate(teams), lang)),
        Card(
            t("kpi.effective_contact_rate", lang),
            tables.share(contact["effective_contact_rate"], lang),
        ),
        Card(t("kpi.kept_rate", lang), tables.share(promises["kept_rate"], lang)),
        Card(t("verdict.broken", lang), tables.whole(promises["count_broken"], lang)),
    )
    return Cards(cards)


def headline_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    return Section(t("report.section.team_headline", lang), (team_cards(measures, filters, lang),))


def collector_league(measures: ReportMeasures, filters: Filters) -> pl.DataFrame:
    """Collectors who worked loans, made calls or had promises due in the period, most
    recovered first, with their contact and promise figures (as the dashboard's league)."""
    recovery = measures.get(
        recovery_by, filters, dimension="collector", window_days=measures.window_days
    )
    contacts = measures.get(league.contacts_by, filters, dimension="collector")
    promises = measures.get(
        league.promises_by, filters, dimension="collector", grace_days=measures.grace_days
    )
    joined = (
        recovery.join(contacts, on="collector", how="full", coalesce=True)
        .join(promises, on="collector", how="full", coalesce=True)
        .filter(pl.col("collector").is_not_null())
    )
    ranked = joined.sort("recovered", "collector", descending=[True, False], nulls_last=True)
    return ranked.with_row_index("rank", offset=1)


def league_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    frame = collector_league(measures, filters)
    leaders = frame.head(LEAGUE_CHART_COLLECTORS)
    table = tables.frame_table(
        sections.with_interval(frame),
        [
            count_field("rank", "report.col.rank"),
            Field("collector", "col.collector"),
            count_field("count_loans", "col.count_loans"),
            money_field("placed", "col.placed"),
            money_field("recovered", "col.recovered"),
            rate_field("recovery_rate", "col.recovery_rate"),
            rate_field("effective_contact_rate", "col.effective_contact_rate"),
            count_field("count_due", "report.col.count_due"),
            rate_field("kept_rate", "col.kept_rate"),
            Field("cost_per_100_recovered", "col.cost_per_100_recovered", tables.per_100, True),
        ],
        lang,
        title=t("table.collectors", lang),
    )
    chart = Chart(
        t("report.chart.collector_rates", lang, count=LEAGUE_CHART_COLLECTORS),
        recovery_figures.recovery_rates(leaders, lang, dimension="collector"),
    )
    return Section(t("report.section.league", lang), (chart, table))


def methods_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    stages = measures.get(recovery_by_stage, filters, window_days=measures.window_days)
    buckets = measures.get(aging, filters)["bucket"].to_list()
    heatmap = recovery_figures.stage_heatmap(stages, lang, bucket_order=buckets)
    blocks: list[Block] = [
        Chart(t("chart.stage_heatmap", lang), heatmap),
        *sections.recovery_blocks(measures, filters, lang, dimension="method"),
    ]
    return Section(t("report.section.methods", lang), tuple(blocks), starts_page=True)


def contacts_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    blocks = sections.contact_blocks(measures, filters, lang)
    return Section(t("report.section.reachability", lang), blocks, starts_page=True)


def promises_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    breakers = measures.get(repeat_promise_breakers, filters, grace_days=measures.grace_days)
    named = first_rows_named(measures.db, filters, breakers, limit=BREAKER_ROWS)
    return Section(
        t("report.section.broken_promises", lang),
        (
            sections.promise_table(measures, filters, lang),
            tables.frame_table(
                named,
                [
                    Field("customer_id", "col.customer_id"),
                    Field("customer_name", "col.customer_name"),
                    count_field("count_broken", "col.count_broken"),
                    Field("last_broken_on", "col.last_broken_on", tables.day),
                ],
                lang,
                title=t("table.repeat_breakers", lang),
            ),
        ),
        starts_page=True,
    )


def watch_list_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    watch = measures.get(limitation_watch, filters, watch_months=measures.watch_months)
    named = first_rows_named(measures.db, filters, watch, limit=WATCH_LIST_ROWS)
    table = tables.frame_table(
        named,
        [
            Field("loan_id", "col.loan_id"),
            Field("customer_id", "col.customer_id"),
            Field("customer_name", "col.customer_name"),
            Field("team", "col.team"),
            count_field("days_past_due", "col.days_past_due"),
            money_field("outstanding_balance", "col.outstanding_balance"),
            Field("last_demand_on", "col.last_demand_on", tables.day),
            Field("limitation_on", "col.limitation_on", tables.day),
        ],
        lang,
    )
    note = t("report.watch_list_rule", lang, months=measures.watch_months)
    return Section(t("table.limitation", lang), (Note(note), table))


MANAGER_SECTIONS = (
    headline_section,
    league_section,
    methods_section,
    contacts_section,
    promises_section,
    watch_list_section,
)
