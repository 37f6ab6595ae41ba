"""Recovery figures: the recovery index (mix-adjusted, with its 95 % interval and the
cases behind it) and cost per 100 recovered by method, team or collector, the method ×
stage matrix, recovery by days past due at placement, and visits against quota."""

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
from dashboard.figures.theme import BAD, INK, MUTED, PRIMARY, WARNING, bucket_colour
from dashboard.formatting import count, exact_amount, index, interval, rate
from dashboard.i18n import t
from queries.ranking import by_index

# A bar of the index chart per group; the chart grows with the groups it shows.
INDEX_BAR_PX = 30
INDEX_CHART_BASE_PX = 110
INDEX_AXIS_ROOM = 1.35  # beyond the longest bar, for its whisker and its label


def cases_text(cases: int, lang: str) -> str:
    """How many cases a bar or a cell stands on: 12 cases, 1 case (12 件)."""
    return t("figure.one_case" if cases == 1 else "figure.cases", lang, count=count(cases))


def group_keys(frame: pl.DataFrame, dimension: str) -> list[list[str]]:
    """What names each group of recovery_by(dimension): a method or team, or a collector
    and its team (what a click on it reports first)."""
    if dimension == "collector":
        return [[c, team] for c, team in zip(frame["collector"], frame["team"], strict=True)]
    return [[value] for value in frame[dimension]]


def group_labels(frame: pl.DataFrame, dimension: str, lang: str) -> list[str]:
    if dimension == "method":
        return labels("method", frame["method"], lang)
    if dimension == "collector":
        return [
            f"{c or '—'} · {team}"
            for c, team in zip(frame["collector"], frame["team"], strict=True)
        ]
    return [value or "—" for value in frame[dimension]]


def recovery_index(frame: pl.DataFrame, lang: str, *, dimension: str) -> go.Figure:
    """frame: recovery_by(dimension) — the recovery index per group (1.00: as the book
    does for the same stage mix), best first, with its 95 % interval as an error bar, a
    line at 1.00 and the cases behind each bar written on it. Groups with no index
    (nothing was expected of their cases) are left out. customdata: [group keys…
    (collector, team for a collector), index, interval, cases, placed, recovered,
    expected, rate]."""
    shown = frame.filter(pl.col("recovery_index").is_not_null())
    if is_empty(shown, "recovery_index", "expected_recovered"):
        return empty_figure(lang)
    shown = by_index(shown, dimension)
    keys = group_keys(shown, dimension)
    indexes = shown["recovery_index"].to_list()
    lows = [i - lo if lo is not None else None for i, lo in zip(indexes, shown["index_low"],
                                                                 strict=True)]  # fmt: skip
    highs = [h - i if h is not None else None for i, h in zip(indexes, shown["index_high"],
                                                               strict=True)]  # fmt: skip
    custom = [
        [
            *key,
            index(r["recovery_index"]),
            interval(r["index_low"], r["index_high"], index),
            count(r["cases"]),
            exact_amount(r["placed"]),
            exact_amount(r["recovered"]),
            exact_amount(r["expected_recovered"]),
            rate(r["recovery_rate"], 2),
        ]
        for key, r in zip(keys, shown.iter_rows(named=True), strict=True)
    ]
    first = len(keys[0])
    hover = [
        ("axis.recovery_index", 0), ("axis.interval", 1), ("axis.cases", 2),
        ("axis.placed", 3), ("axis.recovered", 4), ("axis.expected", 5),
        ("axis.recovery_rate", 6),
    ]  # fmt: skip
    longest = max(indexes)
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=group_labels(shown, dimension, lang),
            x=indexes,
            marker_color=[PRIMARY if i >= 1 else WARNING for i in indexes],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": highs,
                "arrayminus": lows,
                "color": INK,
                "thickness": 1.2,
                "width": 4,
            },
            text=[cases_text(n, lang) for n in shown["cases"]],
            textposition=["inside" if i >= 0.3 * longest else "outside" for i in indexes],
            insidetextanchor="start",
            textfont={"size": 11},
            cliponaxis=False,
            customdata=custom,
            hovertemplate="%{y}"
            + "".join(
                f"<br>{t(key, lang)}: %{{customdata[{first + position}]}}"
                for key, position in hover
            )
            + "<extra></extra>",
        )
    )
    figure.add_vline(
        x=1,
        line={"color": MUTED, "dash": "dash", "width": 1.5},
        annotation={"text": t("figure.book_level", lang), "font": {"size": 11, "color": MUTED}},
        annotation_position="top",
    )
    # An interval of a group with few cases can be very wide: the axis is set by the
    # indexes (and 1.00), the longest whiskers cut at its edge (the hover has them whole).
    figure.update_xaxes(
        title=t("axis.recovery_index", lang), range=[0, max(1.0, longest) * INDEX_AXIS_ROOM]
    )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_layout(margin={"t": 28})
    return finish(figure, height=INDEX_CHART_BASE_PX + INDEX_BAR_PX * len(indexes))


