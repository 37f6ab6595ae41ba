from decimal import Decimal
from pathlib import Path

import pytest

from recovery.masking import mask_id_number, mask_name, mask_phone, mask_value
from recovery.settings import Settings


def test_settings_from_file_then_environment(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "lender.toml"
    config.write_text(
        'db = "from-file.duckdb"\ntimezone = "Asia/Urumqi"\n'
        "[classification]\nsubstandard_max = 180\n"
        '[method_cost]\nphone = "3.50"\n'
        '[header_aliases.loans]\nloan_id = ["Loan No."]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("RECOVERY_CONFIG", str(config))
    monkeypatch.setenv("RECOVERY_DB", "from-env.duckdb")
    settings = Settings()
    assert settings.db == Path("from-env.duckdb")
    assert settings.timezone == "Asia/Urumqi"
    assert settings.classification.substandard_max == 180
    assert settings.classification.special_mention_max == 90
    assert settings.method_cost["phone"] == Decimal("3.50")
    assert settings.method_cost["visit"] == Decimal("120.00")
    assert settings.header_aliases == {"loans": {"loan_id": ["Loan No."]}}


def test_the_default_database_path(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RECOVERY_DB", raising=False)
    monkeypatch.setenv("RECOVERY_CONFIG", str(tmp_path / "absent.toml"))
    assert Settings().db == Path("data/recovery.duckdb")


def test_an_unknown_setting_is_an_error(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("databse = 'typo.duckdb'\n", encoding="utf-8")
    monkeypatch.setenv("RECOVERY_CONFIG", str(config))
    with pytest.raises(ValueError, match="databse"):
        Settings()


@pytest.mark.parametrize(
    ("mask", "value", "shown"),
    [
        (mask_name, "张三", "张*"),
        (mask_name, "欧阳娜娜", "欧***"),
        (mask_name, "王", "王*"),
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "027-87654321", "027****4321"),
        (mask_phone, "12345", "*****"),
        (mask_id_number, "420102199001011234", "4201**********1234"),
        (mask_id_number, "1234", "****"),
        (mask_name, None, None),
    ],
)
def test_masks(mask, value, shown) -> None:
    assert mask(value) == shown


def test_a_whole_rejected_row_is_hidden() -> None:
    assert mask_value(None, "L1,张三,13812345678") == "****** (17)"
    assert mask_value("loan_id", "L1") == "L1"
