"""A Dash callback that raises (callbacks/errors.py, Dash's on_error): the user gets a toast in
words, the outputs keep their values, the exception's text (SQL, data) stays on the server,
in its log. The app in process, on DuckDB: what is tested is the app's handling, not a service."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

import callbacks.overview
from bench.dash_client import prop_id, slot, update_request
from callbacks.errors import DATABASE_UNAVAILABLE, UNEXPECTED
from dashboard import ids
from data_access.query import ExpenditureQuery, Scope
from tests.helpers import dash_of, make_app, seed_small, signed_in_client

SECRET = "SELECT amount FROM expenditures WHERE partner_id = 'B'"


def overview_request(app, params) -> dict:
    """The body the renderer posts for the Overview callback when the query store changes."""
    key = next(key for key in dash_of(app).callback_map if key.startswith(f"..{ids.OVERVIEW_TOTALS}."))
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in key[2:-2].split("...")]
    return update_request(key, outputs, inputs=[slot(ids.QUERY_PARAMS, "data", params)],
                          changed=[prop_id(ids.QUERY_PARAMS, "data")])


@pytest.mark.parametrize(("error", "message", "level"), [
    (RuntimeError(SECRET), UNEXPECTED, logging.ERROR),
    (sa.exc.OperationalError(SECRET, {}, ConnectionRefusedError("127.0.0.1:5432")), DATABASE_UNAVAILABLE,
     logging.WARNING),
], ids=["unexpected", "database unavailable"])
def test_a_failing_callback_answers_with_a_toast_and_logs_the_error(duckdb_engine, tmp_path, monkeypatch,
                                                                    caplog, error, message, level):
    data = seed_small(duckdb_engine)
    app = make_app(duckdb_engine, tmp_path)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)

    def fails(*_):
        raise error
    monkeypatch.setattr(callbacks.overview, "overview_view", fails)
    params = ExpenditureQuery(Scope("A"), data.start, data.end).to_params()
    with caplog.at_level(logging.WARNING, logger="callbacks.errors"):
        response = browser.post("/_dash-update-component", json=overview_request(app, params))

    assert response.status_code == 200
    answer = response.json
    assert answer["response"] == {}  # no output changes: the cards keep what they showed
    toast = answer["sideUpdate"][ids.TOASTS]["children"]
    assert toast["type"] == "Toast" and toast["props"]["children"] == message
    body = response.get_data(as_text=True)
    assert "SELECT" not in body and "127.0.0.1" not in body and type(error).__name__ not in body
    (record,) = [record for record in caplog.records if record.name == "callbacks.errors"]
    assert record.levelno == level and record.exc_info[1] is error
