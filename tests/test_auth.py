"""Signing in and out: the page, the session, the scope it yields, and the `users` commands."""
from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from auth.guard import safe_next
from auth.identity import current_scope
from dashboard import ids
from data_access.users import get_user, remove_user
from tests.helpers import client, make_app, seed_small, sign_in, signed_in_client, submit_sign_in


def add_scope_probe(app) -> None:
    """A route added after the app is built, answering the scope current_scope() gives it."""
    @app.route("/probe/scope", methods=["GET", "POST"])
    def probe_scope():
        scope = current_scope()
        return {"partner_id": scope.partner_id, "manager_id": scope.manager_id}


def set_cookie(response, name: str) -> str:
    """The raw Set-Cookie header for cookie `name` (failing when it is not set)."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"{name} not set; Set-Cookie: {response.headers.getlist('Set-Cookie')}")


@pytest.fixture
def app(engine, tmp_path):
    app = make_app(engine, tmp_path)
    add_scope_probe(app)
    return app


# --- the sign-in page -------------------------------------------------------------------------

def test_login_page_offers_a_form_with_its_csrf_token(app):
    browser = client(app)
    response = browser.get("/login")
    page = response.get_data(as_text=True)
    token = browser.get_cookie("_csrf_token").value
    assert response.status_code == 200
    assert "<title>Sign in · Expenditure Statistics</title>" in page
    assert f'name="_csrf_token" value="{token}"' in page
    assert 'href="/assets/vendor/bootstrap.min.css"' in page
    assert browser.get("/assets/vendor/bootstrap.min.css").status_code == 200


def test_sign_in_with_the_right_password_gives_the_users_scope(app, data):
    for sign_in_ in data.sign_ins:
        scope = signed_in_client(app, sign_in_.login, sign_in_.password).get("/probe/scope").json
        assert scope == {"partner_id": sign_in_.partner_id, "manager_id": sign_in_.manager_id}


def test_wrong_password_or_unknown_login_is_refused_with_one_message(app, data):
    for login, password in ((data.admin_a.login, "wrong-password"), ("nobody@x", "whatever-pw"),
                            (data.admin_a.login, ""), (data.admin_a.login, "x" * 5000)):
        browser = client(app)
        browser.get("/login")
        response = browser.post("/login", data={"login": login, "password": password})
        assert response.status_code == 200
        assert "Wrong login or password." in response.get_data(as_text=True)
        assert browser.get("/probe/scope").status_code == 401


def test_scope_ignores_whatever_the_request_names(app, data):
    browser = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    forged = {"partner_id": "B", "partner": "B", "manager_id": "B-M1", "manager": "B-M1",
              "role": "admin", "scope": "B"}
    expected = {"partner_id": "A", "manager_id": "A-M1"}
    assert browser.get("/probe/scope", query_string=forged).json == expected
    assert browser.post("/probe/scope", data=forged).json == expected
    assert browser.post("/probe/scope", json=forged).json == expected
    assert browser.get("/probe/scope", headers={"X-Partner": "B", "X-Manager": "B-M1"}).json == expected


def test_session_follows_the_stored_user(app, data, engine):
    """A removed sign-in is signed out at its next request."""
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    assert browser.get("/probe/scope").status_code == 200
    with engine.begin() as conn:
        remove_user(conn, data.admin_a.login)
    assert browser.get("/probe/scope").status_code == 401


# --- where sign-in leads --------------------------------------------------------------------------

def test_a_page_asked_for_before_signing_in_is_shown_after(app, data):
    browser = client(app)
    response = browser.get("/probe/scope?x=1", headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fprobe%2Fscope%3Fx%3D1"
    page = browser.get(response.location).get_data(as_text=True)
    assert 'name="next" value="/probe/scope?x=1"' in page
    response = browser.post("/login", data={"login": data.admin_b.login, "next": "/probe/scope?x=1",
                                            "password": data.admin_b.password})
    assert response.location == "/probe/scope?x=1"


def test_sign_in_never_sends_the_browser_to_another_site(app, data):
    browser = client(app)
    browser.get("/login")
    response = browser.post("/login", data={"login": data.admin_a.login, "next": "https://evil.example/",
                                            "password": data.admin_a.password})
    assert response.location == "/"


@pytest.mark.parametrize("value", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/ /x", "javascript:alert(1)", "evil.example", "", None, "/" + "a" * 3000,
])
def test_unsafe_next_is_dropped(value):
    assert safe_next(value) is None


@pytest.mark.parametrize("value", ["/", "/?tab=trend&from=2025-01-01", "/exports/abc/download"])
def test_local_next_is_kept(value):
    assert safe_next(value) == value


def test_signed_in_user_visiting_login_goes_on(app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    assert browser.get("/login?next=/probe/scope").location == "/probe/scope"
    assert browser.get("/login").location == "/"


# --- the session ------------------------------------------------------------------------------------

def test_session_cookie_is_httponly_lax_and_expires_with_the_lifetime(engine, tmp_path, data):
    app = make_app(engine, tmp_path, session_lifetime_minutes=90)
    browser = client(app)
    browser.get("/login")
    response = browser.post("/login", data={"login": data.admin_a.login, "password": data.admin_a.password})
    morsel = SimpleCookie(set_cookie(response, "session"))["session"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert not morsel["secure"]  # plain http (local runs): a Secure cookie would never come back
    expires = datetime.strptime(morsel["expires"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=timezone.utc)
    assert abs(expires - (datetime.now(timezone.utc) + timedelta(minutes=90))) < timedelta(minutes=1)
    csrf = SimpleCookie(set_cookie(response, "_csrf_token"))["_csrf_token"]
    assert not csrf["httponly"] and csrf["samesite"] == "Lax"  # the page's script reads it


def test_cookies_are_secure_over_https(app, data):
    browser = client(app)
    browser.get("/login", base_url="https://localhost")
    response = browser.post("/login", base_url="https://localhost",
                            data={"login": data.admin_a.login, "password": data.admin_a.password})
    assert SimpleCookie(set_cookie(response, "session"))["session"]["secure"] is True
    assert SimpleCookie(set_cookie(response, "_csrf_token"))["_csrf_token"]["secure"] is True


def test_sign_in_starts_a_new_session(app, data):
    """Nothing of the session before signing in survives it: not its CSRF token either."""
    browser = client(app)
    browser.get("/login")
    before = browser.get_cookie("_csrf_token").value
    browser.post("/login", data={"login": data.admin_a.login, "password": data.admin_a.password})
    after = browser.get_cookie("_csrf_token").value
    assert after != before
    response = browser.post("/logout", headers={"X-CSRFToken": before})
    assert response.status_code == 403


def test_signed_in_requests_do_not_rewrite_the_session_cookie(app, data):
    """Else an answer still in flight when the user signs out would sign them back in."""
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    for response in (browser.get("/probe/scope"), browser.post("/probe/scope"), browser.get("/")):
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == []


def test_sign_out_ends_the_session(app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    browser.get("/logout")  # a link or an image on another site cannot sign anyone out
    assert browser.get("/probe/scope").status_code == 200
    response = browser.post("/logout")
    assert response.status_code == 302 and response.location == "/login"
    assert browser.get("/probe/scope").status_code == 401
    assert browser.get("/", headers={"Accept": "text/html"}).location == "/login"


# --- `flask --app app users ...` -------------------------------------------------------------------

def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def test_users_commands_manage_sign_ins(app, data, engine):
    result = run(app, "add", "carol@a", "--partner", "A", "--role", "account_manager",
                 "--manager", "A-M2", "--password-stdin", input="carol-password\n")
    assert result.exit_code == 0, result.output
    assert signed_in_client(app, "carol@a", "carol-password").get("/probe/scope").json == {
        "partner_id": "A", "manager_id": "A-M2"}

    listed = run(app, "list", "--partner", "A").output.splitlines()
    assert listed == ["admin@a\tA\tadmin\t", "alice@a\tA\taccount_manager\tA-M1",
                      "carol@a\tA\taccount_manager\tA-M2"]
    assert len(run(app, "list").output.splitlines()) == 4

    result = run(app, "set-password", "carol@a", input="new-password\nnew-password\n")  # prompted
    assert result.exit_code == 0, result.output
    signed_in_client(app, "carol@a", "new-password")

    assert run(app, "remove", "carol@a").exit_code == 0
    with engine.connect() as conn:
        assert get_user(conn, "carol@a") is None


@pytest.mark.parametrize("args, message", [
    (("add", "x@a", "--partner", "Z", "--role", "admin"), "unknown partner 'Z'"),
    (("add", "x@a", "--partner", "A", "--role", "account_manager"),
     "an account_manager sign-in needs --manager, and only it"),
    (("add", "x@a", "--partner", "A", "--role", "admin", "--manager", "A-M1"),
     "an account_manager sign-in needs --manager, and only it"),
    (("add", "x@a", "--partner", "A", "--role", "account_manager", "--manager", "B-M1"),
     "unknown manager 'B-M1' of partner 'A'"),
    (("add", "admin@a", "--partner", "A", "--role", "admin"), "login 'admin@a' exists already"),
    (("set-password", "nobody"), "unknown login 'nobody'"),
])
def test_users_commands_explain_errors_and_change_nothing(app, data, args, message):
    before = run(app, "list").output
    result = run(app, *args, "--password-stdin", input="long-enough-password\n")
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert run(app, "list").output == before


def test_removing_an_unknown_login_is_an_error(app, data):
    result = run(app, "remove", "nobody")
    assert (result.exit_code, result.output) == (1, "Error: unknown login 'nobody'\n")


def test_short_password_is_refused(app, data):
    result = run(app, "set-password", "admin@a", "--password-stdin", input="short\n")
    assert result.exit_code == 1 and "at least 8 characters" in result.output
    signed_in_client(app, data.admin_a.login, data.admin_a.password)


# --- in a real browser -------------------------------------------------------------------------------

def test_browser_signs_in_to_the_dashboard_and_out(duckdb_engine, tmp_path, live_server, page,
                                                  console_errors):
    data = seed_small(duckdb_engine)
    base_url = live_server(make_app(duckdb_engine, tmp_path))
    page.goto(base_url + "/")
    assert page.url == base_url + "/login"
    sign_in(page, base_url, data.manager_a.login, data.manager_a.password)
    assert page.url == base_url + "/"
    header = page.locator(f"#{ids.HEADER}")
    header.get_by_text(data.manager_a.login).wait_for()
    assert page.title() == "Expenditure Statistics"
    # The dashboard drawn, its lazily loaded chart code too: signing out before that would end
    # the page's own requests with 401s.
    expect(page.locator(f"#{ids.OVERVIEW_GRAPH} .js-plotly-plot")).to_be_attached()

    header.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base_url + "/login")
    page.goto(base_url + "/")
    assert page.url == base_url + "/login"
    assert console_errors == []


def test_a_page_whose_session_ended_sends_the_user_to_sign_in_and_back(duckdb_engine, tmp_path,
                                                                      live_server, page):
    data = seed_small(duckdb_engine)
    base_url = live_server(make_app(duckdb_engine, tmp_path))
    page.goto(base_url + "/?tab=trend")
    submit_sign_in(page, data.admin_a.login, data.admin_a.password)
    assert page.url == base_url + "/?tab=trend"
    page.locator(f"#{ids.HEADER}").get_by_text(data.admin_a.login).wait_for()

    page.context.clear_cookies()  # the session ends (expired, or signed out in another tab)
    # The page's next request. Its own callbacks may meet the 401 first: it is reloading then.
    with contextlib.suppress(PlaywrightError):
        page.evaluate("fetch('/_dash-update-component', {method: 'POST'})")
    expect(page).to_have_url(base_url + "/login?next=%2F%3Ftab%3Dtrend")
    expect(page.locator("#login")).to_be_visible()
    submit_sign_in(page, data.admin_a.login, data.admin_a.password)
    assert page.url == base_url + "/?tab=trend"
