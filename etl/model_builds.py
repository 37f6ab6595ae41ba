"""Building the summary tables of etl/models/, and the store's record of each build.

Every table or view a build makes gets a row in `model_builds`: the fingerprint of each
setting it depends on (its value's hash) and of its definition (its SQL). A model whose
record differs from the settings and the SQL in force is stale; a load or `recovery
rebuild` builds it again, with every model downstream of it. Until then the measures
refuse to read it (queries/stale_models.py).
"""

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb

from etl.model_specs import (
    Model,
    build_order,
    downstream,
    queried,
    read_models,
    reading,
    with_temporary_inputs,
)
from recovery.database import scalar
from recovery.settings import Settings, setting_fingerprints

LEDGER_SQL = """
create table if not exists model_builds (
    model varchar primary key,
    setting_fingerprints varchar not null,  -- JSON: each setting's name and value's hash
    definition_fingerprint varchar not null,
    built_at timestamp not null             -- local time (setting timezone)
)
"""


@dataclass(frozen=True)
class Staleness:
    """Why a model must be built again."""

    settings: tuple[str, ...] = ()  # settings whose value changed since it was built
    definition: bool = False  # never built, or built from other SQL


@dataclass(frozen=True)
class ModelsBuilt:
    """What one build made, and why."""

    models: tuple[str, ...]  # the tables and views built, in order
    changed_settings: tuple[str, ...]  # the settings that had changed since the last build
    changed_definitions: tuple[str, ...]  # the models new or changed since the last build
    changed_tables: tuple[str, ...]  # the loaded tables whose rows changed
    seconds: float


def write_settings_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The tables of etl/model_specs.py's SETTINGS_TABLES, from the settings in force."""
    con.execute("delete from aging_buckets")
    con.executemany(
        "insert into aging_buckets values (?, ?, ?, ?)",
        [(b.name, b.min_days, b.max_days, i) for i, b in enumerate(settings.aging_buckets, 1)],
    )
    con.execute("delete from method_costs")
    con.executemany("insert into method_costs values (?, ?)", sorted(settings.method_cost.items()))
    # DuckDB binds no parameters in `create table as`: settings go through a temp table.
    con.execute("create or replace temp table mart_settings (grace_days integer)")
    con.execute("insert into mart_settings values ($grace)", {"grace": settings.promise_grace_days})


def recorded_builds(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[dict[str, str], str]]:
    """Each model's recorded setting fingerprints and definition fingerprint."""
    con.execute(LEDGER_SQL)
    rows = con.execute(
        "select model, setting_fingerprints, definition_fingerprint from model_builds"
    ).fetchall()
    return {model: (json.loads(settings), definition) for model, settings, definition in rows}


def stale_models(
    con: duckdb.DuckDBPyConnection, models: dict[str, Model], settings: Settings
) -> dict[str, Staleness]:
    """The tables and views whose record differs from `settings` and their SQL now."""
    recorded = recorded_builds(con)
    stale = {}
    for name, model in models.items():
        if model.is_temporary:
            continue
        if name not in recorded:
            stale[name] = Staleness(definition=True)
            continue
        fingerprints, definition = recorded[name]
        current = setting_fingerprints(settings, model.settings)
        changed = tuple(s for s in model.settings if fingerprints.get(s) != current[s])
        if changed or definition != model.definition_fingerprint:
            stale[name] = Staleness(changed, definition != model.definition_fingerprint)
    return stale


def build_models(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    names: Iterable[str] | None = None,
    *,
    keep_temporaries: bool = False,
) -> list[str]:
    """Builds the models named (all of them by default) and the temporary models they
    read, in build order, and records each table and view built. A temporary model is
    dropped once the last model reading it is built, unless `keep_temporaries`."""
    models = read_models()
    wanted = with_temporary_inputs(models if names is None else names, models)
    order = [name for name in build_order(models) if name in wanted]
    last_reader = {
        name: max(
            (i for i, r in enumerate(order) if name in queried(models[r], models)), default=-1
        )
        for name in order
        if models[name].is_temporary
    }
    write_settings_tables(con, settings)
    con.execute(LEDGER_SQL)
    for i, name in enumerate(order):
        model = models[name]
        con.execute(model.create_sql())
        if not model.is_temporary:
            _record(con, model, settings)
        if keep_temporaries:
            continue
        for temporary, last in last_reader.items():
            if last == i or (temporary == name and last < i):
                kind = "view" if models[temporary].is_view else "table"
                con.execute(f"drop {kind} {temporary}")
    _forget_undeclared(con, models)
    return [name for name in order if not models[name].is_temporary]


def _record(con: duckdb.DuckDBPyConnection, model: Model, settings: Settings) -> None:
    con.execute(
        """
        insert or replace into model_builds values (
            $model, $settings, $definition, $built_at)
        """,
        {
            "model": model.name,
            "settings": json.dumps(setting_fingerprints(settings, model.settings)),
            "definition": model.definition_fingerprint,
            "built_at": datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None),
        },
    )


def _forget_undeclared(con: duckdb.DuckDBPyConnection, models: dict[str, Model]) -> None:
    """Records of models no longer declared (an upgrade removed them) would stay stale."""
    con.execute(
        "delete from model_builds where model not in (select unnest($names))",
        {"names": sorted(models)},
    )


def refresh_models(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    changed_tables: Iterable[str] = (),
    everything: bool = False,
) -> ModelsBuilt | None:
    """Builds every model (`everything`), else those reading a loaded table whose rows
    changed (`changed_tables`), the stale ones, and every model downstream of them; None
    when there was none. A model reads nothing else, so the others stay as they were."""
    started = time.perf_counter()
    models = read_models()
    stale = stale_models(con, models, settings)
    changed_tables = tuple(sorted(set(changed_tables)))
    names = (
        set(models) if everything else downstream(stale, models) | reading(changed_tables, models)
    )
    if not names:
        return None
    built = build_models(con, settings, names)
    return ModelsBuilt(
        models=tuple(built),
        changed_settings=tuple(sorted({s for why in stale.values() for s in why.settings})),
        changed_definitions=tuple(sorted(n for n, why in stale.items() if why.definition)),
        changed_tables=changed_tables,
        seconds=time.perf_counter() - started,
    )


def has_loads(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether files were ever loaded into the store (its summary tables are worth having)."""
    return scalar(con, "select count(*) from load_ledger where status = 'loaded'") > 0
