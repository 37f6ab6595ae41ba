"""The project's own documents name what the code accepts: a column or header name the
loader takes but docs/data-contract.md does not list is an undocumented input."""

from pathlib import Path

import pytest

from etl.contract import FILE_KINDS

CONTRACT = (Path(__file__).parent.parent / "docs" / "data-contract.md").read_text()


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_every_column_and_header_is_in_the_data_contract(kind: str) -> None:
    section = CONTRACT.split(f"## {kind} ")[1].split("\n## ")[0]
    for column in FILE_KINDS[kind].columns:
        row = next((line for line in section.splitlines() if line.startswith(f"| {column.name} |")),
                   None)  # fmt: skip
        assert row is not None, f"{kind}.{column.name} is not in docs/data-contract.md"
        for alias in column.aliases:
            assert alias in row, f"{kind}.{column.name}: header {alias} is not documented"


def test_the_models_page_is_written_from_the_models_headers() -> None:
    from etl.model_docs import models_markdown

    page = (Path(__file__).parent.parent / "docs" / "models.md").read_text(encoding="utf-8")
    assert page == models_markdown(), "run: python -m etl.model_docs > docs/models.md"
