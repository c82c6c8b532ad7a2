"""Every door checks: sign-in on every route, the scope from the session only, CSRF, rate
limits, production secrets, and scope in cache keys."""
from __future__ import annotations

import contextlib
import copy
import json
import os
import random
import re
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import limits.storage.memory
import pytest
import redis
import sqlalchemy as sa
from dash import Input, Output, dcc, html
from playwright.sync_api import expect

from app import create_app
from auth.guard import OPEN_PATHS
from auth.identity import current_scope
from auth.secret_key import instance_key, secret_key, weakness
from bench import dash_client
from callbacks.errors import UNEXPECTED
from config import Config
from data_access import breakdowns, details, export_tasks, schema, users
from data_access.db import init_db
from data_access.query import Basis, ExpenditureQuery, Scope
from data_access.schema import customers, schema_meta
from data_access.users import add_user, get_user, remove_user, set_password
from tests.helpers import cli_invoker, client, dash_of, make_app, seed_small, sign_in, signed_in_client
from tests.helpers.database import POSTGRES_URL

STRONG_KEY = "kq3VtX9-pL0sRw2ZyB7nHc4fJd8aGm6e"


@pytest.fixture
def data(duckdb_engine):
    """The small dataset, on DuckDB: the checks of the web layer do not depend on the database
    (those of the data layer seed the `engine` of each kind themselves)."""
    return seed_small(duckdb_engine)


def add_probe_callback(app) -> dict:
    """A callback answering with the scope it runs under; returns a request body for it."""
    @dash_of(app).callback(Output("probe-out", "children"), Input("probe-in", "value"))
    def probe(value):
        scope = current_scope()
        return f"{scope.partner_id}/{scope.manager_id}/{value}"

    return dash_client.update_request("probe-out.children", {"id": "probe-out", "property": "children"},
                                      inputs=[dash_client.slot("probe-in", "value", "hello")],
                                      changed=["probe-in.value"])


# --- every route needs a signed-in user ----------------------------------------------------------

def concrete_path(rule) -> str:
    """The rule's path with every variable filled in."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
                  lambda m: "1" if m.group(1) in ("int", "float") else "x", rule.rule)


def test_every_route_refuses_a_stranger(duckdb_engine, tmp_path):
    app = make_app(duckdb_engine, tmp_path)
    rules = [rule for rule in app.url_map.iter_rules()]
    assert {"/_dash-update-component", "/logout", "/<path:path>"} <= {rule.rule for rule in rules}
    stranger = client(app)
    for rule in rules:
        path = concrete_path(rule)
        if path in OPEN_PATHS:
            continue
        for method in sorted(rule.methods):
            response = stranger.open(path, method=method, headers={"Accept": "application/json"})
            assert response.status_code == 401, (method, rule.rule)
            if method != "HEAD":
                assert response.json == {"error": "Sign-in required."}, (method, rule.rule)
            if method == "GET" and not path.startswith("/_dash-"):  # the renderer's own: always 401
                page = stranger.get(path, headers={"Accept": "text/html,*/*;q=0.8"})
                assert page.status_code == 302, rule.rule
                assert page.location.startswith("/login"), rule.rule


def test_routes_added_later_are_covered_too(duckdb_engine, tmp_path):
    app = make_app(duckdb_engine, tmp_path)
    app.add_url_rule("/added-later", "added_later", lambda: "secret")
    assert client(app).get("/added-later").status_code == 401


def test_only_the_sign_in_page_and_what_it_loads_are_open(duckdb_engine, tmp_path):
    stranger = client(make_app(duckdb_engine, tmp_path))
    assert stranger.get("/login").status_code == 200
    assert stranger.get("/assets/vendor/bootstrap.min.css").status_code == 200
    assert stranger.get("/assets/vendor/bootstrap-icons/bootstrap-icons.min.css").status_code == 401
    assert stranger.get("/assets/vendor/../vendor/bootstrap.min.css").status_code == 401


# --- CSRF -------------------------------------------------------------------------------------------

def test_callbacks_need_the_csrf_header_equal_to_the_cookie_and_session(duckdb_engine, tmp_path, data):
    app = make_app(duckdb_engine, tmp_path)
    body = add_probe_callback(app)
    browser = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    token = browser.get_cookie("_csrf_token").value

    assert browser.post("/_dash-update-component", json=body).json["response"] == {
        "probe-out": {"children": "A/A-M1/hello"}}  # the client adds the header like the renderer

    for headers in ({"X-CSRFToken": ""}, {"X-CSRFToken": token[:-1] + "x"}, {"X-CSRFToken": token + "x"}):
        assert browser.post("/_dash-update-component", json=body, headers=headers).status_code == 403
    # A cookie planted by someone else (and sent back in the header) is not this session's.
    browser.set_cookie("_csrf_token", "planted-token-planted-token-0000")
    response = browser.post("/_dash-update-component", json=body,
                            headers={"X-CSRFToken": "planted-token-planted-token-0000"})
    assert response.status_code == 403
    # The header alone (no cookie) does not do either.
    browser.delete_cookie("_csrf_token")
    response = browser.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 403
    assert b"A/A-M1" not in response.data


def test_every_state_changing_method_is_checked(duckdb_engine, tmp_path, data):
    app = make_app(duckdb_engine, tmp_path)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = browser.open("/_dash-update-component", method=method, json={},
                                headers={"X-CSRFToken": "wrong"})
        assert response.status_code == 403, method


def test_sign_in_and_out_forms_need_the_token(duckdb_engine, tmp_path, data):
    app = make_app(duckdb_engine, tmp_path)
    browser = app.test_client()  # a plain client: sends no header by itself
    browser.get("/login")
    form = {"login": data.admin_a.login, "password": data.admin_a.password}
    assert browser.post("/login", data=form).status_code == 403
    assert browser.post("/login", data={**form, "_csrf_token": "guess"}).status_code == 403
    token = browser.get_cookie("_csrf_token").value
    assert browser.post("/login", data={**form, "_csrf_token": token}).status_code == 302
    assert browser.post("/logout").status_code == 403
    token = browser.get_cookie("_csrf_token").value
    assert browser.post("/logout", data={"_csrf_token": token}).location == "/login"


# --- sessions end when they should ----------------------------------------------------------------

def copied(app, browser):
    """Another client holding `browser`'s cookies: a stolen or copied session cookie."""
    thief = client(app)
    for name in ("session", "_csrf_token"):
        thief.set_cookie(name, browser.get_cookie(name).value)
    return thief


