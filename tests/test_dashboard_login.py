"""The dashboard behind its login, through its Flask server as a browser reaches it: with a
users file holding an executive, a manager of one team and analysts, anonymous requests get
the login page or 401; logins are throttled, sessions are cookies that are HttpOnly and
SameSite, end at logout and expire; and a manager's session, trying every page, every
callback, every drill-down and every download with another team's filter and with none,
gets exactly what an executive gets for the manager's team, and never another team's
row or figure. Downloads are recorded in the audit log with the user and the filters."""

import base64
import csv
import io
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import dash
import polars as pl
import pytest
from argon2 import PasswordHasher, profiles
from flask.testing import FlaskClient

import reports.render
from bench.dashboard_bench import _split_output, router_payload, view_callbacks
from dashboard.app import create_app
from dashboard.auth import COOKIE, Guard
from dashboard.data import answers
from queries import dimensions
from queries.catalogue import MEASURES
from queries.filters import Filters
from recovery.audit import AuditLog
from recovery.masking import mask_name
from recovery.settings import Settings, get_settings
from recovery.users import User, UserStore
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db

PASSWORD = "correct horse battery"
NOTHING = "no such team"
MAX_FAILURES = 3


@dataclass
class Site:
    app: dash.Dash
    db: Path
    users: UserStore
    audit: AuditLog
    team: str  # the manager's
    other: str  # a team the manager must never see
    other_only: set[str]  # names only the other team's data holds (the team, its collectors)
    dependencies: list[dict]

    def client(self, name: str | None = None, *, base_url: str = "http://localhost") -> FlaskClient:
        client = self.app.server.test_client()
        client.environ_base["HTTP_HOST"] = urlsplit(base_url).netloc
        if name is not None:
            response = log_in(client, name)
            assert response.status_code == 302, response.text
        return client

    @property
    def guard(self) -> Guard:
        return self.app.server.extensions["recovery_guard"]


def log_in(client: FlaskClient, name: str, password: str = PASSWORD, **form: str) -> object:
    return client.post("/login", data={"name": name, "password": password, **form})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("dashboard-login")
    db = build_demo_db(folder, loans=300)
    settings = Settings(db=db)
    worked = MEASURES["recovery_by_team"](db, Filters(DEMO_PERIOD), settings)
    team, other = worked.filter(pl.col("team").is_not_null())["team"].to_list()[:2]
    users = UserStore(folder / "users.json", PasswordHasher.from_parameters(profiles.CHEAPEST))
    users.add(User("boss", "executive"), PASSWORD)
    users.add(User("mgr", "manager", (team,)), PASSWORD)
    users.add(User("ana", "analyst"), PASSWORD)
    users.add(User("ops", "analyst"), PASSWORD)
    users.add(User("clear", "analyst", may_see_unmasked=True), PASSWORD)
    other_only = {other} | (
        set(dimensions.collectors(db, team=other)) - set(dimensions.collectors(db, team=team))
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECOVERY_DB", str(db))
        patch.setenv("RECOVERY_USERS_FILE", str(users.path))
        patch.setenv("RECOVERY_AUDIT_LOG", str(folder / "audit.log"))
        patch.setenv("RECOVERY_LOGIN__MAX_FAILURES", str(MAX_FAILURES))
        get_settings.cache_clear()
        answers().clear()
        app = create_app()
        site = Site(app, db, users, AuditLog(folder / "audit.log", ZoneInfo("Asia/Shanghai")),
                    team, other, other_only, [])  # fmt: skip
        site.dependencies = site.client("boss").get("/_dash-dependencies").json
        yield site
        get_settings.cache_clear()
        answers().clear()


# --- anonymous requests -------------------------------------------------------------------


def page_paths() -> list[str]:
    return sorted(page["path"] for page in dash.page_registry.values())


def test_an_anonymous_page_request_gets_the_login_page(site: Site) -> None:
    client = site.client()
    for path in [*page_paths(), "/no-such-page"]:
        response = client.get(f"{path}?period={DEMO_PERIOD}&lang=en")
        assert response.status_code == 302, path
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query) == {
            "lang": ["en"],
            "next": [f"{path}?period={DEMO_PERIOD}&lang=en"],
        }
        page = client.get(response.headers["Location"])
        assert page.status_code == 200
        assert '<form method="post" action="/login"' in page.text
        assert "User name" in page.text and "Password" in page.text
    chinese = client.get("/login").text
    assert '<html lang="zh">' in chinese and "用户名" in chinese and "密码" in chinese


