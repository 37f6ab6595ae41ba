"""The Data page in a real browser: load history, rejected rows (masked), freshness, and
the language switch."""

import pytest

from recovery.settings import Settings
from tests.browser import SCREENSHOTS, chromium, running_dashboard
from tests.helpers import load, write_csv

SECRET_NAME = "欧阳秘密"
SECRET_PHONE = "13912345678"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("data-page")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = write_csv(
        folder / "loans_2026-10.csv",
        ["数据日期", "借据号", "客户号", "客户姓名", "放款金额", "贷款余额", "逾期天数"],
        [
            ["2026-10-31", "L1", "C1", "张伟", "1000", "800", "0"],
            ["2026-10-31", "L2", "C2", SECRET_NAME, "1000", "-1", "0"],
        ],
    )
    contacts = folder / "contacts.csv"
    contacts.write_text(
        f"customer_id,phone\nC1,13812345678\nC2,{SECRET_PHONE},{SECRET_NAME}\n", encoding="utf-8"
    )
    # The optional assignments: B starts while A holds L1, so B is rejected naming A.
    assignments = write_csv(
        folder / "assignments_2026-10.csv",
        ["assignment_id", "loan_id", "team", "assigned_on", "ended_on"],
        [["A", "L1", "T1", "2026-10-01", "2026-10-20"], ["B", "L1", "T2", "2026-10-10", ""]],
    )
    load(settings, loans, contacts, assignments)
    with running_dashboard(settings.db) as url:
        yield url


def test_data_page_in_both_languages(dashboard: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{dashboard}/data?lang=zh")
        page.wait_for_selector("#data-history")
        assert page.locator("h1").first.inner_text() == "催收回收分析"
        history = page.locator("#data-history").inner_text()
        assert "loans_2026-10.csv" in history and "contacts.csv" in history
        rejects = page.locator("#data-rejects").inner_text()
        assert "不得小于 0" in rejects and "-1" in rejects
        assert "与本借据第 2 行的案件 A 时间重叠" in rejects
        assert "该行有 3 个字段，表头有 2 个" in rejects  # the contacts line with a name added
        freshness = page.locator("#data-freshness").inner_text()
        assert "分案记录" in freshness and "2026-10-20" in freshness
        page.screenshot(path=SCREENSHOTS / "data-zh.png", full_page=True)
        page.get_by_text("English").click()
        page.wait_for_selector("text=Load history")
        assert page.locator("h1").first.inner_text() == "Collection recovery analytics"
        assert "Loans" in page.locator("#data-freshness").inner_text()
        assert "Assignments" in page.locator("#data-freshness").inner_text()
        assert "must be at least 0" in page.locator("#data-rejects").inner_text()
        assert "overlaps case A of this loan (line 2)" in page.locator("#data-rejects").inner_text()
        assert "has 3 fields where the header has 2" in page.locator("#data-rejects").inner_text()
        page.screenshot(path=SCREENSHOTS / "data-en.png", full_page=True)
        assert errors == []


def test_no_personal_value_reaches_the_browser(dashboard: str) -> None:
    with chromium() as browser:
        page = browser.new_page()
        bodies: list[str] = []
        page.on("response", lambda r: bodies.append(r.text()) if "_dash" in r.url else None)
        page.goto(f"{dashboard}/data?lang=en")
        page.wait_for_selector("#data-rejects")
        page.wait_for_load_state("networkidle")
        seen = page.content() + "".join(bodies)
        assert SECRET_NAME not in seen and SECRET_PHONE not in seen
        assert "****** (" in page.locator("#data-rejects").inner_text()
