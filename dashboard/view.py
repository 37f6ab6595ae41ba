"""What a page shows, as the URL says it: the filters, the language and the attribution
window (`?period=2026-10&team=...&lang=en&window=30`). The URL is the only state, so a
view can be bookmarked, shared and reloaded.

The teams the signed-in user may see are not part of it: every view built here gets them
from the server's record of who is asking (`dashboard.access`), so a manager's filters
stay within their teams whatever the URL or the page's store say."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from dashboard import access
from dashboard.i18n import language
from queries.filters import BadPeriod, Filters

DIMENSIONS = ("branch", "product", "team", "collector", "method")
WINDOW_CHOICES = (7, 14, 30, 60, 90)


@dataclass(frozen=True)
class View:
    filters: Filters
    lang: str
    window_days: int

    @classmethod
    def from_query(
        cls, query: Mapping[str, object], *, default_period: str, default_window: int
    ) -> "View":
        """The view a URL's query asks for; what it gets wrong falls back to the defaults
        (an unknown language, a period that is not a month, a window that is not a number
        of days)."""
        dimensions = {name: _text(query.get(name)) for name in DIMENSIONS}
        allowed = access.allowed_teams()
        try:
            period = _text(query.get("period")) or default_period
            filters = Filters(period, **dimensions, allowed_teams=allowed)
        except BadPeriod:
            filters = Filters(default_period, **dimensions, allowed_teams=allowed)
        return cls(filters, language(_text(query.get("lang"))), _days(query, default_window))

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> "View":
        """The view kept in a page's `view` store (see `as_data`)."""
        dimensions = {n: data.get(n) for n in DIMENSIONS}
        filters = Filters(str(data["period"]), **dimensions, allowed_teams=access.allowed_teams())
        return cls(filters, language(str(data.get("lang"))), int(data["window"]))

    def as_data(self) -> dict[str, object]:
        """What the page's `view` store keeps: the URL's part of the view."""
        dimensions = {name: getattr(self.filters, name) for name in DIMENSIONS}
        return {"period": self.filters.period, **dimensions, "lang": self.lang,
                "window": self.window_days}  # fmt: skip

    def with_filters(self, **changes: str | None) -> "View":
        return replace(self, filters=replace(self.filters, **changes))

    def search(self, **changes: object) -> str:
        """The URL query string of this view, with `changes` applied (None removes a key)."""
        values: dict[str, object] = {
            "period": self.filters.period,
            **{name: getattr(self.filters, name) for name in DIMENSIONS},
            "lang": self.lang,
            "window": self.window_days,
            **changes,
        }
        return "?" + urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _text(value: object) -> str | None:
    if isinstance(value, list):  # a key given twice: the last one counts
        value = value[-1] if value else None
    return str(value) if value not in (None, "") else None


def _days(query: Mapping[str, object], default: int) -> int:
    text = _text(query.get("window"))
    return int(text) if text and text.isdigit() and 1 <= int(text) <= 366 else default
