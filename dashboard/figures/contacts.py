"""Contact figures: customer reachability, the outcome mix of calls, invalid numbers on
file by reason, and the best time to call (hour × weekday)."""

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
from dashboard.figures.theme import BAD, GOOD, MUTED, PRIMARY, WARNING
from dashboard.formatting import count, rate
from dashboard.i18n import t

REACHABILITY_COLOURS = {
    "reached": GOOD,
    "third_party": PRIMARY,
    "no_answer": WARNING,
    "switched_off": MUTED,
    "unreachable": BAD,
}


def _share_bars(
    frame: pl.DataFrame, lang: str, *, key: str, group: str, counted: str, colours: list[str]
) -> go.Figure:
    values = frame[key].to_list()
    figure = go.Figure(
        go.Bar(
            y=labels(group, values, lang),
            x=frame["share"].to_list(),
            orientation="h",
            marker_color=colours,
            customdata=[
                [v, count(n), rate(s, 2)]
                for v, n, s in frame.select(key, counted, "share").iter_rows()
            ],
            hovertemplate=(
                f"%{{y}}<br>{t(f'axis.{counted}', lang)}: %{{customdata[1]}}"
                f"<br>{t('axis.share', lang)}: %{{customdata[2]}}<extra></extra>"
            ),
            texttemplate="%{x:.1%}",
            textposition="outside",
            cliponaxis=False,
        )
    )
    figure.update_xaxes(title=t("axis.share", lang), tickformat=".1~%", rangemode="tozero")
    figure.update_yaxes(autorange="reversed")
    return finish(figure)


def reachability(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: status, count_customers, share — each called customer's best status."""
    if is_empty(frame, "count_customers"):
        return empty_figure(lang)
    colours = [REACHABILITY_COLOURS.get(s, MUTED) for s in frame["status"]]
    return _share_bars(
        frame, lang, key="status", group="reach", counted="count_customers", colours=colours
    )


def call_outcomes(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: outcome, count_phone_actions, share — what the period's calls ended in."""
    if is_empty(frame, "count_phone_actions"):
        return empty_figure(lang)
    colours = [GOOD if o == "connected" else PRIMARY for o in frame["outcome"]]
    return _share_bars(
        frame, lang, key="outcome", group="outcome", counted="count_phone_actions", colours=colours
    )


def invalid_reasons(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: reason, count_numbers — invalid numbers on file by reason.
    customdata: [reason, numbers]."""
    if is_empty(frame, "count_numbers"):
        return empty_figure(lang)
    figure = go.Figure(
        go.Bar(
            y=labels("reason", frame["reason"].to_list(), lang),
            x=frame["count_numbers"].to_list(),
            orientation="h",
            marker_color=BAD,
            customdata=[[r, count(n)] for r, n in frame.select("reason", "count_numbers").rows()],
            hovertemplate=(
                f"%{{y}}<br>{t('axis.numbers', lang)}: %{{customdata[1]}}<extra></extra>"
            ),
        )
    )
    figure.update_xaxes(title=t("axis.numbers", lang), rangemode="tozero")
    figure.update_yaxes(autorange="reversed")
    return finish(figure)


def best_time(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: weekday, hour, count_phone_actions, count_effective, effective_contact_rate
    — effective contact rate by hour (columns) and weekday (rows). A cell's keys are its y
    (weekday, 1 = Monday) and x (hour); customdata: [weekday and hour label, rate,
    effective contacts, phone actions]."""
    if is_empty(frame, "count_phone_actions"):
        return empty_figure(lang)
    hours = list(range(min(frame["hour"]), max(frame["hour"]) + 1))
    weekdays = list(range(1, 8))
    hour_labels = [f"{h:02d}:00" for h in hours]
    weekday_labels = [t(f"weekday.{d}", lang) for d in weekdays]
    cells = {(r["weekday"], r["hour"]): r for r in frame.iter_rows(named=True)}
    z, custom = [], []
    for weekday, weekday_label in zip(weekdays, weekday_labels, strict=True):
        row = [cells.get((weekday, hour)) for hour in hours]
        z.append([r and r["effective_contact_rate"] for r in row])
        custom.append(
            [
                [f"{weekday_label} {hour_label}",
                 *([rate(r["effective_contact_rate"], 1), count(r["count_effective"]),
                    count(r["count_phone_actions"])] if r else ["—", "0", "0"])]
                for r, hour_label in zip(row, hour_labels, strict=True)
            ]
        )  # fmt: skip
    figure = go.Figure(
        rate_heatmap(
            z,
            hours,
            weekdays,
            customdata=custom,
            hovertemplate=(
                f"%{{customdata[0]}}<br>{t('axis.effective_contact_rate', lang)}: "
                f"%{{customdata[1]}}<br>{t('axis.count_effective', lang)}: %{{customdata[2]}}"
                f"<br>{t('axis.count_phone_actions', lang)}: %{{customdata[3]}}<extra></extra>"
            ),
        )
    )
    keyed_axes(figure, x=hours, x_labels=hour_labels, y=weekdays, y_labels=weekday_labels)
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title=t("axis.hour", lang))
    return finish(figure)