def signed_in(app, browser) -> bool:
    return browser.get("/_dash-layout").status_code == 200


def end_by_sign_out(app, engine, data):
    signed_in_client(app, data.admin_a.login, data.admin_a.password).post("/logout")


def end_by_new_password(app, engine, data):
    with engine.begin() as conn:
        set_password(conn, data.admin_a.login, "another-password")


def end_by_new_role(app, engine, data):
    assert cli_invoker(app)("users", "set-role", data.admin_a.login, "--role", "account_manager",
                            "--manager", "A-M1") == (
        0, f"{data.admin_a.login} is now account_manager of manager A-M1; its sessions have ended\n")


def end_by_removal(app, engine, data):
    with engine.begin() as conn:
        remove_user(conn, data.admin_a.login)


def end_by_command(app, engine, data):
    assert cli_invoker(app)("users", "sign-out-everywhere", data.admin_a.login) == (
        0, f"Every session of {data.admin_a.login} has ended\n")


@pytest.mark.parametrize("end", [end_by_sign_out, end_by_new_password, end_by_new_role, end_by_removal,
                                 end_by_command])
def test_every_session_of_the_user_ends_at_once_on_every_worker(duckdb_engine, tmp_path, data, end):
    """The attack: a copied session cookie kept working for hours after sign-out, and across a
    restart. Two apps on one database stand for two workers (or a restart)."""
    workers = [make_app(duckdb_engine, tmp_path) for _ in range(2)]
    browser = signed_in_client(workers[0], data.admin_a.login, data.admin_a.password)
    thief = copied(workers[1], browser)
    other_user = signed_in_client(workers[1], data.admin_b.login, data.admin_b.password)
    assert signed_in(workers[0], browser) and signed_in(workers[1], thief)

    end(workers[1], duckdb_engine, data)

    assert not signed_in(workers[0], browser)
    assert not signed_in(workers[1], thief)
    assert not signed_in(make_app(duckdb_engine, tmp_path), copied(workers[0], thief))  # restarted
    assert signed_in(workers[0], other_user)  # nobody else's sessions end


def test_a_removed_login_added_again_does_not_revive_old_sessions(duckdb_engine, tmp_path, data):
    app = make_app(duckdb_engine, tmp_path)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    with duckdb_engine.begin() as conn:
        remove_user(conn, data.admin_a.login)
        add_user(conn, data.admin_a.login, data.admin_a.password, "A", "admin")
    assert not signed_in(app, browser)


