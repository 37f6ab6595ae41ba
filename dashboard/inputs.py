"""The one place where what a browser sends to the dashboard's callbacks is checked for its
form, before any callback runs.

A callback's inputs come from the page, which anyone can forge: a list or an object where
text belongs would reach the queries and end in a traceback (500) with the values in the
server's log. Every callback request (`/_dash-update-component`) is checked here against the
form each input has (`FORMS`, by component id and property); one that does not fit is
answered 400, naming the input but never echoing its value, and nothing runs."""

import logging
from collections.abc import Callable

from flask import Flask, Response, jsonify, make_response, request

from dashboard.i18n import t
from dashboard.view import DIMENSIONS
from queries.filters import BadPeriod, Filters

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
Scalar = str | int | float | bool | None


class BadCallbackInput(ValueError):
    """A callback input not of its form; the message names the input, not its value."""

    def __init__(self, name: str):
        super().__init__(f"callback input {name} is not of its form")
        self.name = name


def _text_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _clicks(value: object) -> bool:
    return value is None or _whole(value)


def _view(value: object) -> bool:
    """The page's `view` store (`View.as_data`)."""
    if value is None:
        return True
    if not isinstance(value, dict) or not isinstance(value.get("period"), str):
        return False
    texts = all(_text_or_none(value.get(name)) for name in (*DIMENSIONS, "lang"))
    if not texts or not _whole(value.get("window")):
        return False
    try:
        Filters(value["period"])
    except BadPeriod:
        return False
    return True


def _spec(value: object) -> bool:
    """A drill-down spec: names and plain values only."""
    if value is None:
        return True
    return (
        isinstance(value, dict)
        and isinstance(value.get("kind"), str)
        and all(isinstance(k, str) and _scalar(v) for k, v in value.items())
    )


def _rows(value: object) -> bool:
    """A grid's rows as the browser holds them: objects of plain values."""
    if value is None:
        return True
    return isinstance(value, list) and all(
        isinstance(row, dict) and all(_scalar(v) for v in row.values()) for row in value
    )


def _columns(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, list) and all(
        isinstance(d, dict)
        and isinstance(d.get("field"), str)
        and isinstance(d.get("headerName", ""), str)
        for d in value
    )


def _cell(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, dict) and all(_scalar(v) for v in value.values())


def _click(value: object) -> bool:
    """A chart's clickData: points whose keys (x, y, customdata) are plain values."""
    if value is None:
        return True
    points = value.get("points") if isinstance(value, dict) else None
    if not isinstance(points, list):
        return False
    for point in points:
        if not isinstance(point, dict):
            return False
        if not all(_scalar(point.get(key)) for key in ("x", "y", "z", "label")):
            return False
        custom = point.get("customdata")
        if not (_scalar(custom) or (isinstance(custom, list) and all(map(_scalar, custom)))):
            return False
    return True


def _choice(value: object) -> bool:
    """A filter's or the window's choice: a plain value."""
    return _scalar(value)


# By property first, then by component id where one property has several forms.
FORMS: dict[str, Callable[[object], bool]] = {
    "view.data": _view,
    "drill-spec.data": _spec,
    "pdf-download-template.data": _text_or_none,
    "*.virtualRowData": _rows,
    "*.columnDefs": _columns,
    "*.cellClicked": _cell,
    "*.clickData": _click,
    "*.n_clicks": _clicks,
    "*.value": _choice,
    "*.pathname": _text_or_none,
    "*.search": _text_or_none,
}


def _form_of(component: object, prop: str) -> tuple[str, Callable[[object], bool]] | None:
    named = f"{component}.{prop}" if isinstance(component, str) else None
    if named in FORMS:
        return named, FORMS[named]
    if f"*.{prop}" in FORMS:
        return f"{named or 'pattern'}.{prop}", FORMS[f"*.{prop}"]
    return None


def check_payload(payload: object) -> None:
    """Raises BadCallbackInput when the callback request `payload` is not of Dash's form or
    one of its inputs is not of the form its component sends."""
    if not isinstance(payload, dict):
        raise BadCallbackInput("(the request)")
    for part in ("inputs", "state"):
        items = payload.get(part, [])
        if not isinstance(items, list):
            raise BadCallbackInput(part)
        for item in items:
            # A pattern-matching input (ALL) is a list of such items.
            for entry in item if isinstance(item, list) else [item]:
                if not isinstance(entry, dict) or not isinstance(entry.get("property"), str):
                    raise BadCallbackInput(part)
                form = _form_of(entry.get("id"), entry["property"])
                if form is not None and not form[1](entry.get("value")):
                    raise BadCallbackInput(form[0])


def _refuse(error: BadCallbackInput) -> Response:
    messages = {lang: t("request.bad_input", lang) for lang in ("zh", "en")}
    return make_response(jsonify(error="bad input", input=error.name, message=messages), 400)


def _check_request() -> Response | None:
    if request.path != CALLBACK_PATH or request.method != "POST":
        return None
    try:
        check_payload(request.get_json(silent=True))
    except BadCallbackInput as error:
        log.warning("callback refused from %s: %s", request.remote_addr, error)
        return _refuse(error)
    return None


def install(server: Flask) -> None:
    """Checks every callback request (after the login gate, which runs first)."""
    server.before_request(_check_request)
