"""The summary tables ("models") as declared in etl/models/: one SQL file per model, a
select under a header of comment lines that says what the model is.

    -- model: case_months                   the file's name, and the table's
    -- what: ...                            in words (continued on the lines below)
    -- grain: one row per case and month
    -- key: month, case_id                  unique together (nulls count as equal); none
    -- partition: month                     the column whose calendar month a row is of; none
    -- changes: forward                     what a change to its inputs changes (below)
    -- settings: aging_buckets, method_cost the Settings fields its rows depend on; none
    -- materialized: table                  table | view | temporary table | temporary view
    -- not_null: month, case_id             (optional) columns never null
    -- holds: 0 <= recovered <= placed      (optional, repeated) an invariant in words,
    --     select * from case_months        then a query returning the rows that break it
    --     where recovered < 0 or recovered > placed

A model's inputs are the tables its SQL reads (`from` and `join`): the loaded tables, the
settings tables and other models. The build order comes from those inputs. A model's
settings are those of the settings tables it reads and every setting of its inputs: a
header that says otherwise is refused, so what a header says is what the SQL does.

What a change to a model's inputs from a month M on (the rows a load added or replaced,
by the month of their date) changes of the model, `changes:`
- `forward`: only its rows of M and later: a build writes again its months from M only.
- `as_of`: any of its rows, but not what it says of a day before M (a span's end moves
  when the next snapshot comes): it is built whole, its readers from M.
- `from <column>`: any of its rows: it is built whole and compared with its rows before,
  and its readers are built from the earliest month of <column> among the rows that
  changed (none: they stay as they were).
- `from <column>, end <column>`: the same, but a row whose key is on both sides and whose
  only change is its end (a case closed, a span cut short) counts from the earlier of its
  two ends: what it said before that day holds still.
- `whole`: any of its rows: it is built whole, and its readers too.
A test (tests/test_incremental_builds.py) loads a book month by month, with corrections
and late rows, and checks every table against a build from scratch.
"""

import hashlib
import importlib.resources
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial
from graphlib import CycleError, TopologicalSorter

from recovery.settings import Settings

MODELS_FOLDER = "models"
MATERIALIZATIONS = ("table", "view", "temporary table", "temporary view")
# The tables each build writes from the config (etl/model_builds.py), and the setting
# each holds.
SETTINGS_TABLES = {
    "aging_buckets": "aging_buckets",
    "method_costs": "method_cost",
    "mart_settings": "promise_grace_days",
}
REQUIRED_FIELDS = (
    "model", "what", "grain", "key", "partition", "changes", "settings", "materialized"
)  # fmt: skip
CHANGES = ("forward", "as_of", "whole")  # or "from <column>[, end <column>]"
OPTIONAL_FIELDS = ("not_null", "holds")
_FIELD = re.compile(rf"--\s*({'|'.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}):\s?(.*)")
_READ = re.compile(r"\b(?:from|join)\s+([a-z_]\w*)\b(?!\s*\()", re.IGNORECASE)
_CTE = re.compile(
    r"(?:\bwith(?:\s+recursive)?|,)\s*([a-z_]\w*)\s*(?:\([^()]*\))?\s+as\s*\(", re.IGNORECASE
)
_LOADED_TABLE = re.compile(r"create table if not exists (\w+)")
_CHANGES_FROM = re.compile(r"from ([a-z_]\w*)(?:, end ([a-z_]\w*))?")


class ModelError(Exception):
    """A model file that cannot be built as declared: the message names the file."""

    def __init__(self, model: str, message: str):
        self.model = model
        super().__init__(f"etl/models/{model}.sql: {message}")


class ModelCycle(ModelError):
    pass


@dataclass(frozen=True)
class Invariant:
    """What must hold of a model's rows, and a query returning the rows that break it."""

    model: str
    statement: str
    sql: str

    @property
    def name(self) -> str:
        return f"{self.model}: {self.statement}"