def test_the_session_generation_column_is_added_to_an_older_database(engine):
    """Databases made before sessions could be ended get the column (existing users keep
    signing in), once: the step is recorded and running it again changes nothing."""
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE users"))
        conn.execute(sa.text("CREATE TABLE users (login VARCHAR(100) PRIMARY KEY, password_hash "
                             "VARCHAR(300) NOT NULL, partner_id VARCHAR(64) NOT NULL, role VARCHAR(20) "
                             "NOT NULL, manager_id VARCHAR(64), created_at TIMESTAMP NOT NULL)"))
        conn.execute(sa.text("INSERT INTO users VALUES ('old@a', 'x', 'A', 'admin', NULL, "
                             "TIMESTAMP '2024-01-01 00:00:00')"))
        conn.execute(schema_meta.delete().where(schema_meta.c.key.like("migration:%")))
    init_db(engine)
    init_db(engine)
    with engine.connect() as conn:
        assert get_user(conn, "old@a").session_generation == 0
        assert sorted(conn.execute(sa.select(schema_meta.c.key).where(schema_meta.c.key.like("migration:%"))
                                   ).scalars()) == ["migration:expenditures-by-month",
                                                    "migration:export-tasks-error-message",
                                                    "migration:money-8-decimals", "migration:record-ids",
                                                    "migration:users-language",
                                                    "migration:users-session-generation"]


# --- rate limits ---------------------------------------------------------------------------------------

def attempt(browser, login: str, password: str = "wrong-password", address: str = "10.0.0.1"):
    return browser.post("/login", data={"login": login, "password": password},
                        environ_base={"REMOTE_ADDR": address})


