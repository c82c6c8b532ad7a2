"""Logs: JSON lines on stderr carrying the request id, which the response sends back; an incoming
id is kept only when it is a safe token; one access line per request, probes at DEBUG only."""
from __future__ import annotations

import json
import logging
import re
import urllib.request
from datetime import UTC, datetime

import pytest

import logs
from tests.helpers import LiveServer, client, make_app, seed_small, signed_in_client

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def app(duckdb_engine, tmp_path, caplog):
    caplog.set_level(logging.INFO)  # whatever an earlier test left the root logger at
    return make_app(duckdb_engine, tmp_path)


def stderr_lines(capsys) -> list[dict]:
    """What was written to stderr since the last call, line by line; each must be JSON."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def access_lines(capsys) -> list[dict]:
    return [line for line in stderr_lines(capsys) if line["logger"] == "access"]


def test_a_request_without_an_id_gets_a_new_one(app):
    first, second = (client(app).get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second) and first != second


@pytest.mark.parametrize("incoming", ["abc-123_X.9", "a" * 64, "0"])
def test_a_safe_incoming_id_is_kept_even_on_a_refused_request(app, incoming):
    # Not signed in: the sign-in check refuses with 401 before the route; the id is still there.
    response = client(app).get("/_dash-layout", headers={"X-Request-ID": incoming})
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["abc\ndef", "abc\r\nSet-Cookie: x=1", "a" * 65, "x" * 200,
                                      "two words", "<script>", "id;rm", "é", ""])
def test_an_unsafe_incoming_id_is_replaced(app, incoming, capsys):
    # Set in the WSGI environ: the test client itself refuses header values with newlines.
    response = client(app).get("/login", environ_overrides={"HTTP_X_REQUEST_ID": incoming})
    sent_back = response.headers["X-Request-ID"]
    assert NEW_ID.fullmatch(sent_back)
    [line] = access_lines(capsys)
    assert line["request_id"] == sent_back


def test_every_line_is_json_and_the_access_line_says_who_asked_what(app, duckdb_engine, capsys):
    data = seed_small(duckdb_engine)
    signed_in = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    stderr_lines(capsys)  # what signing in wrote
    response = signed_in.get("/?tab=trend&secret=1", headers={"X-Request-ID": "req-7"})
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "req-7"
    [line] = access_lines(capsys)
    assert {key: line[key] for key in ("level", "method", "path", "status", "login", "partner_id",
                                       "request_id")} == {
        "level": "INFO", "method": "GET", "path": "/", "status": 200, "login": "alice@a",
        "partner_id": "A", "request_id": "req-7"}
    assert "secret" not in line["message"] and line["duration_ms"] >= 0
    assert datetime.fromisoformat(line["time"]).utcoffset() == UTC.utcoffset(None)


def test_what_the_code_logs_during_a_request_carries_its_id(app, capsys):
    stranger = client(app)
    stranger.get("/login")  # the CSRF cookie
    stderr_lines(capsys)
    response = stranger.post("/login", data={"login": "nobody", "password": "wrong"},
                             headers={"X-Request-ID": "req-8"})
    assert response.status_code == 200  # the page again, with its error
    lines = stderr_lines(capsys)
    [warning] = [line for line in lines if line["logger"] == "auth.views"]
    assert warning["level"] == "WARNING" and "failed sign-in for 'nobody'" in warning["message"]
    assert warning["request_id"] == "req-8"
    [access] = [line for line in lines if line["logger"] == "access"]
    assert access["status"] == 200 and access["request_id"] == "req-8"
    assert "login" not in access and "partner_id" not in access  # nobody is signed in


def test_probes_and_static_files_are_logged_at_debug_only(app, capsys, caplog):
    stderr_lines(capsys)
    paths = ["/healthz", "/readyz", "/assets/vendor/bootstrap.min.css"]
    for path in paths:
        assert client(app).get(path).status_code == 200
    client(app).get("/login")
    assert [line["path"] for line in access_lines(capsys)] == ["/login"]

    caplog.set_level(logging.DEBUG)
    for path in paths:
        client(app).get(path)
    assert [(line["path"], line["level"]) for line in access_lines(capsys)] == [
        (path, "DEBUG") for path in paths]


def test_an_exception_is_written_with_its_traceback_and_no_request_outside_one(app, capsys):
    stderr_lines(capsys)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("tests.logs").exception("it failed")
    [line] = stderr_lines(capsys)
    assert line["level"] == "ERROR" and line["message"] == "it failed"
    assert "Traceback" in line["exception"] and "ValueError: boom" in line["exception"]
    assert "request_id" not in line and "task_id" not in line


def test_lines_written_while_building_an_export_carry_its_task_id(app, capsys):
    stderr_lines(capsys)
    with logs.export_task("0123456789abcdef0123456789abcdef"):
        logging.getLogger("exports.builder").warning("building")
    logging.getLogger("exports.builder").warning("between tasks")
    inside, outside = stderr_lines(capsys)
    assert inside["task_id"] == "0123456789abcdef0123456789abcdef"
    assert "task_id" not in outside


def test_the_development_server_writes_the_access_line_instead_of_its_own(app, capsys):
    with LiveServer(app) as server:
        stderr_lines(capsys)
        with urllib.request.urlopen(server.url + "/login?next=/") as response:
            assert response.status == 200
            request_id = response.headers["X-Request-ID"]
    lines = stderr_lines(capsys)
    assert [(line["logger"], line["path"], line["request_id"]) for line in lines] == [
        ("access", "/login", request_id)]


def test_log_level_names_are_checked():
    assert logs.level_name(" debug ") == "DEBUG"
    with pytest.raises(SystemExit, match="LOG_LEVEL must be one of DEBUG, INFO"):
        logs.level_name("verbose")
