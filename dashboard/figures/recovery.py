"""Recovery figures: recovery rate with its 95 % interval and cost per 100 recovered by
method or team, the method × aging-bucket heatmap, recovery by days past due at
placement, and visits against quota."""

import plotly.graph_objects as go
import polars as pl

from dashboard.figures.common import (
    empty_figure,
    finish,
    is_empty,
    keyed_axes,
    labels,
    rate_heatmap,
)
from dashboard.figures.theme import BAD, MUTED, PRIMARY, WARNING, bucket_colour
from dashboard.formatting import count, exact_amount, rate
from dashboard.i18n import t


def _value_labels(dimension: str, values: list[str], lang: str) -> list[str]:
    return labels("method", values, lang) if dimension == "method" else values


def recovery_rates(frame: pl.DataFrame, lang: str, *, dimension: str) -> go.Figure:
    """frame: recovery_by(dimension) — recovery rate per group with its 95 % interval as an
    error bar; the tooltip gives the loans behind it. customdata: [group, hover lines…]."""
    if is_empty(frame, "placed", "recovered"):
        return empty_figure(lang)
    groups = frame[dimension].to_list()
    rates = frame["recovery_rate"].to_list()
    lows = [
        None if lo is None or r is None else r - lo
        for r, lo in zip(rates, frame["rate_low"], strict=True)
    ]
    highs = [
        None if h is None or r is None else h - r
        for r, h in zip(rates, frame["rate_high"], strict=True)
    ]
    custom = [
        [
            g,
            rate(r["recovery_rate"], 2),
            f"{rate(r['rate_low'], 2)} – {rate(r['rate_high'], 2)}",
            count(r["count_loans"]),
            exact_amount(r["placed"]),
            exact_amount(r["recovered"]),
        ]
        for g, r in zip(groups, frame.iter_rows(named=True), strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=_value_labels(dimension, groups, lang),
            y=rates,
            marker_color=PRIMARY,
            error_y={
                "type": "data",
                "symmetric": False,
                "array": highs,
                "arrayminus": lows,
                "color": MUTED,
                "thickness": 1.2,
            },
            customdata=custom,
            hovertemplate=(
                f"%{{x}}<br>{t('axis.recovery_rate', lang)}: %{{customdata[1]}}"
                f"<br>{t('axis.interval', lang)}: %{{customdata[2]}}"
                f"<br>{t('axis.loans', lang)}: %{{customdata[3]}}"
                f"<br>{t('axis.placed', lang)}: %{{customdata[4]}}"
                f"<br>{t('axis.recovered', lang)}: %{{customdata[5]}}<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(title=t("axis.recovery_rate", lang), tickformat=".1~%", rangemode="tozero")
    return finish(figure)


def cost_per_100(frame: pl.DataFrame, lang: str, *, dimension: str) -> go.Figure:
    """frame: recovery_by(dimension) — cost per 100 recovered per group (groups that
    recovered nothing have none and are left out). customdata: [group, cost, recovered]."""
    shown = frame.filter(pl.col("cost_per_100_recovered").is_not_null())
    if is_empty(shown, "cost_per_100_recovered"):
        return empty_figure(lang)
    groups = shown[dimension].to_list()
    figure = go.Figure(
        go.Bar(
            x=_value_labels(dimension, groups, lang),
            y=shown["cost_per_100_recovered"].to_list(),
            marker_color=WARNING,
            customdata=[
                [g, f"{c:,.2f}", exact_amount(cost), exact_amount(rec)]
                for g, c, cost, rec in zip(
                    groups,
                    shown["cost_per_100_recovered"],
                    shown["cost"],
                    shown["recovered"],
                    strict=True,
                )
            ],
            hovertemplate=(
                f"%{{x}}<br>{t('axis.cost_per_100', lang)}: %{{customdata[1]}}"
                f"<br>{t('axis.cost', lang)}: %{{customdata[2]}}"
                f"<br>{t('axis.recovered', lang)}: %{{customdata[3]}}<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(title=t("axis.cost_per_100", lang), rangemode="tozero")
    return finish(figure)


def stage_heatmap(frame: pl.DataFrame, lang: str, *, bucket_order: list[str]) -> go.Figure:
    """frame: recovery_by_stage — recovery rate per method (rows) and aging bucket at
    placement (columns, in `bucket_order`, the config's aging order). A cell's keys are its
    y (method) and x (bucket); customdata: [method label, bucket label, rate, loans,
    placed, recovered]."""
    frame = frame.filter(pl.col("bucket") != "not_placed")
    if is_empty(frame, "placed"):
        return empty_figure(lang)
    methods = frame["method"].unique(maintain_order=True).to_list()
    present = set(frame["bucket"])
    buckets = [b for b in bucket_order if b in present]
    method_labels, bucket_labels = labels("method", methods, lang), labels("bucket", buckets, lang)
    cells = {(r["method"], r["bucket"]): r for r in frame.iter_rows(named=True)}
    z, text, custom = [], [], []
    for method, method_label in zip(methods, method_labels, strict=True):
        row = [cells.get((method, b)) for b in buckets]
        z.append([r and r["recovery_rate"] for r in row])
        text.append([rate(r["recovery_rate"]) if r else "" for r in row])
        custom.append(
            [
                [method_label, label, *(_stage_hover(r) if r else ["—"] * 4)]
                for label, r in zip(bucket_labels, row, strict=True)
            ]
        )
    figure = go.Figure(
        rate_heatmap(
            z,
            buckets,
            methods,
            text=text,
            customdata=custom,
            hovertemplate=(
                f"%{{customdata[0]}} · %{{customdata[1]}}"
                f"<br>{t('axis.recovery_rate', lang)}: %{{customdata[2]}}"
                f"<br>{t('axis.loans', lang)}: %{{customdata[3]}}"
                f"<br>{t('axis.placed', lang)}: %{{customdata[4]}}"
                f"<br>{t('axis.recovered', lang)}: %{{customdata[5]}}<extra></extra>"
            ),
        )
    )
    keyed_axes(figure, x=buckets, x_labels=bucket_labels, y=methods, y_labels=method_labels)
    figure.update_xaxes(title=t("axis.bucket_at_placement", lang))
    figure.update_yaxes(autorange="reversed")
    return finish(figure, height=380)


def _stage_hover(row: dict) -> list[str]:
    return [
        rate(row["recovery_rate"], 2),
        count(row["count_loans"]),
        exact_amount(row["placed"]),
        exact_amount(row["recovered"]),
    ]


def recovery_by_age(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: recovery_by_age — recovery rate per aging bucket at placement.
    customdata: [bucket, rate, loans, placed, recovered]."""
    frame = frame.filter(pl.col("bucket") != "not_placed")
    if is_empty(frame, "placed"):
        return empty_figure(lang)
    buckets = frame["bucket"].to_list()
    figure = go.Figure(
        go.Bar(
            x=labels("bucket", buckets, lang),
            y=frame["recovery_rate"].to_list(),
            marker_color=[bucket_colour(i) for i in range(len(buckets))],
            customdata=[
                [b, *_stage_hover(r)]
                for b, r in zip(buckets, frame.iter_rows(named=True), strict=True)
            ],
            hovertemplate=(
                f"%{{x}}<br>{t('axis.recovery_rate', lang)}: %{{customdata[1]}}"
                f"<br>{t('axis.loans', lang)}: %{{customdata[2]}}"
                f"<br>{t('axis.placed', lang)}: %{{customdata[3]}}"
                f"<br>{t('axis.recovered', lang)}: %{{customdata[4]}}<extra></extra>"
            ),
        )
    )
    figure.update_xaxes(title=t("axis.bucket_at_placement", lang))
    figure.update_yaxes(title=t("axis.recovery_rate", lang), tickformat=".1~%", rangemode="tozero")
    return finish(figure)


def visits_against_quota(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: visits_against_quota — visits per collector beside the team's quota (a
    marker); over the quota in the primary colour, short of it in red.
    customdata: [collector, visits, met, quota, share of quota]."""
    if is_empty(frame, "count_visits"):
        return empty_figure(lang)
    names = [
        f"{c or '—'} · {team}" for team, c in zip(frame["team"], frame["collector"], strict=True)
    ]
    quota = frame["monthly_visit_quota"].to_list()
    visits = frame["count_visits"].to_list()
    colours = [PRIMARY if q is None or v >= q else BAD for v, q in zip(visits, quota, strict=True)]
    custom = [
        [c, count(v), count(m), count(q), rate(s)]
        for c, v, m, q, s in frame.select(
            "collector", "count_visits", "count_met", "monthly_visit_quota", "quota_share"
        ).iter_rows()
    ]
    figure = go.Figure()
    figure.add_bar(
        name=t("series.visits", lang),
        x=names,
        y=visits,
        marker_color=colours,
        customdata=custom,
        hovertemplate=(
            f"%{{x}}<br>{t('series.visits', lang)}: %{{customdata[1]}}"
            f"<br>{t('series.met', lang)}: %{{customdata[2]}}"
            f"<br>{t('series.quota', lang)}: %{{customdata[3]}}"
            f"<br>{t('axis.quota_share', lang)}: %{{customdata[4]}}<extra></extra>"
        ),
    )
    figure.add_scatter(
        name=t("series.quota", lang),
        x=names,
        y=quota,
        mode="markers",
        marker={"symbol": "line-ew", "size": 18, "line": {"width": 3, "color": MUTED}},
        hoverinfo="skip",
    )
    figure.update_yaxes(title=t("series.visits", lang))
    figure.update_xaxes(tickangle=-45)
    return finish(figure, height=380)