class Clock:
    """Stands in for the `time` module of the in-memory rate-limit storage: moved by hand."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now


def test_wrong_passwords_are_limited_per_login_and_address_with_backoff(duckdb_engine, tmp_path, data,
                                                                       monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    app = make_app(duckdb_engine, tmp_path)
    browser = client(app)
    browser.get("/login")
    attacker, owner = "10.0.1.1", "10.0.1.2"

    def wrong_until_refused() -> int:
        failures = 0
        while (response := attempt(browser, data.admin_a.login, address=attacker)).status_code == 200:
            failures += 1
        assert response.status_code == 429
        return failures

    assert wrong_until_refused() == 5
    response = attempt(browser, "ADMIN@a ", data.admin_a.password, address=attacker)  # even right, spelt otherwise
    assert response.status_code == 429
    assert "Too many sign-in attempts from here. Wait a minute" in response.get_data(as_text=True)
    # The attack cannot lock the real user out: from the user's own address sign-in works.
    assert attempt(browser, data.admin_a.login, data.admin_a.password, address=owner).status_code == 302
    # The attacker waits longer each time: a minute buys 5 more tries, then an hour is needed.
    clock.now += 61
    assert wrong_until_refused() == 5
    clock.now += 61
    response = attempt(browser, data.admin_a.login, address=attacker)
    assert response.status_code == 429 and "Wait an hour" in response.get_data(as_text=True)
    clock.now += 3601
    assert wrong_until_refused() == 5
    clock.now += 61
    assert wrong_until_refused() == 5  # 20 today: now the attacker waits a day
    clock.now += 3601
    assert "Wait a day" in attempt(browser, data.admin_a.login, address=attacker).get_data(as_text=True)


def test_an_unknown_login_takes_as_long_as_a_wrong_password(duckdb_engine, data, monkeypatch):
    """No user enumeration by timing: both answers check exactly one password hash of the
    stored kind (counted, not timed: timings are for bench/)."""
    checked = []
    real_check = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash",
                        lambda stored, password: checked.append(stored.split("$")[0]) or real_check(stored, password))
    monkeypatch.setattr(users, "generate_password_hash", lambda *_: pytest.fail("hashed at sign-in"))
    with duckdb_engine.connect() as conn:
        stored_method = conn.execute(sa.select(schema.users.c.password_hash)).scalar().split("$")[0]
        assert users.authenticate(conn, data.admin_a.login, "wrong-password") is None
        assert users.authenticate(conn, "nobody@nowhere", "wrong-password") is None
    assert checked == [stored_method, stored_method]


def test_sign_in_attempts_are_limited_per_address(duckdb_engine, tmp_path, data):
    app = make_app(duckdb_engine, tmp_path)
    browser = client(app)
    browser.get("/login")
    for number in range(10):
        assert attempt(browser, f"guess-{number}@a", address="10.0.2.1").status_code == 200
    assert attempt(browser, data.admin_a.login, data.admin_a.password, address="10.0.2.1").status_code == 429
    assert browser.get("/login", environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code == 200  # only POSTs count
    assert attempt(browser, data.admin_a.login, data.admin_a.password, address="10.0.2.2").status_code == 302


def test_workers_share_the_counts_through_redis(duckdb_engine, tmp_path, data):
    url = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis unreachable: {error}")
    workers = [client(make_app(duckdb_engine, tmp_path / str(n), redis_url=url)) for n in range(2)]
    login = f"someone-{uuid.uuid4().hex}"  # the counts outlive the test: a name of its own
    for number in range(5):
        worker = workers[number % 2]
        worker.get("/login")
        assert attempt(worker, login, address="10.0.3.1").status_code == 200
    assert attempt(workers[1], login, address="10.0.3.1").status_code == 429


# --- headers ---------------------------------------------------------------------------------------

def test_every_answer_carries_the_security_headers(duckdb_engine, tmp_path, data):
    app = make_app(duckdb_engine, tmp_path)
    stranger, browser = client(app), signed_in_client(app, data.admin_a.login, data.admin_a.password)
    answers = [stranger.get("/login"), stranger.get("/_dash-layout"), browser.get("/"),
               browser.get("/_dash-layout"), browser.post("/_dash-update-component", json={})]
    for response in answers:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert policy["script-src"].split() == ["'self'", *dash_of(app).csp_hashes()]


def test_the_csrf_cookie_is_secure_with_secure_cookies(duckdb_engine, tmp_path, data):
    browser = client(make_app(duckdb_engine, tmp_path, secure_cookies=True))
    response = browser.get("/login")
    assert SimpleCookie(next(h for h in response.headers.getlist("Set-Cookie")
                             if h.startswith("_csrf_token=")))["_csrf_token"]["secure"]


# --- production secrets -----------------------------------------------------------------------------

def production(tmp_path, **settings) -> Config:
    return Config.from_env(**{"instance_dir": tmp_path, "debug": False, "testing": False, **settings})


def test_production_will_not_start_without_a_secret_key(tmp_path):
    with pytest.raises(SystemExit, match="SECRET_KEY is not set: it is required with a PostgreSQL"):
        create_app(production(tmp_path, database_url=POSTGRES_URL, secret_key=None))
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("key, problem", [
    ("dev", "is a well-known default"), ("changeme", "is a well-known default"),
    ("Change-Me-In-Production", "is a well-known default"),
    ("short-but-random-Xy7", "is shorter than 32 characters"),
    ("ab" * 20, "has fewer than 10 different characters"),
])
def test_production_will_not_start_with_a_weak_secret_key(tmp_path, key, problem):
    assert weakness(key) == problem
    for url in (POSTGRES_URL, f"duckdb:///{tmp_path}/x.duckdb"):
        with pytest.raises(SystemExit, match=f"SECRET_KEY {problem}"):
            create_app(production(tmp_path, database_url=url, secret_key=key))


def test_a_strong_secret_key_is_used(tmp_path):
    app = create_app(production(tmp_path, database_url=POSTGRES_URL, secret_key=STRONG_KEY))
    assert app.secret_key == STRONG_KEY
    assert not (tmp_path / "secret_key").exists()


def test_debug_and_testing_accept_any_key(tmp_path):
    for mode in ({"debug": True}, {"testing": True}):
        assert secret_key(production(tmp_path, database_url=POSTGRES_URL, secret_key="dev", **mode)) == "dev"


def test_embedded_database_makes_its_own_key_once(tmp_path):
    config = production(tmp_path / "instance", database_url=f"duckdb:///{tmp_path}/x.duckdb", secret_key=None)
    first = create_app(config).secret_key
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert weakness(first) is None and key_file.read_text() == first
    assert create_app(config).secret_key == first  # kept: sessions survive a restart
    assert [path.name for path in key_file.parent.iterdir()] == ["secret_key"]  # no leftovers


def test_a_damaged_key_file_is_reported(tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(SystemExit, match="does not hold a usable key"):
        instance_key(tmp_path)


# --- the scope, in the data and in the cache ------------------------------------------------------

def test_account_manager_totals_are_the_admins_filtered_to_that_manager(engine):
    data = seed_small(engine)
    admin = ExpenditureQuery(Scope("A"), data.start, data.end, include={"account_manager": ["A-M1"]})
    manager = ExpenditureQuery(Scope("A", "A-M1"), data.start, data.end)
    with engine.connect() as conn:
        overview = breakdowns.overview(conn, manager)
        assert overview == breakdowns.overview(conn, admin)
        assert overview.total.amount == Decimal("1603.62")  # A-R1 + A-R3 (after the handover) + A-R5
        for basis in Basis:
            assert (breakdowns.breakdown(conn, manager.replace(group_by=basis))
                    == breakdowns.breakdown(conn, admin.replace(group_by=basis))), basis
        assert list(details.detail_rows(conn, manager)) == list(details.detail_rows(conn, admin))
        # Search and grouping work inside the scope, and never reach outside it.
        games = breakdowns.overview(conn, manager.replace(search="alpha-games"))
        assert games.total.amount == Decimal("450.26")
        assert breakdowns.overview(conn, manager.replace(search="Bob Baker")).total.amount == 0
        assert details.count_rows(conn, manager, record_ids=["A-R2", "A-R4", "B-R1"]) == 0
        assert breakdowns.overview(conn, manager.replace(include={"account_manager": ["A-M2"]})).total.amount == 0


def test_cached_answers_are_never_shared_across_scopes(engine, tmp_path):
    data = seed_small(engine)
    app = make_app(engine, tmp_path)
    runtime = app.extensions["runtime"]
    query = ExpenditureQuery(Scope("A"), data.start, data.end)
    with app.app_context():
        totals = [runtime.answers.answer(breakdowns.overview, query.replace(scope=scope)).total.amount
                  for scope in (Scope("A"), Scope("A", "A-M1"), Scope("A", "A-M2"), Scope("B"), Scope("A"))]
    assert totals == [Decimal("12677.82"), Decimal("1603.62"), Decimal("7771.17"),
                      Decimal("106173.99"), Decimal("12677.82")]


# --- forged requests ------------------------------------------------------------------------------

def add_export_tasks(engine, data) -> tuple[str, str]:
    """One export task of each partner's admin; returns (A's id, B's id)."""
    with engine.begin() as conn:
        return tuple(export_tasks.create(conn, login, ExpenditureQuery(Scope(partner), data.start, data.end),
                                         name, "xlsx", timedelta(days=7))
                     for login, partner, name in (("admin@a", "A", "alpha-admins-export"),
                                                  ("admin@b", "B", "bravo-secret-export")))