def test_anonymous_data_requests_get_401(site: Site) -> None:
    client = site.client()
    for path in ("/_dash-layout", "/_dash-dependencies", "/assets/style.css",
                 "/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.min.js"):  # fmt: skip
        assert client.get(path).status_code == 401, path
    payloads = [router_payload("/", ""), *callback_payloads(site, view_data())]
    payloads += [drill_payload(site, {"kind": "tier", "tier": "normal"}, view_data())]
    payloads += [download_payload(site, "drill-csv", [], [], {"kind": "tier"}, view_data())]
    payloads += [pdf_payload(site, view_data(), "executive")]
    for payload in payloads:
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 401
        assert response.json == {"error": "login required"}


# --- logging in and out -------------------------------------------------------------------


def test_a_login_sets_an_httponly_samesite_cookie_and_returns_to_the_page(site: Site) -> None:
    client = site.client()
    response = log_in(client, "ana", next="/aging?period=2026-10", lang="en")
    assert response.status_code == 302
    assert response.headers["Location"] == "/aging?period=2026-10&lang=en"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie
    assert client.get("/aging").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    secure = site.client(base_url="https://localhost")
    response = secure.post("/login", data={"name": "ana", "password": PASSWORD},
                           base_url="https://localhost")  # fmt: skip
    assert "Secure" in response.headers["Set-Cookie"]
    assert site.audit.read(user="ana", action="login_ok").events


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x", "/\\evil"])
def test_after_login_only_a_page_of_this_site(site: Site, target: str) -> None:
    response = log_in(site.client(), "ana", next=target)
    assert response.headers["Location"] == "/?lang=zh"


def test_a_login_posted_from_another_site_is_refused(site: Site) -> None:
    client = site.client()
    response = client.post("/login", data={"name": "ana", "password": PASSWORD},
                           headers={"Origin": "http://evil.example"})  # fmt: skip
    assert response.status_code == 403
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("hostile", ['"><script>alert(1)</script>', "javascript:alert(1)",
                                     "' or '1'='1", "../../etc/passwd"])  # fmt: skip
def test_hostile_names_and_targets_are_shown_as_text(site: Site, hostile: str) -> None:
    client = site.client()
    page = client.get("/login", query_string={"next": hostile, "lang": hostile})
    assert page.status_code == 200 and "<script>alert" not in page.text
    assert '<html lang="zh">' in page.text
    refused = log_in(client, hostile, hostile, next=hostile)
    assert refused.status_code == 200 and "<script>alert" not in refused.text
    assert "&lt;script&gt;" in refused.text or "<script" not in hostile
    assert log_in(client, "ana", next=hostile).headers["Location"].startswith("/")


def test_failed_logins_are_throttled_with_the_wait_shown(site: Site) -> None:
    client = site.client()
    for _ in range(MAX_FAILURES - 1):
        response = log_in(client, "ops", "wrong password", lang="en")
        assert response.status_code == 200
        assert "Wrong user name or password." in response.text
        assert "Set-Cookie" not in response.headers
    response = log_in(client, "ops", "wrong password", lang="en")
    assert response.status_code == 200
    assert "Too many failed logins: try again in 30 seconds." in response.text
    refused = log_in(client, "ops", PASSWORD, lang="zh")  # the right password, too soon
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] in ("29", "30")
    assert "登录失败次数过多" in refused.text
    assert "Set-Cookie" not in refused.headers
    actions = [e["action"] for e in site.audit.read(user="ops").events]
    assert actions == ["login_failed"] * MAX_FAILURES + ["login_throttled"]
    assert PASSWORD not in site.audit.path.read_text("utf-8")