@dataclass(frozen=True)
class Model:
    name: str
    what: str
    grain: str
    key: tuple[str, ...]
    partition: str | None
    changes: str  # forward | as_of | whole | from <column>[, end <column>]
    settings: tuple[str, ...]
    materialized: str
    not_null: tuple[str, ...]
    holds: tuple[Invariant, ...]
    sql: str  # the select, without the header
    reads: frozenset[str]  # every table the select reads

    @property
    def is_temporary(self) -> bool:
        return self.materialized.startswith("temporary")

    @property
    def is_view(self) -> bool:
        return self.materialized.endswith("view")

    @property
    def is_table(self) -> bool:
        return self.materialized == "table"

    @property
    def changed_from_column(self) -> str | None:
        """Of a model that `changes: from <column>`, the column."""
        found = _CHANGES_FROM.fullmatch(self.changes)
        return found.group(1) if found else None

    @property
    def changed_end_column(self) -> str | None:
        """Of a model that `changes: from <column>, end <column>`, the end column."""
        found = _CHANGES_FROM.fullmatch(self.changes)
        return found.group(2) if found else None

    @property
    def definition_fingerprint(self) -> str:
        """Changes with the SQL or the materialization: a store built by another version
        of the model is rebuilt."""
        return _sha256(f"{self.materialized}\n{self.sql}")

    def create_sql(self) -> str:
        kind = self.materialized.replace("temporary", "temp")
        return f"create or replace {kind} {self.name} as\n{self.sql}"

    def invariants(self) -> list[Invariant]:
        """The key unique, the not-null columns not null, and the invariants it holds."""
        checks = []
        if self.key:
            columns = ", ".join(self.key)
            checks.append(
                Invariant(
                    self.name,
                    f"unique ({columns})",
                    f"select {columns}, count(*) as count_rows from {self.name} "
                    f"group by {columns} having count(*) > 1",
                )
            )
        for column in self.not_null:
            checks.append(
                Invariant(
                    self.name,
                    f"{column} not null",
                    f"select * from {self.name} where {column} is null",
                )
            )
        return checks + list(self.holds)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _names(value: str) -> tuple[str, ...]:
    value = value.strip()
    if value in ("", "none"):
        return ()
    return tuple(part.strip() for part in value.split(","))


def parse_model(name: str, text: str) -> Model:
    """The model of one file's text: its header's fields and the select below it."""
    lines = text.splitlines()
    fields: dict[str, list[list[str]]] = {}
    current: list[str] | None = None
    body_start = len(lines)
    for number, line in enumerate(lines):
        if not line.startswith("--"):
            body_start = number
            break
        found = _FIELD.fullmatch(line.rstrip())
        if found:
            current = [found.group(2).strip()]
            fields.setdefault(found.group(1), []).append(current)
        elif current is not None and line.strip("- "):
            current.append(line[2:])
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        raise ModelError(name, f"the header lacks {', '.join(missing)}")
    repeated = [f for f, values in fields.items() if len(values) > 1 and f != "holds"]
    if repeated:
        raise ModelError(name, f"the header gives {', '.join(repeated)} more than once")

    def single(field: str) -> str:
        return " ".join(part.strip() for part in fields[field][0]).strip()

    if single("model") != name:
        raise ModelError(name, f"the header names model {single('model')!r}")
    materialized = single("materialized")
    if materialized not in MATERIALIZATIONS:
        raise ModelError(
            name, f"materialized {materialized!r}: use one of {', '.join(MATERIALIZATIONS)}"
        )
    holds = []
    for statement, *query_lines in fields.get("holds", []):
        if not query_lines:
            raise ModelError(name, f"holds {statement!r}: give the query below it")
        holds.append(Invariant(name, statement, textwrap.dedent("\n".join(query_lines)).strip()))
    sql = "\n".join(lines[body_start:]).strip()
    if not sql:
        raise ModelError(name, "no select below the header")
    partition = single("partition")
    changes = single("changes")
    if changes not in CHANGES and not _CHANGES_FROM.fullmatch(changes):
        raise ModelError(
            name,
            f"changes {changes!r}: use one of {', '.join(CHANGES)}, from <column>"
            ", from <column>, end <column>",
        )
    if ", end " in changes and _names(single("key")) == ():
        raise ModelError(name, f"changes {changes}: a row's two sides are paired by its key")
    if changes == "forward" and partition == "none":
        raise ModelError(name, "changes forward: a build by month needs a partition column")
    if changes.startswith("from ") and materialized != "table":
        raise ModelError(
            name, f"changes {changes}: only a table keeps the rows it is compared with"
        )
    return Model(
        name=name,
        what=single("what"),
        grain=single("grain"),
        key=_names(single("key")),
        partition=None if partition == "none" else partition,
        changes=changes,
        settings=_names(single("settings")),
        materialized=materialized,
        not_null=_names(single("not_null")) if "not_null" in fields else (),
        holds=tuple(holds),
        sql=sql,
        reads=frozenset(tables_read(sql)),
    )