def leaked(text: str, forbidden) -> list[str]:
    return [secret for secret in forbidden if secret in text]


def test_routes_naming_another_partners_ids_show_nothing_of_theirs(engine, tmp_path):
    data = seed_small(engine)
    _, b_task = add_export_tasks(engine, data)
    app = make_app(engine, tmp_path)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    forbidden = (*data.b_only, "bravo-secret-export")
    for rule in app.url_map.iter_rules():
        if not rule.arguments or "GET" not in rule.methods:
            continue
        for value in (*data.b_ids, b_task):
            path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?\w+>", value, rule.rule)
            text = browser.get(path).get_data(as_text=True)
            assert not leaked(text, forbidden), (path, leaked(text, forbidden))


def is_callback_url(url: str) -> bool:
    return urlsplit(url).path == "/_dash-update-component"


# The callbacks each step of the dashboard sets off (parts of their requests' "output"): the
# recorder waits until each has been answered, so that it has seen every request.
DASHBOARD_LOAD = ("header.children", "tab-content.children", "filter-section-service-type.title",
                  "include-service-type.options", "overview-totals.children", "movers.children",
                  "overview-breakdowns.children", "toasts.children")
BREAKDOWN_TAB = ("tab-content.children", "breakdown-graph.figure", "getRowsResponse", "drill-breadcrumb.children",
                 "scorecard.children", "toasts.children")
DASHBOARD_TABS = {"Overview": (),  # already shown
                  "Expenditure Trend": BREAKDOWN_TAB, "Expenditure Distribution": BREAKDOWN_TAB,
                  "Export History": ("tab-content.children", "export-history.children", "toasts.children")}


@contextlib.contextmanager
def answered(page, outputs):
    """Wait, at the end of the block, until a callback request naming each of `outputs` in its
    "output" has been answered (each wait started before the block acts, so none is missed)."""
    def answering(output):
        return lambda response: (is_callback_url(response.url) and response.request.method == "POST"
                                 and output in (response.request.post_data_json or {}).get("output", ""))
    with contextlib.ExitStack() as stack:
        for output in outputs:
            stack.enter_context(page.expect_response(answering(output)))
        yield


