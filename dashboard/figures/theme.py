"""The one theme: fonts, colours and the plotly layout every figure starts from."""

import plotly.graph_objects as go

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", system-ui, sans-serif'
INK = "#1f2933"
MUTED = "#627d98"
GRID = "#e4ebf3"
BACKGROUND = "#ffffff"
PRIMARY = "#2563eb"
GOOD = "#16a34a"
WARNING = "#f59e0b"
BAD = "#dc2626"

# Categorical series (methods, teams, vintages) in a fixed order.
SERIES = (
    "#2563eb", "#0d9488", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#65a30d", "#db2777",
    "#475569", "#ea580c", "#4f46e5", "#15803d",
)  # fmt: skip

# Aging buckets from current (green) to the oldest (dark red); longer configs reuse the last.
BUCKETS = (
    "#16a34a", "#84cc16", "#facc15", "#f59e0b", "#f97316", "#ef4444", "#b91c1c", "#7f1d1d",
)  # fmt: skip
STATES = {"settled": "#94a3b8", "written_off": "#334155", "not_reported": "#cbd5e1"}

TIERS = {
    "normal": "#16a34a",
    "special_mention": "#facc15",
    "substandard": "#f97316",
    "doubtful": "#dc2626",
    "loss": "#7f1d1d",
}
VERDICTS = {"kept": GOOD, "partly_kept": WARNING, "broken": BAD}

# Heatmaps: white for nothing, deep blue for the most.
SEQUENTIAL = [[0.0, "#f8fafc"], [0.5, "#60a5fa"], [1.0, "#1e3a8a"]]

CHART_HEIGHT = 340
SPARKLINE_HEIGHT = 48


def bucket_colour(position: int) -> str:
    return BUCKETS[min(position, len(BUCKETS) - 1)]


def series_colour(position: int) -> str:
    return SERIES[position % len(SERIES)]


def template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font={"family": FONT_FAMILY, "color": INK, "size": 12},
            paper_bgcolor=BACKGROUND,
            plot_bgcolor=BACKGROUND,
            colorway=list(SERIES),
            margin={"l": 56, "r": 16, "t": 16, "b": 48},
            hoverlabel={"font": {"family": FONT_FAMILY, "size": 12}, "bgcolor": "#ffffff"},
            legend={
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.02,
                "x": 0,
                "traceorder": "normal",
            },
            xaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "automargin": True},
            yaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "automargin": True},
            separators=".,",
            dragmode=False,
        )
    )