def tables_read(sql: str) -> set[str]:
    """The tables a select reads: the names after `from` and `join`, but its own CTEs."""
    code = _without_comments_and_strings(sql)
    return {t.lower() for t in _READ.findall(code)} - {c.lower() for c in _CTE.findall(code)}


def _without_comments_and_strings(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    sql = re.sub(r"--[^\n]*", "", sql)
    # `a is distinct from b` compares, it reads no table
    return re.sub(r"\bdistinct\s+from\b", "distinct_from", sql, flags=re.IGNORECASE)


@cache
def loaded_tables() -> frozenset[str]:
    """The tables of etl/schema.sql: what the loads write."""
    schema = importlib.resources.files("etl").joinpath("schema.sql").read_text(encoding="utf-8")
    return frozenset(_LOADED_TABLE.findall(schema))


def read_models() -> dict[str, Model]:
    """Every model of etl/models/, by name, checked against each other."""
    folder = importlib.resources.files("etl").joinpath(MODELS_FOLDER)
    texts = {
        entry.name.removesuffix(".sql"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    }
    return checked({name: parse_model(name, text) for name, text in sorted(texts.items())})


def checked(models: dict[str, Model]) -> dict[str, Model]:
    """`models`, once every table each reads is known, every setting each names exists,
    and each names exactly the settings of the settings tables it reads and of its inputs
    (in build order, so an input's settings are checked before its readers')."""
    known = set(models) | loaded_tables() | set(SETTINGS_TABLES)
    for model in models.values():
        unknown = sorted(model.reads - known)
        if unknown:
            raise ModelError(model.name, f"reads {', '.join(unknown)}: no such table or model")
        if model.name in model.reads:
            raise ModelCycle(model.name, "reads itself")
        temporary = sorted(t for t in model.reads & set(models) if models[t].is_temporary)
        if model.materialized == "view" and temporary:
            raise ModelError(
                model.name,
                f"a view kept in the store reads {', '.join(temporary)}, which a build drops",
            )
        fields = set(Settings.model_fields)
        not_settings = [s for s in model.settings if s not in fields]
        if not_settings:
            raise ModelError(model.name, f"settings {', '.join(not_settings)}: no such setting")
    for name in build_order(models):
        model = models[name]
        needed = {SETTINGS_TABLES[t] for t in model.reads & set(SETTINGS_TABLES)}
        for table in model.reads & set(models):
            needed |= set(models[table].settings)
        if needed != set(model.settings):
            raise ModelError(
                name,
                f"settings: {', '.join(model.settings) or 'none'}, but what it reads depends "
                f"on {', '.join(sorted(needed)) or 'none'}",
            )
    return models


def inputs(model: Model, models: dict[str, Model]) -> set[str]:
    """The models `model` reads."""
    return set(model.reads & set(models))


def build_order(models: dict[str, Model]) -> list[str]:
    """Every model after the models it reads. Temporary models are built as late as they
    can be and their readers as soon as they can be, so each is dropped soon after it is
    built."""
    graph = {name: inputs(model, models) for name, model in models.items()}
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as error:
        cycle = error.args[1][::-1]  # graphlib lists each model before the one it reads
        reads = " reads ".join(cycle)
        raise ModelCycle(cycle[0], f"models read each other: {reads}") from None
    order: list[str] = []
    ready: set[str] = set()
    while sorter.is_active():
        ready |= set(sorter.get_ready())
        kept = _kept_temporaries(order, models, graph)
        name = min(ready, key=partial(_urgency, models=models, graph=graph, kept=kept))
        ready.remove(name)
        order.append(name)
        sorter.done(name)
    return order


def _urgency(
    name: str, *, models: dict[str, Model], graph: dict[str, set[str]], kept: set[str]
) -> tuple[int, str]:
    if graph[name] & kept:
        return 0, name
    return (2 if models[name].is_temporary else 1), name


def _kept_temporaries(
    built: list[str], models: dict[str, Model], graph: dict[str, set[str]]
) -> set[str]:
    """The temporary models built that a model not yet built reads."""
    done = set(built)
    return {
        name
        for name in built
        if models[name].is_temporary
        and any(name in reads and reader not in done for reader, reads in graph.items())
    }


def with_temporary_inputs(names: Iterable[str], models: dict[str, Model]) -> set[str]:
    """`names` and the temporary models they need built again (a temporary model lives for
    one build only), directly or through other temporaries."""
    found = set(names)
    while True:
        more = {
            i for n in found for i in inputs(models[n], models) if models[i].is_temporary
        } - found
        if not more:
            return found
        found |= more