def record_callbacks(page, base_url: str, sign_in_, on_load=DASHBOARD_LOAD, tabs=DASHBOARD_TABS) -> list[dict]:
    """Every callback request the real page makes for `sign_in_`, on load (which sets off the
    callbacks `on_load`) and on each tab in turn (`tabs`: label -> the callbacks it sets off)."""
    bodies: list[dict] = []
    page.on("request", lambda request: bodies.append(request.post_data_json)
            if request.method == "POST" and is_callback_url(request.url) else None)
    with answered(page, on_load):
        sign_in(page, base_url, sign_in_.login, sign_in_.password)
    assert page.locator("#tabs [role=tab]").all_inner_texts() == list(tabs)  # no tab left out
    for label, outputs in tabs.items():
        with answered(page, outputs):
            page.get_by_role("tab", name=label).click()
    return bodies


def input_slots(body: dict):
    for section in ("inputs", "state"):
        for item in body.get(section) or []:
            yield from (item if isinstance(item, list) else [item])


def forgeries(body: dict, renames: dict[str, str], poisons: list) -> list[dict]:
    """Variants of a real request: the user's own ids renamed to the target's everywhere, and
    each poison put into every input of a matching kind (dicts merged, keeping the rest)."""
    text = json.dumps(body)
    for own, theirs in renames.items():
        text = re.sub(rf'(?<![\w-]){re.escape(own)}(?![\w-])', theirs, text)
    variants = [json.loads(text)]
    for poison in poisons:
        variant, changed = copy.deepcopy(body), False
        for slot in input_slots(variant):
            value = slot.get("value")
            if value is None or type(value) is type(poison):
                slot["value"] = {**value, **poison} if isinstance(value, dict) else poison
                changed = True
        if changed:
            variants.append(variant)
    return variants


def poisons_naming(ids: dict, search: str, start, end) -> list:
    """Values naming the target's data, in the shapes the page's inputs take: ids, lists of ids
    or rows, query parameters (dicts, merged into the real ones) and query strings."""
    days = {"start": start.isoformat(), "end": end.isoformat()}
    url_params = urlencode({"range": "custom", "from": days["start"], "to": days["end"], **days,
                            "search": search, "include.account_manager": ids["manager"],
                            "include.customer_account": ids["customer"],
                            "partner_id": ids["partner"], "manager_id": ids["manager"]})
    return [
        *ids.values(), search, f"?{url_params}", f"http://127.0.0.1/?{url_params}",
        [ids["manager"]], [ids["customer"]], [ids["record"]], [{"record_id": ids["record"]}],
        {**days, "include": {"account_manager": [ids["manager"]], "customer_account": [ids["customer"]]}},
        {**days, "search": search},
        {**days, "partner_id": ids["partner"], "manager_id": ids["manager"],
         "scope": {"partner_id": ids["partner"], "manager_id": ids["manager"]}},
    ]


def assert_forgeries_reveal_nothing(app, bodies, sign_in_, renames, poisons, forbidden, own):
    browser = signed_in_client(app, sign_in_.login, sign_in_.password)
    replayed = [browser.post("/_dash-update-component", json=body).get_data(as_text=True) for body in bodies]
    # The replay works: the genuine requests answer with the user's own data.
    assert any(leaked(text, own) for text in replayed), "replayed callbacks showed none of the user's data"
    for body in bodies:
        for forged in forgeries(body, renames, poisons):
            text = browser.post("/_dash-update-component", json=forged).get_data(as_text=True)
            assert not leaked(text, forbidden), (forged, leaked(text, forbidden))


def test_forged_callbacks_show_nothing_outside_the_users_scope(duckdb_engine, tmp_path, live_server, page):
    """Generic over every callback the dashboard has: the page's real requests are recorded in
    a browser, then replayed with another partner's (or, for an account manager, another
    manager's) ids, customers, records and exports put into every input."""
    data = seed_small(duckdb_engine, start=date.today() - timedelta(days=28))  # in the default range
    a_task, b_task = add_export_tasks(duckdb_engine, data)
    app = make_app(duckdb_engine, tmp_path)
    base_url = live_server(app)

    bodies = record_callbacks(page, base_url, data.admin_a)
    assert bodies, "the dashboard made no callback requests"
    b_ids = {"partner": "B", "manager": "B-M1", "customer": "B-C1", "record": "B-R1", "task": b_task}
    assert_forgeries_reveal_nothing(
        app, bodies, data.admin_a,
        renames={"A": "B", "A-M1": "B-M1", "A-M2": "B-M1", "A-C1": "B-C1", "A-C2": "B-C1",
                 "A-C3": "B-C1", "A-R1": "B-R1", "A-R2": "B-R2", a_task: b_task},
        poisons=poisons_naming(b_ids, "bravo", data.start, data.end),
        forbidden=(*data.b_only, "bravo-secret-export"),
        own=("Alice Able", "alpha-retail", "alpha-games", "alpha-admins-export"))

    page.context.clear_cookies()
    bodies = record_callbacks(page, base_url, data.manager_a)
    others = {"partner": "A", "manager": "A-M2", "customer": "A-C3", "record": "A-R4", "task": a_task}
    assert_forgeries_reveal_nothing(
        app, bodies, data.manager_a,
        renames={"A-M1": "A-M2", "A-C1": "A-C3", "A-R1": "A-R2", "A-R3": "A-R4"},
        poisons=[*poisons_naming(others, "Bob", data.start, data.end),
                 {"start": data.start.isoformat(), "end": data.end.isoformat(),
                  "include": {"account_manager": [""]}}],  # Unassigned
        forbidden=(*data.hidden_from_manager_a, *data.b_only, "alpha-admins-export"),
        own=("Alice Able", "alpha-retail"))


