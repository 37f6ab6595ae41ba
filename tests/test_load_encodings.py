"""Text files in an encoding other than UTF-8 or GBK/GB18030, against the real
`recovery load`: a Shift-JIS, Big5, KOI8-R or Latin-1 file is refused with a message
instead of loading as GBK mojibake; GBK and GB18030 files of Chinese text, names written
with uncommon characters too, still load."""

import json
from pathlib import Path

import pytest

from recovery.database import query
from tests.test_load_safety import run_load

HEADER = "as_of_date,loan_id,customer_id,customer_name,branch,principal,outstanding_balance,"
HEADER += "days_past_due"
# Names and branches as a lender in each place writes them.
PEOPLE = {
    "shift_jis": (["山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "伊藤さくら"], "東京支店"),
    "big5": (["陳大文", "林美玲", "黃志明", "張淑芬", "李建國"], "台北分行"),
    "koi8-r": (
        ["Иван Петров", "Анна Попова", "Олег Иванов", "Юрий Волков", "Вера Жукова"],
        "Москва",
    ),
    "latin-1": (
        ["Hélène Bédard", "Sébastien Lefèvre", "Anaïs Gérard", "Jürgen Müller", "Björn Ångström"],
        "Genève",
    ),
}
# Each of these decodes as GB18030 without an error: only reading it tells.
# Given names of uncommon characters (婷 琪 昊 鑫 皓 璐 喆 堃 珺 婧): the file still reads
# as Chinese.
CHINESE = (
    ["杨婷", "赵琪", "黄昊", "周鑫", "吴皓", "徐璐", "孙喆", "马堃", "朱珺", "胡婧"],
    "武汉分行",
)


def loans(names: list[str], branch: str) -> str:
    rows = [
        f"2026-10-31,L{i},C{i},{name},{branch},1000.00,900.00,0" for i, name in enumerate(names)
    ]
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.mark.parametrize("encoding", list(PEOPLE))
def test_a_file_in_another_encoding_is_refused(tmp_path: Path, encoding: str) -> None:
    db = tmp_path / "recovery.duckdb"
    path = tmp_path / "loans.csv"
    data = loans(*PEOPLE[encoding]).encode(encoding)
    data.decode("gb18030")  # mojibake, but no error
    path.write_bytes(data)
    result = run_load(db, path)
    assert result.returncode == 1, result.stdout
    [outcome] = json.loads(result.stdout)["files"]
    assert outcome["status"] == "refused"
    assert outcome["error"].startswith("loans.csv: is not text in UTF-8 or GBK/GB18030")
    assert outcome["error"].endswith("save it as UTF-8 CSV")
    assert not db.exists()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_chinese_text_loads_in_each_encoding_accepted(tmp_path: Path, encoding: str) -> None:
    db = tmp_path / "recovery.duckdb"
    path = tmp_path / "loans.csv"
    path.write_bytes(loans(*CHINESE).encode(encoding))
    result = run_load(db, path)
    [outcome] = json.loads(result.stdout)["files"]
    assert (outcome["status"], outcome["rows_loaded"], outcome["rows_rejected"]) == (
        "loaded",
        10,
        0,
    )
    names = query(db, "select customer_name from loan_snapshots order by loan_id").to_series()
    assert sorted(names.to_list()) == sorted(CHINESE[0])
