"""The dashboard's server as it runs (`recovery serve` in a child process, users managed with
the real `recovery users`), against what a signed-in user may forge or be shown: the Data
page of a manager, callback inputs of the wrong form, framing by another site, and
spreadsheet formulas hidden behind white space in a download."""

import base64
import csv
import io
import json
from pathlib import Path

import pytest
import requests

from bench.dashboard_bench import _split_output, router_payload
from dashboard.i18n import t
from queries import dimensions
from queries.data_status import count_rejected_rows, load_history
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db
from tests.server_site import Place, browser, first_callback, get, log_in, post, view_data

CALLBACK = "/_dash-update-component"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("server-safety"), loans=300)


@pytest.fixture
def place(book: Path, tmp_path: Path) -> Place:
    return Place(tmp_path, book)


# --- 9. the Data page gives the whole book's counts only to who sees every team ---------


def data_page(client: requests.Session, url: str, lang: str) -> dict:
    response = post(client, f"{url}{CALLBACK}", router_payload("/data", f"?lang={lang}"))
    assert response.status_code == 200, response.text[:300]
    return response.json()


def component(tree: object, component_id: str) -> dict | None:
    """The component of `component_id` in a Dash layout (as JSON), or None."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == component_id:
            return tree
        children = tree["props"].get("children") if "props" in tree else list(tree.values())
        return component(children, component_id)
    if isinstance(tree, list):
        return next((c for c in map(lambda t: component(t, component_id), tree) if c), None)
    return None


def header_cells(table: dict) -> list[str]:
    head = table["props"]["children"][0]["props"]["children"]["props"]["children"]
    return [cell["props"]["children"] for cell in head]


def test_a_managers_data_page_shows_no_whole_book_counts(place: Place, book: Path) -> None:
    team = dimensions.teams(book)[0]
    place.add("mgr", "--role", "manager", "--team", team)
    place.add("boss", "--role", "executive")
    files = load_history(book)["file_name"].to_list()
    rejected = count_rejected_rows(book)
    counts = ["col.count_files", "col.count_rows_loaded", "col.count_rows_rejected"]
    dates = ["col.kind", "col.latest_data_on", "col.last_loaded_at"]
    with place.served() as url:
        whole = data_page(log_in(url, "boss"), url, "en")
        assert header_cells(component(whole, "data-freshness")) == [
            t(key, "en") for key in dates + counts
        ]
        assert component(whole, "data-history") is not None
        assert all(name in json.dumps(whole, ensure_ascii=False) for name in files)
        for lang, note in (("en", "shown to executives and to analysts who see every team"),
                           ("zh", "只向高管和能查看所有团队的分析员显示")):  # fmt: skip
            page = data_page(log_in(url, "mgr"), url, lang)
            assert note in component(page, "data-book-hidden")["props"]["children"]
            assert header_cells(component(page, "data-freshness")) == [t(k, lang) for k in dates]
            assert component(page, "data-history") is None
            text = json.dumps(page, ensure_ascii=False)
            assert not [name for name in files if name in text]
            assert component(page, "data-rejects")["props"]["children"] == t(
                "data.rejects_hidden", lang
            )
            assert t("data.rejects_total", lang, count=f"{rejected:,}") not in text


# --- 12. forged callback inputs, framing, spreadsheet formulas ---------------------------


def dependency_payload(dependencies: list[dict], first_input: str, values: dict) -> dict:
    """The payload of the callback whose first input is `first_input`, its inputs and
    states filled from `values` (by `id.property`)."""
    found = next(d for d in dependencies if d["inputs"] and
                 f"{d['inputs'][0]['id']}.{d['inputs'][0]['property']}" == first_input)  # fmt: skip
    outputs = [{**o, "property": o["property"].split("@")[0]} for o in
               _split_output(found["output"])]  # fmt: skip
    fill = lambda items: [{**i, "value": values.get(f"{i['id']}.{i['property']}")}  # noqa: E731
                          for i in items]  # fmt: skip
    return {"output": found["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": fill(found["inputs"]), "state": fill(found.get("state", [])),
            "changedPropIds": [first_input]}  # fmt: skip


def test_forged_callback_inputs_get_400_and_leave_no_names_in_the_log(
    place: Place, book: Path
) -> None:
    team, *others = dimensions.teams(book)
    place.add("mgr", "--role", "manager", "--team", team)
    with place.served() as url:
        manager = log_in(url, "mgr")
        dependencies = get(manager, f"{url}/_dash-dependencies").json()
        card = first_callback(manager, url)
        forged_views = [
            {**view_data(), "team": others},  # a list where a team's name belongs
            {**view_data(), "collector": {"in": others}},
            {**view_data(), "period": [DEMO_PERIOD, others[0]]},
            {**view_data(), "window": others[0]},
        ]
        payloads = [{**card, "inputs": [{**card["inputs"][0], "value": v}]} for v in forged_views]
        spec = {"kind": "worked", "dimension": "team", "value": others}
        payloads.append(
            dependency_payload(
                dependencies, "drill-spec.data", {"drill-spec.data": spec, "view.data": view_data()}
            )
        )
        rows = [{"team": others, "loan_id": "L1"}]
        defs = [{"field": "team", "headerName": "Team"}]
        payloads.append(dependency_payload(dependencies, "drill-csv.n_clicks", {
            "drill-csv.n_clicks": 1, "drill-grid.virtualRowData": rows,
            "drill-grid.columnDefs": defs, "drill-spec.data": {"kind": "tier", "tier": "loss"},
            "view.data": view_data()}))  # fmt: skip
        for payload in payloads:
            answer = post(manager, f"{url}{CALLBACK}", payload)
            assert answer.status_code == 400, (answer.status_code, answer.text[:300])
            assert answer.json()["error"] == "bad input"
            assert not [name for name in others if name in answer.text]
        assert post(manager, f"{url}{CALLBACK}", card).status_code == 200  # the real one
    log = place.server_log
    assert "Traceback" not in log
    assert not [name for name in others if name in log]


def test_every_answer_forbids_framing_and_sniffing(place: Place) -> None:
    place.add("boss", "--role", "executive")
    with place.served() as url:
        boss = log_in(url, "boss")
        answers = [get(browser(url), f"{url}/login"), get(browser(url), f"{url}/aging"),
                   get(boss, f"{url}/aging"), get(boss, f"{url}/_dash-layout"),
                   post(boss, f"{url}{CALLBACK}", first_callback(boss, url))]  # fmt: skip
        for answer in answers:
            assert answer.headers["X-Frame-Options"] == "DENY", answer.url
            assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
            assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_download_cell_with_white_space_before_a_formula_is_made_inert(place: Place) -> None:
    place.add("boss", "--role", "executive")
    cells = ["\n=HYPERLINK(\"http://x.example\")", " +1+1", "\r\n-2", "\u3000@SUM(A1)", "\t=1",
             "=1", "plain", "a=b"]  # fmt: skip
    with place.served() as url:
        boss = log_in(url, "boss")
        dependencies = get(boss, f"{url}/_dash-dependencies").json()
        rows = [{"loan_id": cell} for cell in cells]
        payload = dependency_payload(dependencies, "drill-csv.n_clicks", {
            "drill-csv.n_clicks": 1, "drill-grid.virtualRowData": rows,
            "drill-grid.columnDefs": [{"field": "loan_id", "headerName": "Loan"}],
            "drill-spec.data": {"kind": "tier", "tier": "loss"},
            "view.data": view_data()})  # fmt: skip
        answer = post(boss, f"{url}{CALLBACK}", payload)
        assert answer.status_code == 200, answer.text[:300]
        sent = answer.json()["response"]["drill-download"]["data"]
    content = base64.b64decode(sent["content"]).decode("utf-8-sig")
    written = [row[0] for row in csv.reader(io.StringIO(content))][1:]
    assert written == ["'" + cell for cell in cells[:6]] + ["plain", "a=b"]