def test_the_forgery_check_catches_a_callback_that_trusts_the_browser(duckdb_engine, tmp_path,
                                                                     live_server, page):
    data = seed_small(duckdb_engine)
    app = make_app(duckdb_engine, tmp_path)

    @dash_of(app).callback(Output("leaky-out", "children"), Input("leaky-customer", "value"))
    def leaky(customer_id):  # looks the customer up by the browser's id, forgetting the partner
        with duckdb_engine.connect() as conn:
            return conn.execute(sa.select(customers.c.account_name)
                                .where(customers.c.customer_id == customer_id)).scalar()

    # Only the leaky callback on the page: the dashboard's own are the other test's subject.
    dash_of(app).layout = html.Div([dcc.Input(id="leaky-customer", value="A-C1"), html.Div(id="leaky-out")])
    bodies = record_callbacks(page, live_server(app), data.admin_a, on_load=["leaky-out.children"], tabs={})
    assert [body["output"] for body in bodies] == ["leaky-out.children"]
    with pytest.raises(AssertionError, match="bravo-secretcorp"):
        assert_forgeries_reveal_nothing(app, bodies, data.admin_a, renames={"A-C1": "B-C1"},
                                        poisons=["B-C1"], forbidden=data.b_only, own=("alpha-retail",))


# --- in the browser ---------------------------------------------------------------------------------

def test_dash_renderer_sends_the_csrf_header(duckdb_engine, tmp_path, live_server, page):
    """The renderer of this Dash version copies the `_csrf_token` cookie into X-CSRFToken."""
    data = seed_small(duckdb_engine)
    app = make_app(duckdb_engine, tmp_path)
    add_probe_callback(app)
    dash_of(app).layout = html.Div([dcc.Input(id="probe-in", value="typed"), html.Div(id="probe-out")])
    base_url = live_server(app)
    headers = []
    page.on("request", lambda request: headers.append(request.headers)
            if is_callback_url(request.url) else None)

    sign_in(page, base_url, data.admin_a.login, data.admin_a.password)
    expect(page.locator("#probe-out")).to_have_text("A/None/typed")
    page.fill("#probe-in", "again")
    expect(page.locator("#probe-out")).to_have_text("A/None/again")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_csrf_token")
    assert headers and all(h.get("x-csrftoken") == token for h in headers)


# --- limits on requests --------------------------------------------------------------------------------

def test_a_request_body_over_the_cap_is_refused_with_413(duckdb_engine, tmp_path, data):
    app = make_app(duckdb_engine, tmp_path, max_content_length=64 * 1024)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    body = add_probe_callback(app)
    assert browser.post("/_dash-update-component", json=body).status_code == 200
    body["inputs"][0]["value"] = "x" * 70_000
    assert browser.post("/_dash-update-component", json=body).status_code == 413
    login = client(app)
    login.get("/login")
    assert login.post("/login", data={"login": "a", "password": "p" * 70_000}).status_code == 413


# --- forged-callback fuzzing ----------------------------------------------------------------------------

ECHO = "echo-" + "q" * 4000  # a long input no answer may repeat (more than a short excerpt of)
ECHOED = "q" * 100
A_ONLY = ("Alpha Partners", "Alice Able", "Bob Baker", "alpha-retail", "alpha-games", "alpha-labs",
          "12677.82", "12,677.82", "alpha-admins-export")


