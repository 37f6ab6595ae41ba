"""Headers every answer of the dashboard carries: no other site may frame it (against a
page that lays the dashboard under its own buttons), and browsers take each answer as the
type it says it is.

The content security policy says no more than that: Dash's page runs scripts written into
the page itself, which a `script-src` rule would have to allow anyway."""

from flask import Flask, Response

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _add_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def install(server: Flask) -> None:
    server.after_request(_add_headers)
