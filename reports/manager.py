"""The manager report, for one team or all: headline figures, the collectors ranked within
their team by recovery index, methods compared (index, by stage), reachability and invalid
numbers, broken promises and the limitation watch list (customer names masked)."""

from decimal import Decimal

import polars as pl

from dashboard.formatting import with_intervals
from queries.attention import limitation_watch
from queries.contacts import contact_summary
from queries.filters import Filters
from queries.people import first_rows_named
from queries.promises import promise_summary, repeat_promise_breakers
from queries.ranking import by_index, collectors_within_teams
from reports import sections, tables
from reports.blocks import Block, Card, Cards, Note, Section
from reports.headline import total_recovery_rate
from reports.i18n import t
from reports.measures import ReportMeasures
from reports.tables import Field, count_field, money_field

LEAGUE_CHART_COLLECTORS = 15
WATCH_LIST_ROWS = 100
BREAKER_ROWS = 50


def team_cards(measures: ReportMeasures, filters: Filters, lang: str) -> Cards:
    teams = sections.comparison(measures, filters, "team")
    contact = measures.get(contact_summary, filters).row(0, named=True)
    promises = measures.get(promise_summary, filters)
    promises = promises.row(0, named=True)
    placed = sum(teams["placed"].fill_null(0), Decimal(0))
    recovered = sum(teams["recovered"].fill_null(0), Decimal(0))
    cases = int(teams["cases"].sum() or 0)
    cards = (
        Card(t("col.cases", lang), tables.whole(cases, lang)),
        Card(
            t("col.placed", lang), tables.money(placed, lang), (tables.exact_money(placed, lang),)
        ),
        Card(
            t("col.recovered", lang),
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
    """Collectors team by team (the teams in their recovery index order), ranked within
    their team by recovery index (as the dashboard's Teams page)."""
    collectors = sections.comparison(measures, filters, "collector")
    teams = sections.comparison(measures, filters, "team")
    return with_intervals(collectors_within_teams(collectors, teams))


def league_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    """The collectors' index chart (the best), then one table per team, the teams in their
    index order, its collectors ranked within it."""
    frame = collector_league(measures, filters)
    leaders = by_index(frame, "collector").head(LEAGUE_CHART_COLLECTORS)
    chart = sections.index_chart(
        leaders,
        t("report.chart.collector_index", lang, count=LEAGUE_CHART_COLLECTORS),
        lang,
        dimension="collector",
    )
    fields = sections.comparison_fields("collector")
    team_tables = [
        tables.frame_table(
            frame.filter(pl.col("team") == team),
            fields,
            lang,
            title=t("table.collectors_of", lang, team=team),
        )
        for team in frame["team"].unique(maintain_order=True)
    ]
    blocks: list[Block] = [*sections.source_notes(measures, lang), chart, *team_tables]
    return Section(t("report.section.league", lang), tuple(blocks))


def methods_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    blocks = sections.recovery_blocks(measures, filters, lang, dimension="method")
    return Section(t("report.section.methods", lang), tuple(blocks), starts_page=True)


def contacts_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    blocks = sections.contact_blocks(measures, filters, lang)
    return Section(t("report.section.reachability", lang), blocks, starts_page=True)


def promises_section(measures: ReportMeasures, filters: Filters, lang: str) -> Section:
    breakers = measures.get(repeat_promise_breakers, filters)
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
