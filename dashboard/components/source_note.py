"""The one line a recovery page adds when its cases are estimated (no assignments file
loaded): where the placements come from."""

from dash import html

from dashboard import data
from dashboard.i18n import t
from dashboard.view import View
from queries.recovery import recovery_source


def source_note(page: str, view: View) -> list[html.P]:
    if data.measure(recovery_source) != "first_action":
        return []
    return [html.P(t("note.source_first_action", view.lang), id=f"{page}-source", className="note")]
