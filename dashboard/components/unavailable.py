"""What a panel says when the measures cannot answer: nothing is loaded yet, or the summary
tables were built under other settings than the dashboard's (until `recovery load` or
`recovery rebuild` builds them again)."""

from dashboard.i18n import t
from queries.stale_models import StaleModel
from recovery.database import DatabaseMissing

UNAVAILABLE = (DatabaseMissing, StaleModel)


def unavailable_text(error: Exception, lang: str) -> str:
    if not isinstance(error, StaleModel):
        return t("empty.no_database", lang)
    if not error.settings:
        return t("empty.models_unrecorded", lang)
    return t("empty.stale_models", lang, settings=", ".join(error.settings))