def cost_per_100(frame: pl.DataFrame, lang: str, *, dimension: str) -> go.Figure:
    """frame: recovery_by(dimension) — cost per 100 recovered per group, cheapest first
    (groups that recovered nothing have none and are left out).
    customdata: [group, cost per 100, cost, recovered]."""
    shown = frame.filter(pl.col("cost_per_100_recovered").is_not_null()).sort(
        "cost_per_100_recovered"
    )
    if is_empty(shown, "cost_per_100_recovered"):
        return empty_figure(lang)
    groups = [key[0] for key in group_keys(shown, dimension)]
    figure = go.Figure(
        go.Bar(
            x=group_labels(shown, dimension, lang),
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


def stage_heatmap(
    frame: pl.DataFrame,
    lang: str,
    *,
    bucket_order: list[str],
    method_order: list[str] | None = None,
) -> go.Figure:
    """frame: recovery_by_stage — recovery rate per method (rows, in `method_order`, e.g.
    the index chart's, when given) and aging bucket at placement (columns, in
    `bucket_order`, the config's aging order); each cell shows its rate over the cases
    behind it. A cell's keys are its y (method) and x (bucket);
    customdata: [method label, bucket label, rate, cases, placed, recovered]."""
    frame = frame.filter(pl.col("bucket") != "not_placed")
    if is_empty(frame, "placed"):
        return empty_figure(lang)
    present_methods = frame["method"].unique(maintain_order=True).to_list()
    ranked = [m for m in (method_order or []) if m in present_methods]
    methods = ranked + [m for m in present_methods if m not in ranked]
    present = set(frame["bucket"])
    buckets = [b for b in bucket_order if b in present]
    method_labels, bucket_labels = labels("method", methods, lang), labels("bucket", buckets, lang)
    cells = {(r["method"], r["bucket"]): r for r in frame.iter_rows(named=True)}
    z, text, custom = [], [], []
    for method, method_label in zip(methods, method_labels, strict=True):
        row = [cells.get((method, b)) for b in buckets]
        z.append([r and r["recovery_rate"] for r in row])
        text.append([_cell_text(r, lang) if r else "" for r in row])
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
                f"<br>{t('axis.cases', lang)}: %{{customdata[3]}}"
                f"<br>{t('axis.placed', lang)}: %{{customdata[4]}}"
                f"<br>{t('axis.recovered', lang)}: %{{customdata[5]}}<extra></extra>"
            ),
        )
    )
    keyed_axes(figure, x=buckets, x_labels=bucket_labels, y=methods, y_labels=method_labels)
    figure.update_xaxes(title=t("axis.bucket_at_placement", lang))
    figure.update_yaxes(autorange="reversed")
    return finish(figure, height=380)


def _cell_text(row: dict, lang: str) -> str:
    return f"{rate(row['recovery_rate'])}<br>{cases_text(row['cases'], lang)}"


def _stage_hover(row: dict) -> list[str]:
    return [
        rate(row["recovery_rate"], 2),
        count(row["cases"]),
        exact_amount(row["placed"]),
        exact_amount(row["recovered"]),
    ]


def recovery_by_age(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: recovery_by_age — recovery rate per aging bucket at placement.
    customdata: [bucket, rate, cases, placed, recovered]."""
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
                f"<br>{t('axis.cases', lang)}: %{{customdata[2]}}"
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
    customdata: [collector, team, visits, met, quota, share of quota]."""
    if is_empty(frame, "count_visits"):
        return empty_figure(lang)
    names = [
        f"{c or '—'} · {team}" for team, c in zip(frame["team"], frame["collector"], strict=True)
    ]
    quota = frame["monthly_visit_quota"].to_list()
    visits = frame["count_visits"].to_list()
    colours = [PRIMARY if q is None or v >= q else BAD for v, q in zip(visits, quota, strict=True)]
    custom = [
        [c, team, count(v), count(m), count(q), rate(s)]
        for c, team, v, m, q, s in frame.select(
            "collector", "team", "count_visits", "count_met", "monthly_visit_quota", "quota_share"
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
            f"%{{x}}<br>{t('series.visits', lang)}: %{{customdata[2]}}"
            f"<br>{t('series.met', lang)}: %{{customdata[3]}}"
            f"<br>{t('series.quota', lang)}: %{{customdata[4]}}"
            f"<br>{t('axis.quota_share', lang)}: %{{customdata[5]}}<extra></extra>"
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
