"""Every invariant the models of etl/models/ declare (key unique, columns not null, and
what each `holds:`), run on the generated demo book: each query must find no row."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl.model_builds import build_models
from etl.model_specs import Invariant, read_models
from recovery.settings import Settings
from recovery.store import work_path

MODELS = read_models()
INVARIANTS = [invariant for model in MODELS.values() for invariant in model.invariants()]


@pytest.fixture(scope="module")
def built(demo_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A copy of the demo book's database with every model built again, temporary ones
    kept."""
    copy = tmp_path_factory.mktemp("invariants") / "recovery.duckdb"
    shutil.copyfile(work_path(demo_book), copy)
    con = duckdb.connect(str(copy))
    build_models(con, Settings(db=copy), keep_temporaries=True)
    yield con
    con.close()


@pytest.mark.parametrize("invariant", INVARIANTS, ids=lambda i: i.name)
def test_invariant_holds(built: duckdb.DuckDBPyConnection, invariant: Invariant) -> None:
    breaking = built.execute(invariant.sql).fetchmany(5)
    assert breaking == [], f"{invariant.name}: rows that break it, the first: {breaking}"


def test_every_model_has_rows(built: duckdb.DuckDBPyConnection) -> None:
    # An invariant over an empty table would hold whatever the SQL did.
    empty = [name for name in MODELS if not built.execute(f"from {name} limit 1").fetchall()]
    assert empty == []


@pytest.mark.parametrize("name", sorted(MODELS))
def test_key_and_partition_are_columns(built: duckdb.DuckDBPyConnection, name: str) -> None:
    model = MODELS[name]
    types = dict(
        built.execute(f"select column_name, column_type from (describe {name})").fetchall()
    )
    assert set(model.key) <= set(types)
    assert set(model.not_null) <= set(types)
    if model.partition:
        assert types[model.partition] in ("DATE", "TIMESTAMP")
