"""Building the summary tables of etl/models/, and the store's record of each build.

Every table or view a build makes gets a row in `model_builds`: the fingerprint of each
setting it depends on (its value's hash) and of its definition (its SQL). A model whose
record differs from the settings and the SQL in force is stale; a load or `recovery
rebuild` builds it again, with every model downstream of it. Until then the measures
refuse to read it (queries/stale_models.py). A load builds what reads the tables whose rows
it changed, and only from the month they changed on where a model allows it (its
`changes:`, etl/model_specs.py).
"""

import json
import time
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb

from etl.model_specs import Model, build_order, read_models, with_temporary_inputs
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
    built_from: dict[str, date]  # those built from a month on (their other months kept)
    changed_from: dict[str, date]  # those whose rows changed, from a month on (ALL_MONTHS: any)
    changed_settings: tuple[str, ...]  # the settings that had changed since the last build
    changed_definitions: tuple[str, ...]  # the models new or changed since the last build
    changed_tables: tuple[str, ...]  # the loaded tables whose rows changed
    seconds: float
    model_seconds: dict[str, float]  # each table and view built (and the temporary ones first
    # built for it)


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


ALL_MONTHS = date.min  # a change of no month, or of every month: its readers are built whole


def build_models(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, keep_temporaries: bool = False
) -> list[str]:
    """Builds every model whole (and keeps the temporary ones, `keep_temporaries`)."""
    changes = dict.fromkeys(read_models(), ALL_MONTHS)
    return list(build_changes(con, settings, changes, keep_temporaries=keep_temporaries))


def build_changes(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    changes: dict[str, date],
    *,
    keep_temporaries: bool = False,
) -> dict[str, tuple[date | None, date | None, float]]:
    """Builds what `changes` reaches, in build order: each model reading a table changed
    from a month on (a loaded table's rows of that month and later; ALL_MONTHS: any), and
    each model named in `changes`, with the temporary models they read. What each build
    changed is worked out from the model's `changes:` (etl/model_specs.py) and reaches its
    readers in turn. Returns each table and view built: the month it was built from (None:
    whole), the month its rows changed from (None: they did not; ALL_MONTHS: any) and the
    seconds it took (with the temporary models first built for it); and records them. A
    temporary model is built when a model reading it is, and dropped once the last model
    that could need it is past (unless `keep_temporaries`)."""
    models = read_models()
    order = build_order(models)
    # the temporary models each table or view needs, directly or through other temporary
    # ones: each is built with the first of its users built, kept until the last is past
    needs = {
        name: with_temporary_inputs([name], models) - {name}
        for name in order
        if not models[name].is_temporary
    }
    last_use = {
        name: max((i for i, user in enumerate(order) if name in needs.get(user, ())), default=-1)
        for name in order
        if models[name].is_temporary
    }
    changed = dict(changes)  # each table and model changed, and the month it changed from
    built: dict[str, tuple[date | None, date | None, float]] = {}
    present: set[str] = set()  # the temporary models built and not dropped
    write_settings_tables(con, settings)
    con.execute(LEDGER_SQL)
    for i, name in enumerate(order):
        model = models[name]
        since = min((changed[t] for t in model.reads | {name} if t in changed), default=None)
        changed.pop(name, None)
        if since is not None and model.is_temporary:
            # built whole when a reader is: what its readers see changed, from when
            changed[name] = ALL_MONTHS if model.changes == "whole" else since
        elif since is not None:
            started = time.perf_counter()
            needed = needs[name] - present
            for temporary in order:
                if temporary in needed:
                    con.execute(models[temporary].create_sql())
                    present.add(temporary)
            built_from, changed_from = _build(con, model, since)
            # an as_of model's readers change from `since`, but its rows in any month
            rows_from = ALL_MONTHS if model.changes == "as_of" else changed_from
            built[name] = built_from, rows_from, time.perf_counter() - started
            if changed_from is not None:
                changed[name] = changed_from
            _record(con, model, settings)
        if keep_temporaries:
            continue
        for temporary in sorted(present):
            if last_use[temporary] <= i:
                kind = "view" if models[temporary].is_view else "table"
                con.execute(f"drop {kind} {temporary}")
                present.remove(temporary)
    _forget_undeclared(con, models)
    return built


