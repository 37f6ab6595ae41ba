"""Figure builders: pure functions from a measure's DataFrame and a language to a plotly
Figure, shared by the dashboard and the PDF reports (no Dash in here)."""
