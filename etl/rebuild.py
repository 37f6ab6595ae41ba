"""`recovery rebuild`: the summary tables built again without loading a file, in a
rebuilt copy of the database swapped in at the end (as a load does)."""

from etl.load import prepare
from etl.model_builds import ModelsBuilt, refresh_models
from recovery.database import DatabaseMissing, rebuilding
from recovery.settings import Settings


def rebuild_summary_tables(settings: Settings, *, everything: bool) -> ModelsBuilt | None:
    """Builds the stale summary tables (built with other settings than `settings`, or by
    another version) and those downstream of them, or every one (`everything`); None
    when none was stale."""
    if not settings.db.exists():
        raise DatabaseMissing(settings.db)
    with rebuilding(
        settings.db, memory_limit=settings.duckdb_memory_limit, threads=settings.duckdb_threads
    ) as rebuild:
        prepare(rebuild.con, settings)
        built = refresh_models(rebuild.con, settings, everything=everything)
        rebuild.keep = built is not None
    return built
