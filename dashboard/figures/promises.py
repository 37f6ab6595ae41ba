"""Promise figures: promises made, kept, partly kept and broken month by month."""

import plotly.graph_objects as go
import polars as pl

from dashboard.figures.common import empty_figure, finish, is_empty
from dashboard.figures.theme import INK, VERDICTS
from dashboard.formatting import count, period_label, rate
from dashboard.i18n import t

VERDICT_COLUMNS = (
    ("kept", "count_kept"),
    ("partly_kept", "count_partly_kept"),
    ("broken", "count_broken"),
)


def promise_outcomes(frame: pl.DataFrame, lang: str) -> go.Figure:
    """frame: period, count_made, count_due, count_kept, count_partly_kept, count_broken,
    kept_rate — promises due each month stacked by verdict, and promises made as a line.
    customdata of the bars: [period, verdict, count, kept rate]."""
    if is_empty(frame, "count_made", "count_due"):
        return empty_figure(lang)
    periods = frame["period"].to_list()
    x = [period_label(p, lang) for p in periods]
    figure = go.Figure()
    for verdict, column in VERDICT_COLUMNS:
        name = t(f"verdict.{verdict}", lang)
        figure.add_bar(
            name=name,
            x=x,
            y=frame[column].to_list(),
            marker_color=VERDICTS[verdict],
            customdata=[
                [p, verdict, count(n), rate(k)]
                for p, n, k in zip(periods, frame[column], frame["kept_rate"], strict=True)
            ],
            hovertemplate=(
                f"{name}<br>%{{x}}: %{{customdata[2]}}"
                f"<br>{t('axis.kept_rate', lang)}: %{{customdata[3]}}<extra></extra>"
            ),
        )
    made = t("series.made", lang)
    figure.add_scatter(
        name=made,
        x=x,
        y=frame["count_made"].to_list(),
        mode="lines+markers",
        line={"color": INK, "width": 2},
        customdata=[count(n) for n in frame["count_made"]],
        hovertemplate=f"{made}<br>%{{x}}: %{{customdata}}<extra></extra>",
    )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title=t("axis.promises", lang), rangemode="tozero")
    return finish(figure)
