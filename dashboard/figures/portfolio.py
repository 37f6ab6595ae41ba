"""Portfolio figures: sparklines, recovered trend, aging over time, five-tier
classification, roll-rate matrix, cure-rate trend and vintage curves.

Drillable figures carry their keys first in each point's customdata (documented per
builder); the exact figure for the tooltip comes last.
"""

import plotly.graph_objects as go
import polars as pl

from dashboard.figures.common import (
    empty_figure,
    finish,
    in_unit,
    is_empty,
    keyed_axes,
    labels,
    money_title,
    money_unit,
    rate_heatmap,
    scaled_money,
)
from dashboard.figures.theme import (
    GOOD,
    MUTED,
    PRIMARY,
    SPARKLINE_HEIGHT,
    TIERS,
    bucket_colour,
    series_colour,
)
from dashboard.formatting import count, exact_amount, period_label, rate
from dashboard.i18n import t


def sparkline(frame: pl.DataFrame, lang: str, *, is_money: bool) -> go.Figure:
    """frame: period, value — a KPI's last months as a small line."""
    if frame.is_empty() or frame["value"].null_count() == len(frame):
        return empty_figure(lang, height=SPARKLINE_HEIGHT)
    shown = [exact_amount(v) if is_money else rate(v, 2) for v in frame["value"]]
    hover = [f"{period_label(p, lang)}: {s}" for p, s in zip(frame["period"], shown, strict=True)]
    values = [None if v is None else float(v) for v in frame["value"]]
    figure = go.Figure(
        go.Scatter(
            x=frame["period"].to_list(),
            y=values,
            mode="lines+markers",
            line={"color": PRIMARY, "width": 2},
            marker={"size": 3},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            connectgaps=False,
        )
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(margin={"l": 2, "r": 2, "t": 2, "b": 2}, showlegend=False)
    return finish(figure, height=SPARKLINE_HEIGHT)


def recovered_trend(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: period, repaid, recovered (recovered by month) — stacked monthly bars: what
    was recovered on loans in collection, and the rest of what was repaid (the bars' top
    is all that was repaid). customdata: [period, exact amount, repaid]."""
    if is_empty(frame, "repaid", "recovered"):
        return empty_figure(lang)
    frame = frame.with_columns(other_repaid=pl.col("repaid") - pl.col("recovered"))
    periods = frame["period"].to_list()
    divisor, unit = money_unit([*frame["recovered"], *frame["other_repaid"]], lang)
    figure = go.Figure()
    for column, key, colour in (
        ("recovered", "series.recovered", PRIMARY),
        ("other_repaid", "series.other_repaid", MUTED),
    ):
        figure.add_bar(
            name=t(key, lang),
            x=[period_label(p, lang) for p in periods],
            y=in_unit(frame[column], divisor),
            marker_color=colour,
            customdata=[
                [p, exact_amount(v), exact_amount(r)]
                for p, v, r in zip(periods, frame[column], frame["repaid"], strict=True)
            ],
            hovertemplate=f"{t(key, lang)}<br>%{{x}}: %{{customdata[1]}}"
            f"<br>{t('series.repaid', lang)}: %{{customdata[2]}}<extra></extra>",
        )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title=money_title("axis.repaid", unit, lang))
    return finish(figure)


def aging_trend(frame: pl.DataFrame, lang: str, *, value: str) -> go.Figure:
    """frame: as_of_date, bucket, count_loans, outstanding (aging_trend) — stacked bars
    of `value` (count_loans or outstanding) per month and bucket.
    customdata: [period, bucket, exact figure]."""
    if is_empty(frame, value):
        return empty_figure(lang)
    frame = frame.with_columns(period=pl.col("as_of_date").dt.strftime("%Y-%m"))
    is_money = value == "outstanding"
    scaled, unit = scaled_money(frame[value], lang) if is_money else (frame[value].to_list(), "")
    frame = frame.with_columns(pl.Series("shown", scaled, pl.Float64))
    figure = go.Figure()
    for position, bucket in enumerate(frame["bucket"].unique(maintain_order=True)):
        rows = frame.filter(pl.col("bucket") == bucket)
        name = labels("bucket", [bucket], lang)[0]
        exact = [exact_amount(v) if is_money else count(v) for v in rows[value]]
        figure.add_bar(
            name=name,
            x=[period_label(p, lang) for p in rows["period"]],
            y=rows["shown"].to_list(),
            marker_color=bucket_colour(position),
            customdata=[[p, bucket, e] for p, e in zip(rows["period"], exact, strict=True)],
            hovertemplate=f"{name}<br>%{{x}}: %{{customdata[2]}}<extra></extra>",
        )
    figure.update_layout(barmode="stack")
    title = money_title("axis.outstanding", unit, lang) if is_money else t("axis.loans", lang)
    figure.update_yaxes(title=title)
    return finish(figure)


def classification(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: tier, count_loans, outstanding, outstanding_share, is_non_performing —
    outstanding per tier. customdata: [tier, exact amount, loans, share]."""
    if is_empty(frame, "outstanding"):
        return empty_figure(lang)
    scaled, unit = scaled_money(frame["outstanding"], lang)
    tiers = frame["tier"].to_list()
    figure = go.Figure(
        go.Bar(
            x=labels("tier", tiers, lang),
            y=scaled,
            marker_color=[TIERS.get(tier, MUTED) for tier in tiers],
            customdata=[
                [tier, exact_amount(o), count(n), rate(s)]
                for tier, o, n, s in frame.select(
                    "tier", "outstanding", "count_loans", "outstanding_share"
                ).iter_rows()
            ],
            hovertemplate=(
                f"%{{x}}<br>{t('axis.outstanding', lang)}: %{{customdata[1]}}"
                f"<br>{t('axis.loans', lang)}: %{{customdata[2]}}"
                f"<br>{t('axis.share', lang)}: %{{customdata[3]}}<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(title=money_title("axis.outstanding", unit, lang))
    return finish(figure)


def roll_matrix(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: from_bucket, to_state, count_loans, roll_rate — the roll-rate matrix as a
    heatmap, rows from, columns to. A cell's keys are its y (from_bucket) and x (to_state);
    customdata: [from label, to label, loans, rate]."""
    if is_empty(frame, "count_loans"):
        return empty_figure(lang)
    sources = frame["from_bucket"].unique(maintain_order=True).to_list()
    targets = frame["to_state"].unique(maintain_order=True).to_list()
    source_labels, target_labels = labels("bucket", sources, lang), labels("bucket", targets, lang)
    cells = {(r["from_bucket"], r["to_state"]): r for r in frame.iter_rows(named=True)}
    z, text, custom = [], [], []
    for source, source_label in zip(sources, source_labels, strict=True):
        row = [cells[(source, target)] for target in targets]
        z.append([r["roll_rate"] for r in row])
        text.append([rate(r["roll_rate"]) if r["count_loans"] else "" for r in row])
        custom.append(
            [
                [source_label, target_label, count(r["count_loans"]), rate(r["roll_rate"], 2)]
                for r, target_label in zip(row, target_labels, strict=True)
            ]
        )
    figure = go.Figure(
        rate_heatmap(
            z,
            targets,
            sources,
            text=text,
            customdata=custom,
            zmax=1,
            hovertemplate=(
                f"{t('axis.from', lang)}: %{{customdata[0]}}"
                f"<br>{t('axis.to', lang)}: %{{customdata[1]}}"
                f"<br>{t('axis.loans', lang)}: %{{customdata[2]}}"
                f"<br>{t('axis.roll_rate', lang)}: %{{customdata[3]}}<extra></extra>"
            ),
        )
    )
    keyed_axes(figure, x=targets, x_labels=target_labels, y=sources, y_labels=source_labels)
    figure.update_yaxes(title=t("axis.from", lang), autorange="reversed")
    figure.update_xaxes(title=t("axis.to", lang), side="top")
    return finish(figure, height=380)


def cure_trend(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: period, count_overdue_before, count_cured, cure_rate — a line per month.
    customdata: [period, rate (cured / overdue)]."""
    if is_empty(frame, "count_overdue_before"):
        return empty_figure(lang)
    custom = [
        [p, f"{rate(r, 2)} ({count(c)} / {count(o)})"]
        for p, r, c, o in frame.select(
            "period", "cure_rate", "count_cured", "count_overdue_before"
        ).iter_rows()
    ]
    figure = go.Figure(
        go.Scatter(
            x=[period_label(p, lang) for p in frame["period"]],
            y=frame["cure_rate"].to_list(),
            mode="lines+markers",
            line={"color": GOOD, "width": 2},
            customdata=custom,
            hovertemplate=(
                f"%{{x}}<br>{t('axis.cure_rate', lang)}: %{{customdata[1]}}<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(title=t("axis.cure_rate", lang), tickformat=".1~%", rangemode="tozero")
    return finish(figure)


def vintage_curves(frame: pl.DataFrame, lang: str, *, share: str) -> go.Figure:
    """frame: vintage, months_on_book, share_30_plus, share_90_plus, … — one line per
    disbursement month: `share` by months on book. customdata: [vintage (YYYY-MM), months
    on book, share]."""
    if is_empty(frame, share):
        return empty_figure(lang)
    figure = go.Figure()
    vintages = frame["vintage"].unique(maintain_order=True).to_list()
    for position, vintage in enumerate(vintages):
        rows = frame.filter(pl.col("vintage") == vintage)
        month = vintage.strftime("%Y-%m")
        name = period_label(month, lang)
        figure.add_scatter(
            name=name,
            x=rows["months_on_book"].to_list(),
            y=rows[share].to_list(),
            mode="lines",
            line={"color": series_colour(position), "width": 1.5},
            customdata=[
                [month, m, rate(v, 2)] for m, v in rows.select("months_on_book", share).rows()
            ],
            hovertemplate=(
                f"{name}<br>{t('axis.months_on_book', lang)}: %{{x}}"
                f"<br>{t(f'axis.{share}', lang)}: %{{customdata[2]}}<extra></extra>"
            ),
        )
    figure.update_xaxes(title=t("axis.months_on_book", lang), dtick=3)
    figure.update_yaxes(title=t(f"axis.{share}", lang), tickformat=".1~%", rangemode="tozero")
    figure.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top"})
    return finish(figure)
