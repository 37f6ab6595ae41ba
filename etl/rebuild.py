"""`recovery rebuild`: the summary tables built again without loading a file, in the
writer's database, then published (as a load does)."""

from etl.load import prepare
from etl.model_builds import ModelsBuilt
from etl.publish import build_pending, publish_pending
from recovery.database import DatabaseMissing, writing
from recovery.settings import Settings


def rebuild_summary_tables(settings: Settings, *, everything: bool) -> ModelsBuilt | None:
    """Builds the stale summary tables (built with other settings than `settings`, or by
    another version) and those downstream of them, or every one (`everything`), and what a
    killed load left unbuilt; None when there was none."""
    if not settings.db.exists():
        raise DatabaseMissing(settings.db)
    with writing(
        settings.db, memory_limit=settings.duckdb_memory_limit, threads=settings.duckdb_threads
    ) as con:
        prepare(con, settings)
        built = build_pending(con, settings, everything=everything)
        publish_pending(con, settings.db)
    return built
