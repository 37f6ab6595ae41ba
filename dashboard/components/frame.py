"""The frame around every page: the title, the navigation, the language switch, the filter
bar, the view store the page's callbacks read, and the drill-down panel."""

from collections.abc import Callable, Mapping, Sequence

import dash
from dash import dcc, html

from dashboard import access, data
from dashboard.components.drill_panel import drill_panel
from dashboard.components.filter_bar import filter_bar
from dashboard.components.unavailable import unavailable_text
from dashboard.formatting import zoned_moment
from dashboard.i18n import language, t
from dashboard.pdf_download import pdf_download
from dashboard.view import View
from queries import dimensions
from queries.stale_models import StaleModel
from recovery.database import DatabaseMissing


def view_from_query(query: Mapping[str, object]) -> View | None:
    """The view the URL asks for, or None when nothing is loaded yet."""
    try:
        periods = data.load_records(dimensions.periods)
    except DatabaseMissing:
        return None
    default_period = periods[0] if periods else "2000-01"
    return View.from_query(
        query,
        default_period=default_period,
        default_window=data.settings().attribution_window_days,
    )


def navigation(path: str, view: View) -> html.Nav:
    pages = sorted(
        (p for p in dash.page_registry.values() if "nav_key" in p), key=lambda p: p["order"]
    )
    links = [
        dcc.Link(
            t(page["nav_key"], view.lang),
            href=page["path"] + view.search(),
            className="nav-link active" if page["path"] == path else "nav-link",
            id=f"nav-{page['nav_key'].removeprefix('nav.')}",
        )
        for page in pages
    ]
    return html.Nav(links, className="nav")


def header(path: str, view: View) -> html.Header:
    other = "en" if view.lang == "zh" else "zh"
    settings = data.settings()
    as_of = t(
        "app.data_as_of",
        view.lang,
        moment=zoned_moment(data.database_modified_at(settings.db), settings.timezone),
    )
    return html.Header(
        [
            html.Div(
                [
                    html.H1(t("app.title", view.lang), className="brand"),
                    html.Span(as_of, className="as-of", id="data-as-of"),
                    dcc.Link(
                        t("lang.switch", view.lang),
                        href=path + view.search(lang=other),
                        id="lang-switch",
                        className="lang-switch",
                        title=t("lang.label", view.lang),
                    ),
                    *signed_in(view.lang),
                ],
                className="top",
            ),
            navigation(path, view),
        ],
        className="masthead",
    )


def signed_in(lang: str) -> list:
    """Who is logged in, the teams they see when not all, and the logout button; nothing
    when no users are configured."""
    viewer = access.viewer()
    if viewer.user is None:
        return []
    role = t(f"role.{viewer.user.role}", lang)
    shown = [html.Span(t("auth.signed_in", lang, name=viewer.name, role=role), id="signed-in")]
    if viewer.allowed_teams is not None:
        teams = "、".join(viewer.allowed_teams) if lang == "zh" else ", ".join(viewer.allowed_teams)
        shown.append(html.Span(t("auth.scope", lang, teams=teams), className="hint", id="scope"))
    logout = html.Form(
        html.Button(t("auth.logout", lang), type="submit", id="logout", className="logout"),
        action=f"/logout?lang={lang}",
        method="POST",
        className="logout-form",
    )
    return [*shown, logout]


# The report the Download PDF button gives on a page (the executive report elsewhere).
PDF_TEMPLATES = {"/teams": "manager"}


def page_frame(
    path: str, view: View, title_key: str, body: Sequence, *, with_filters: bool = True
) -> html.Div:
    return html.Div(
        [
            header(path, view),
            filter_bar(view) if with_filters else html.Div(),
            pdf_download(view.lang, template=PDF_TEMPLATES.get(path, "executive"))
            if with_filters
            else html.Div(),
            dcc.Store(id="view", data=view.as_data()),
            html.H1(t(title_key, view.lang), className="page-title"),
            *body,
            drill_panel(view.lang),
        ],
        lang=view.lang,
        className="page",
    )


def no_database(lang: str) -> html.Div:
    return _note_page(lang, t("empty.no_database", lang), "no-database")


def stale_models_page(path: str, view: View, stale: StaleModel) -> html.Div:
    """The page's frame without its panels: the measures refuse until the summary tables
    are built again; the data page still shows the loads."""
    note = html.P(unavailable_text(stale, view.lang), className="empty", id="stale-models")
    return html.Div(
        [header(path, view), note],
        lang=view.lang,
        className="page",
    )


def _note_page(lang: str, note: str, note_id: str) -> html.Div:
    return html.Div(
        [
            html.Header(html.H1(t("app.title", lang), className="brand"), className="top"),
            html.P(note, className="empty", id=note_id),
        ],
        lang=lang,
        className="page",
    )


def render(
    path: str, title_key: str, query: Mapping[str, object], body: Callable[[View], Sequence]
) -> html.Div:
    """A page's layout for the URL's query: its body in the frame, or the note that
    nothing is loaded yet."""
    view = view_from_query(query)
    if view is None:
        return no_database(language(str(query.get("lang"))))
    stale = data.stale_models()
    if stale:
        return stale_models_page(path, view, stale)
    return page_frame(path, view, title_key, body(view))
