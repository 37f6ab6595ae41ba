"""The Dash shell: pages registered from `dashboard/pages` with Dash's pages mechanism;
each page draws the shared frame (navigation, language switch, filter bar) from the URL.
The login gate (`dashboard/auth.py`) stands in front of all of it, then the check of every
callback's inputs (`dashboard/inputs.py`); every answer carries the headers of
`dashboard/headers.py`."""

from pathlib import Path

import dash
from dash import Dash, html
from waitress import serve as serve_wsgi

from dashboard import auth, headers, inputs
from dashboard.components import filter_bar

PAGES = Path(__file__).parent / "pages"
# Requests answered at once. A request spends its time in DuckDB, which lets go of Python's
# lock while it works, so threads answer side by side.
SERVER_THREADS = 8


def create_app(listen_host: str = "127.0.0.1") -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES),
        title="催收回收分析 · Collection recovery analytics",
        suppress_callback_exceptions=True,
    )
    app.layout = html.Div([dash.page_container], className="app")
    auth.install(app.server, listen_host)
    inputs.install(app.server)  # after the login gate: anonymous requests get 401 first
    headers.install(app.server)
    return app


def serve(host: str, port: int) -> None:
    """Serve the app with waitress, a production WSGI server (Flask's own server is for
    development only)."""
    app = create_app(host)
    filter_bar.warm_up()
    serve_wsgi(app.server, host=host, port=port, threads=SERVER_THREADS)
