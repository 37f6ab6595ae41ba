"""The Dash shell: pages registered from `dashboard/pages` with Dash's pages mechanism;
each page draws the shared frame (navigation, language switch, filter bar) from the URL.
The login gate (`dashboard/auth.py`) stands in front of all of it."""

from pathlib import Path

import dash
from dash import Dash, html

from dashboard import auth
from dashboard.components import filter_bar

PAGES = Path(__file__).parent / "pages"


def create_app() -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES),
        title="催收回收分析 · Collection recovery analytics",
        suppress_callback_exceptions=True,
    )
    app.layout = html.Div([dash.page_container], className="app")
    auth.install(app.server)
    return app


def serve(host: str, port: int, debug: bool = False) -> None:
    app = create_app()
    filter_bar.warm_up()
    app.run(host=host, port=port, debug=debug)
