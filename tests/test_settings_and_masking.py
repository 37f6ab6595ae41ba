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
        (mask_phone, "+86 138 1234 5678", "138****5678"),
        (mask_phone, "027-87654321", "027****21"),
        (mask_phone, "0755-1234567", "0755****67"),
        (mask_phone, "67463050", "****50"),
        (mask_phone, "1381234567", "****67"),
        (mask_phone, "12345", "******"),
        (mask_phone, "无", "******"),
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


def shown_digits(masked: str) -> int:
    return sum(c.isdigit() for c in masked)


@pytest.mark.parametrize("length", range(1, 21))
def test_a_phone_number_of_any_length_shows_at_most_its_kind(length: int) -> None:
    """Every length from 1 to 20 digits, as a mobile-like (leading 1), a landline-like
    (leading 0, 027) and a plain number: at most 2 digits of a number under 11 digits that
    is not a landline with its area code, never more than 7, and the masked form's length
    the same for every number of one kind."""
    for start in ("1", "027", "6"):
        number = (start + "3456789012345678901234")[:length]
        masked = mask_phone(number)
        assert shown_digits(masked) <= 7, (number, masked)
        is_mobile = length == 11 and number.startswith("1")
        is_landline = number.startswith("027") and length in (10, 11)
        if is_mobile:
            assert masked == number[:3] + "****" + number[-4:]
        elif is_landline:
            assert masked == "027****" + number[-2:]
        elif length < 7:
            assert masked == "******"
        else:
            assert masked == "****" + number[-2:]
        if length < 11 and not is_landline:
            assert shown_digits(masked) <= 2, (number, masked)
        assert len(masked) == {True: 11}.get(is_mobile, 9 if is_landline else 6)