def _build(
    con: duckdb.DuckDBPyConnection, model: Model, since: date
) -> tuple[date | None, date | None]:
    """Builds one table or view for inputs changed from the month `since` on: the month it
    was built from (None: whole), and the month from which its rows changed (None: they
    did not)."""
    exists = model.is_table and _is_table(con, model.name)
    if model.changes == "forward" and model.is_table and exists and since > ALL_MONTHS:
        first = f"date '{since.isoformat()}'"
        con.execute(f"delete from {model.name} where {model.partition} >= {first}")
        con.execute(
            f"insert into {model.name}\nselect * from (\n{model.sql}\n) built\n"
            f"where built.{model.partition} >= {first}"
        )
        return since, since
    compared = exists and model.changed_from_column is not None
    if compared:
        con.execute(f"create or replace temp table rows_before as select * from {model.name}")
    con.execute(model.create_sql())
    if not compared:
        return None, since if model.changes in ("forward", "as_of") else ALL_MONTHS
    count_changed, first_changed = con.execute(_first_changed_sql(con, model)).fetchone()
    con.execute("drop table rows_before")
    if not count_changed:
        return None, None
    return None, first_changed or ALL_MONTHS  # a changed row with no date: every month


def _first_changed_sql(con: duckdb.DuckDBPyConnection, model: Model) -> str:
    """How many rows of `model` differ from `rows_before` (on one side or the other), and
    the month of the earliest of them by its `changes: from <column>[, end <column>]`."""
    start, end = model.changed_from_column, model.changed_end_column
    if end is None:
        return f"""
            with changed as (
                (select * from rows_before except all select * from {model.name})
                union all
                (select * from {model.name} except all select * from rows_before)
            )
            select count(*), cast(date_trunc('month', min({start})) as date) from changed
            """
    columns = [row[0] for row in con.execute(f"select * from {model.name} limit 0").description]
    paired = " and ".join(f"b.{k} = a.{k}" for k in model.key)
    only_end_moved = " and ".join(
        [f"b.{k} is not null and a.{k} is not null" for k in model.key[:1]]
        + [f"b.{c} is not distinct from a.{c}" for c in columns if c != end]
    )
    return f"""
        with before_only as (
            select * from rows_before except all select * from {model.name}
        ),
        after_only as (
            select * from {model.name} except all select * from rows_before
        ),
        changed as (
            select case when {only_end_moved} then least(b.{end}, a.{end})
                else coalesce(least(b.{start}, a.{start}), b.{start}, a.{start})
                end as changed_on
            from before_only b
            full join after_only a on {paired}
        )
        select count(*), cast(date_trunc('month', min(changed_on)) as date) from changed
        """


def _is_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        scalar(
            con,
            "select count(*) from information_schema.tables "
            "where table_schema = 'main' and table_name = $name and table_type = 'BASE TABLE'",
            {"name": name},
        )
    )


def build_record(model: Model, settings: Settings) -> tuple[str, str, str, datetime]:
    """The row of `model_builds` of a build of `model` under `settings`, now."""
    return (
        model.name,
        json.dumps(setting_fingerprints(settings, model.settings)),
        model.definition_fingerprint,
        datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None),
    )


def _record(con: duckdb.DuckDBPyConnection, model: Model, settings: Settings) -> None:
    con.execute(
        "insert or replace into model_builds values (?, ?, ?, ?)", build_record(model, settings)
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
    changed_tables: dict[str, date] | None = None,
    everything: bool = False,
) -> ModelsBuilt | None:
    """Builds every model (`everything`), else what reads a loaded table whose rows changed
    (`changed_tables`: each table, and the month its rows changed from) and the stale
    models (whole), and what reads those; None when there was nothing to build. A model
    reads nothing else, so the others stay as they were."""
    started = time.perf_counter()
    models = read_models()
    stale = stale_models(con, models, settings)
    changed_tables = changed_tables or {}
    if everything:
        changes = dict.fromkeys(models, ALL_MONTHS)
    else:
        changes = {**changed_tables, **dict.fromkeys(stale, ALL_MONTHS)}
    built = build_changes(con, settings, changes) if changes else {}
    if not built:
        return None
    return ModelsBuilt(
        models=tuple(built),
        built_from={n: month for n, (month, _, _) in built.items() if month is not None},
        changed_from={n: month for n, (_, month, _) in built.items() if month is not None},
        changed_settings=tuple(sorted({s for why in stale.values() for s in why.settings})),
        changed_definitions=tuple(sorted(n for n, why in stale.items() if why.definition)),
        changed_tables=tuple(sorted(changed_tables)),
        seconds=time.perf_counter() - started,
        model_seconds={n: round(seconds, 2) for n, (_, _, seconds) in built.items()},
    )


def has_loads(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether files were ever loaded into the store (its summary tables are worth having)."""
    return scalar(con, "select count(*) from load_ledger where status = 'loaded'") > 0