def mutations(rng: random.Random, own: dict, theirs: dict) -> list:
    """Values a forger puts in an input: wrong types and shapes, the other side's ids, days out of
    range, huge numbers, long and hostile texts."""
    far = {"start": "9999-12-31", "end": "0001-01-01"}
    return [
        None, True, 0, -1, 2 ** 63, 1e308, float("inf"), "", ECHO, [ECHO], {"": ECHO}, [[[[]]]],
        "\x00", "<script>alert(1)</script>", "../../etc/passwd", "' OR 1=1 --", "%00", "2100-01-01",
        *theirs.values(), [theirs["manager"]], [{"record_id": theirs["record"]}], {**far, "search": ECHO},
        {"start": "2025-01-01", "end": "2025-01-31", "include": {"account_manager": [theirs["manager"]],
                                                                 "customer_account": ECHO}},
        {"start": "2025-01-01", "end": "2025-01-31", "partner_id": theirs["partner"], "scope": theirs},
        {"startRow": rng.choice([-1, 0, 2 ** 40]), "endRow": rng.choice([1, 10 ** 6, "x"]),
         "context": {"start": ECHO, "end": "2025-01-31"}, "sortModel": [{"colId": ECHO, "sort": "up"}]},
        f"?range=custom&from=9999-01-01&to=0001-01-01&search={ECHO}&partner_id={theirs['partner']}",
        f"?tab={ECHO}&include.account_manager={theirs['manager']}&top_n=99999999999999999999",
        {"tab": own.get("task", ""), "task": theirs["task"], "type": "export-retry"},
    ]


def mutate(rng: random.Random, body: dict, pool: list) -> dict:
    """A recorded request with some of its inputs, states or ids replaced by forged values."""
    forged = copy.deepcopy(body)
    slots = list(input_slots(forged))
    for slot in rng.sample(slots, k=min(len(slots), rng.randint(1, 3))) if slots else ():
        target = rng.random()
        if target < 0.8:
            slot["value"] = copy.deepcopy(rng.choice(pool))
        elif isinstance(slot.get("id"), dict):  # a pattern-matching id: another task, tab or type
            slot["id"] = {**slot["id"], rng.choice(list(slot["id"])): copy.deepcopy(rng.choice(pool))}
        else:
            slot["property"] = rng.choice(["value", "data", "n_clicks", "children", ECHO])
    return forged


def test_a_thousand_forged_callbacks_show_nothing_foreign_fail_nothing_and_echo_nothing(duckdb_engine, tmp_path,
                                                                                         live_server, page):
    """Every callback of the dashboard, as recorded from the real page for both roles of partner
    A and the admin of partner B, replayed with random forged inputs (seeded: a failure replays)."""
    data = seed_small(duckdb_engine, start=date.today() - timedelta(days=28))
    a_task, b_task = add_export_tasks(duckdb_engine, data)
    app = make_app(duckdb_engine, tmp_path)
    base_url = live_server(app)
    ids_of = {"A": {"partner": "A", "manager": "A-M1", "customer": "A-C1", "record": "A-R1", "task": a_task},
              "B": {"partner": "B", "manager": "B-M1", "customer": "B-C1", "record": "B-R1", "task": b_task}}
    a_manager_others = {"partner": "A", "manager": "A-M2", "customer": "A-C3", "record": "A-R4", "task": a_task}
    cases = [  # (sign-in, its ids, the ids it must not reach, what it must never see)
        (data.admin_a, ids_of["A"], ids_of["B"], (*data.b_only, "bravo-secret-export")),
        (data.manager_a, ids_of["A"], a_manager_others,
         (*data.hidden_from_manager_a, *data.b_only, "alpha-admins-export")),
        (data.admin_b, ids_of["B"], ids_of["A"], A_ONLY),
    ]
    rng, sent, statuses = random.Random(20261204), 0, Counter()
    for sign_in_, own, theirs, forbidden in cases:
        page.context.clear_cookies()
        bodies = record_callbacks(page, base_url, sign_in_)
        assert len(bodies) >= 5, "the dashboard made too few callback requests to fuzz"
        browser = signed_in_client(app, sign_in_.login, sign_in_.password)
        pool = mutations(rng, own, theirs)
        for number in range(350):
            forged = mutate(rng, bodies[number % len(bodies)], pool)
            response = browser.post("/_dash-update-component", json=forged)
            text = response.get_data(as_text=True)
            statuses[response.status_code] += 1
            sent += 1
            assert response.status_code < 500, (forged, text[:500])
            assert not leaked(text, forbidden), (forged, leaked(text, forbidden))
            assert ECHOED not in text, (forged, text[:500])
            assert UNEXPECTED not in text, (forged, text[:500])
    assert sent >= 1000
    assert statuses[200] > sent / 2, statuses  # most forgeries reach the callbacks themselves