def test_logout_ends_the_session_even_for_a_copy_of_the_cookie(site: Site) -> None:
    client = site.client("ana")
    token = client.get_cookie(COOKIE).value
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 302  # only the page's own form (a POST) ends it
    assert client.get("/").status_code == 200
    response = client.post("/logout?lang=en")
    assert response.headers["Location"] == "/login?lang=en&ended=1"
    assert client.get_cookie(COOKIE) is None
    assert "You have logged out." in client.get(response.headers["Location"]).text
    replay = site.client()
    replay.set_cookie(COOKIE, token)
    assert replay.get("/").status_code == 302
    assert replay.post("/_dash-update-component", json=router_payload("/", "")).status_code == 401
    assert site.audit.read(user="ana", action="logout").events


def test_an_expired_session_is_refused(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    client = site.client("ana")
    assert client.get("/_dash-layout").status_code == 200
    later = time.monotonic() + 8 * 3600 + 1
    monkeypatch.setattr(site.guard.sessions, "clock", lambda: later)
    assert client.get("/_dash-layout").status_code == 401
    response = client.get("/methods")
    assert response.status_code == 302
    assert "expired=1" in response.headers["Location"]


def test_a_removed_user_is_refused_at_the_next_request(site: Site) -> None:
    site.users.add(User("temp", "executive"), PASSWORD)
    client = site.client("temp")
    assert client.get("/_dash-layout").status_code == 200
    site.users.remove("temp")
    assert client.get("/_dash-layout").status_code == 401


def test_with_no_users_the_dashboard_is_open(site: Site, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RECOVERY_USERS_FILE", str(tmp_path / "none.json"))
    get_settings.cache_clear()
    try:
        client = site.client()
        assert client.get("/aging").status_code == 200
        assert (
            client.post("/_dash-update-component", json=router_payload("/", "")).status_code == 200
        )
        assert client.get("/login").status_code == 302
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


# --- what each role sees ------------------------------------------------------------------


def view_data(team: str | None = None, lang: str = "en") -> dict:
    dimensions_ = dict.fromkeys(("branch", "product", "team", "collector", "method"))
    return {"period": DEMO_PERIOD, **dimensions_, "team": team, "lang": lang, "window": 30}


def callback_payloads(site: Site, view: dict) -> list[dict]:
    from bench.dashboard_bench import callback_payload

    return [callback_payload(c, view) for c in view_callbacks(site.dependencies)]


def dependency(site: Site, first_input: str) -> dict:
    return next(d for d in site.dependencies if d["inputs"] and
                f"{d['inputs'][0]['id']}.{d['inputs'][0]['property']}" == first_input)  # fmt: skip


def payload_for(dep: dict, values: dict[str, object], changed: str) -> dict:
    outputs = _split_output(dep["output"])
    outputs = [{**o, "property": o["property"].split("@")[0]} for o in outputs]
    filled = lambda items: [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]  # noqa: E731
    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": filled(dep["inputs"]),
        "state": filled(dep.get("state", [])),
        "changedPropIds": [changed],
    }


def drill_payload(site: Site, spec: dict, view: dict) -> dict:
    values = {"drill-spec.data": spec, "view.data": view}
    return payload_for(dependency(site, "drill-spec.data"), values, "drill-spec.data")


def download_payload(
    site: Site, button: str, rows: list, defs: list, spec: dict, view: dict
) -> dict:
    values = {f"{button}.n_clicks": 1, "drill-grid.virtualRowData": rows,
              "drill-grid.columnDefs": defs, "drill-spec.data": spec,
              "view.data": view}  # fmt: skip
    return payload_for(dependency(site, "drill-csv.n_clicks"), values, f"{button}.n_clicks")


def pdf_payload(site: Site, view: dict, template: str) -> dict:
    values = {"pdf-download-button.n_clicks": 1, "view.data": view,
              "pdf-download-template.data": template}  # fmt: skip
    dep = dependency(site, "pdf-download-button.n_clicks")
    return payload_for(dep, values, "pdf-download-button.n_clicks")


def answer(client: FlaskClient, payload: dict) -> dict:
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code in (200, 204), response.text[:500]
    return response.json if response.status_code == 200 else {}


def readable(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_every_callback_of_a_manager_gives_the_executive_answer_for_the_team(site: Site) -> None:
    manager, boss = site.client("mgr"), site.client("boss")
    callbacks = view_callbacks(site.dependencies)
    assert {c["page"] for c in callbacks} >= {"overview", "aging", "methods", "teams", "contacts",
                                               "promises", "attention"}  # fmt: skip
    for mine, theirs in [
        (view_data(), view_data(site.team)),  # no team filter: the manager's team
        (view_data(site.team), view_data(site.team)),
        (view_data(site.other), view_data(NOTHING)),  # another team's filter: nothing
    ]:
        for got, expected in zip(
            callback_payloads(site, mine), callback_payloads(site, theirs), strict=True
        ):
            assert answer(manager, got) == answer(boss, expected), got["output"]
    narrowed = 0
    for payload in callback_payloads(site, view_data()):
        mine = answer(manager, payload)
        text = readable(mine)
        assert not [name for name in site.other_only if name in text], payload["output"]
        narrowed += mine != answer(boss, payload)
    assert narrowed > len(callbacks) / 2, "most answers differ from the whole book's"


def test_every_page_of_a_manager_lists_only_their_team(site: Site) -> None:
    manager = site.client("mgr")
    for path in page_paths():
        for search in ("", f"?period={DEMO_PERIOD}&lang=en"):
            layout = readable(answer(manager, router_payload(path, search)))
            assert not [name for name in site.other_only if name in layout], path
            assert "mgr" in layout
        crossed = readable(answer(manager, router_payload(path, f"?team={site.other}")))
        collectors_of_other = site.other_only - {site.other}
        assert not [name for name in collectors_of_other if name in crossed], path
    data_page = readable(answer(manager, router_payload("/data", "?lang=en")))
    assert "Rejected rows are shown only to users who see every team." in data_page


def drill_specs(site: Site, team: str) -> list[dict]:
    """A drill-down of every kind, on a cell that holds `team`'s loans (a kind whose figure
    has no cell of the team is left out)."""
    settings = Settings(db=site.db)
    filters = Filters(DEMO_PERIOD, team=team)

    def cells(measure: str, count: str = "count_loans") -> pl.DataFrame:
        return MEASURES[measure](site.db, filters, settings).filter(pl.col(count) > 0)

    found = {
        "aging": cells("aging"),
        "tier": cells("classification"),
        "roll": cells("roll_rates"),
        "method": cells("recovery_by_method", "cases"),
        "collector": cells("recovery_by_collector", "cases"),
        "reachability": cells("reachability", "count_customers"),
        "reason": cells("invalid_numbers_by_reason", "count_numbers"),
        "hour": cells("best_time_to_call", "count_phone_actions"),
        "vintage": cells("vintage_curves", "principal_30_plus"),
    }
    makers = {
        "aging": lambda c: {"kind": "aging_bucket", "period": DEMO_PERIOD, "bucket": c["bucket"]},
        "tier": lambda c: {"kind": "tier", "tier": c["tier"]},
        "roll": lambda c: {"kind": "roll", "source": c["from_bucket"], "target": c["to_state"]},
        "method": lambda c: {"kind": "worked", "dimension": "method", "value": c["method"]},
        "collector": lambda c: {"kind": "worked", "dimension": "collector",
                                "value": c["collector"], "value_team": c["team"]},
        "reachability": lambda c: {"kind": "reachability", "status": c["status"]},
        "reason": lambda c: {"kind": "invalid_reason", "reason": c["reason"]},
        "hour": lambda c: {"kind": "call_hour", "weekday": c["weekday"], "hour": c["hour"]},
        "vintage": lambda c: {"kind": "vintage", "vintage": c["vintage"].strftime("%Y-%m"),
                              "months_on_book": c["months_on_book"], "min_days": "30"},
    }  # fmt: skip
    specs = [makers[name](frame.row(0, named=True)) for name, frame in found.items() if len(frame)]
    return [
        *specs,
        {"kind": "worked", "dimension": "team", "value": team},
        {"kind": "promises", "period": DEMO_PERIOD, "verdict": "broken"},
        {"kind": "cured", "period": DEMO_PERIOD},
    ]


def rows_of(response: dict) -> list[dict]:
    return response["response"]["drill-grid"]["rowData"]


def test_every_drill_down_of_a_manager_stays_in_their_team(site: Site) -> None:
    """Cells holding the manager's team and cells holding the other team, each opened with
    no team filter (the manager's team), with the manager's team and with the other's."""
    manager, boss = site.client("mgr"), site.client("boss")
    shown = set()
    for spec in [*drill_specs(site, site.team), *drill_specs(site, site.other)]:
        for mine, theirs in [
            (view_data(), view_data(site.team)),
            (view_data(site.team), view_data(site.team)),
            (view_data(site.other), view_data(NOTHING)),
        ]:
            got = answer(manager, drill_payload(site, spec, mine))
            assert got == answer(boss, drill_payload(site, spec, theirs)), (spec, mine["team"])
            assert not [name for name in site.other_only if name in readable(rows_of(got))]
            if rows_of(got):
                shown.add(spec["kind"])
        crossed = answer(manager, drill_payload(site, spec, view_data(site.other)))
        assert rows_of(crossed) == [], spec
    assert shown >= {"aging_bucket", "tier", "roll", "worked", "reachability", "call_hour"}
    team_of_other = {"kind": "worked", "dimension": "team", "value": site.other}
    assert rows_of(answer(manager, drill_payload(site, team_of_other, view_data()))) == []


def test_an_analyst_sees_every_team_with_names_masked(site: Site) -> None:
    analyst, boss = site.client("ana"), site.client("boss")
    for got in callback_payloads(site, view_data()):
        assert answer(analyst, got) == answer(boss, got), got["output"]
    spec = next(s for s in drill_specs(site, site.other) if s["kind"] == "tier")
    rows = rows_of(answer(analyst, drill_payload(site, spec, view_data())))
    assert rows and all(row["customer_name"] is None or "*" in row["customer_name"] for row in rows)


def test_names_are_unmasked_only_for_a_user_allowed_them(site: Site) -> None:
    masked, allowed = site.client("ana"), site.client("clear")
    spec = next(s for s in drill_specs(site, site.team) if s["kind"] == "tier")
    shown = rows_of(answer(allowed, drill_payload(site, spec, view_data())))
    hidden = rows_of(answer(masked, drill_payload(site, spec, view_data())))
    assert [mask_name(row["customer_name"]) for row in shown] == [
        row["customer_name"] for row in hidden
    ]
    assert shown and not any("*" in (row["customer_name"] or "") for row in shown)
    # The first list of customers with rows on this small book (its 90+ cases are worked).
    for output in ("attention-stale", "attention-limitation", "promises-breakers"):
        listing = next(p for p in callback_payloads(site, view_data()) if output in p["output"])
        names = [row["customer_name"]
                 for row in answer(allowed, listing)["response"][output]["rowData"]]  # fmt: skip
        if names:
            break
    masked_names = [
        row["customer_name"] for row in answer(masked, listing)["response"][output]["rowData"]
    ]
    assert names and [mask_name(name) for name in names] == masked_names


# --- downloads ----------------------------------------------------------------------------


def test_a_drill_download_is_the_managers_rows_and_is_audited(site: Site) -> None:
    manager = site.client("mgr")
    spec = next(s for s in drill_specs(site, site.team) if s["kind"] == "tier")
    opened = answer(manager, drill_payload(site, spec, view_data(lang="zh")))["response"]
    rows, defs = opened["drill-grid"]["rowData"], opened["drill-grid"]["columnDefs"]
    assert rows
    for button, kind in (("drill-csv", "csv"), ("drill-xlsx", "xlsx")):
        payload = download_payload(site, button, rows, defs, spec, view_data(lang="zh"))
        sent = answer(manager, payload)["response"]["drill-download"]["data"]
        assert sent["filename"].endswith(f".{kind}")
        if kind == "csv":
            content = base64.b64decode(sent["content"]).decode("utf-8-sig")
            table = list(csv.reader(io.StringIO(content)))
            assert len(table) == len(rows) + 1
            assert {row[defs.index(next(d for d in defs if d["field"] == "team"))]
                    for row in table[1:]} == {site.team}  # fmt: skip
    events = site.audit.read(user="mgr", action="download").events
    assert [(e["format"], e["rows"], e["drill"], e["filters"]) for e in events[-2:]] == [
        (kind, len(rows), spec, {"period": DEMO_PERIOD, "allowed_teams": [site.team]})
        for kind in ("csv", "xlsx")
    ]


@pytest.fixture
def written_reports(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []

    def fake_write_report(template, filters, lang, out, settings, **_):
        calls.append((template, filters))
        out.write_bytes(b"%PDF-1.7 report")
        return out

    monkeypatch.setattr(reports.render, "write_report", fake_write_report)
    return calls


def test_the_pdf_of_a_manager_is_of_their_team_and_is_audited(site: Site, written_reports) -> None:
    manager, boss = site.client("mgr"), site.client("boss")
    for view in (view_data(), view_data(site.other)):
        for template in ("executive", "manager"):
            sent = answer(manager, pdf_payload(site, view, template))["response"]
            assert base64.b64decode(sent["pdf-download"]["data"]["content"]) == b"%PDF-1.7 report"
    answer(boss, pdf_payload(site, view_data(), "executive"))
    mine = Filters(DEMO_PERIOD, allowed_teams=(site.team,))
    crossed = Filters(DEMO_PERIOD, team=site.other, allowed_teams=(site.team,))
    assert written_reports == [
        ("executive", mine), ("manager", mine), ("executive", crossed), ("manager", crossed),
        ("executive", Filters(DEMO_PERIOD)),
    ]  # fmt: skip
    events = site.audit.read(user="mgr", action="download").events[-4:]
    scoped = {"period": DEMO_PERIOD, "allowed_teams": [site.team]}
    assert [(e["format"], e["template"], e["filters"]) for e in events] == [
        ("pdf", "executive", scoped),
        ("pdf", "manager", scoped),
        ("pdf", "executive", {**scoped, "team": site.other}),
        ("pdf", "manager", {**scoped, "team": site.other}),
    ]
    assert events[0]["file"] == f"executive_team-{site.team}_{DEMO_PERIOD}_en.pdf"


def test_a_real_pdf_of_a_manager_holds_their_team_only(site: Site, tmp_path: Path) -> None:
    manager = site.client("mgr")
    sent = answer(manager, pdf_payload(site, view_data(), "manager"))["response"]
    pdf = tmp_path / sent["pdf-download"]["data"]["filename"]
    pdf.write_bytes(base64.b64decode(sent["pdf-download"]["data"]["content"]))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert f"Team: {site.team}" in text
    assert not [name for name in site.other_only if name in text]
