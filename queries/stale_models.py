"""The summary tables a load built record the settings they were built with (table
model_builds, etl/model_builds.py). A measure asked under other values of those settings
would answer for the old ones: it refuses instead, until `recovery load` or `recovery
rebuild` builds the tables again.

The record is read once per version of the catalog (a load renames a new one over it), so
the check costs a file status and a few hashes per measure."""

import json
from functools import lru_cache
from pathlib import Path

from recovery.database import DatabaseMissing, file_version, query
from recovery.settings import Settings, setting_fingerprints


class StaleModel(Exception):
    """Summary tables built under other values of settings they depend on."""

    def __init__(self, models: tuple[str, ...], settings: tuple[str, ...]):
        self.models = models
        self.settings = settings
        if settings:
            what = (
                f"the summary tables {', '.join(models)} were built with other values of "
                f"{', '.join(settings)} than the config's now"
            )
        else:
            what = "the summary tables record no settings (an earlier version built them)"
        super().__init__(f"{what}: run `recovery load` or `recovery rebuild` to rebuild them")


Recorded = dict[str, dict[str, str]]  # model → setting → fingerprint of its value


def refuse_stale_models(db: Path, settings: Settings) -> None:
    """Raises StaleModel when a summary table of `db` was built with other values of the
    settings it depends on than `settings`."""
    recorded = _recorded(db, _version(db))
    if recorded is None:
        raise StaleModel((), ())
    names = {name for fingerprints in recorded.values() for name in fingerprints}
    current = setting_fingerprints(settings, names)
    stale = {
        model: [s for s, fingerprint in fingerprints.items() if current[s] != fingerprint]
        for model, fingerprints in recorded.items()
    }
    stale = {model: changed for model, changed in stale.items() if changed}
    if stale:
        changed = sorted({s for settings_changed in stale.values() for s in settings_changed})
        raise StaleModel(tuple(sorted(stale)), tuple(changed))


def _version(db: Path) -> tuple[int, int, int]:
    try:
        return file_version(db)
    except FileNotFoundError:
        raise DatabaseMissing(db) from None


@lru_cache(maxsize=8)
def _recorded(db: Path, version: tuple[int, int, int]) -> Recorded | None:
    """Each model's setting fingerprints, as `version` of the file records them; None for
    a file with no record (built before models recorded their builds)."""
    has_record = query(
        db, "select count(*) as n from information_schema.tables where table_name = 'model_builds'"
    ).item()
    if not has_record:
        return None
    rows = query(db, "select model, setting_fingerprints from model_builds").rows()
    return {model: json.loads(fingerprints) for model, fingerprints in rows}
