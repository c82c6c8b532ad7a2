"""Dash callbacks called through a test client the way the renderer calls them (the bodies built
by bench.dash_client.update_request, as the benchmark builds them).

    key = callback_key(app, ids.EXPORT_REFRESH)          # the callback that listens to it
    response = call(browser, key, inputs=[slot(ids.EXPORT_REFRESH, "n_intervals", 0), ...])
    export_selected(browser, app, rows, query_params)     # the toast's text
    history(browser, app)                                 # the Export History's text, refresh off?
"""
from __future__ import annotations

import json

import flask

from bench.dash_client import prop_id, slot, update_request
from dashboard import ids
from tests.helpers.apps import CsrfClient, dash_of


def callback_key(app: flask.Flask, listening_to: str) -> str:
    """The key (its outputs) of the first callback with an input whose id contains `listening_to`."""
    for key, callback in dash_of(app).callback_map.items():
        if any(listening_to in entry["id"] for entry in callback["inputs"]):
            return key
    raise AssertionError(f"no callback listens to {listening_to}")


def outputs(key: str) -> dict | list[dict]:
    """The `outputs` of a request to the callback `key`: one {id, property}, or a list of them."""
    parts = [dict(zip(("id", "property"), output.split(".", 1), strict=True))
             for output in key.strip(".").split("...")]
    return parts if key.startswith("..") else parts[0]


def call(browser: CsrfClient, key: str, inputs: list, state: list | None = None, changed=()) -> dict:
    """POST the callback `key` with `inputs` and `state` (slots); -> the answer's properties by id."""
    response = browser.post("/_dash-update-component",
                            json=update_request(key, outputs(key), inputs, state, list(changed)))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["response"]


def export_selected(browser: CsrfClient, app: flask.Flask, rows, query_params, tab=ids.TAB_TREND,
                    file_format="xlsx") -> str:
    """Click Export Selected on `tab` with `rows` selected; returns the toast's text."""
    key = callback_key(app, '"type":"export-selected"')
    grid, fmt = ids.detail_grid(tab), ids.export_format(tab)
    return json.dumps(call(
        browser, key, inputs=[[slot(ids.export_selected(tab), "n_clicks", 1)]],
        state=[[slot(grid, "selectedRows", rows)], [slot(grid, "id", grid)],
               [slot(fmt, "value", file_format)], [slot(fmt, "id", fmt)],
               slot(ids.QUERY_PARAMS, "data", query_params)],
        changed=[prop_id(ids.export_selected(tab), "n_clicks")]))


def history(browser: CsrfClient, app: flask.Flask) -> tuple[str, bool]:
    """The Export History table's text and whether its refresh interval is disabled."""
    response = call(browser, callback_key(app, ids.EXPORT_REFRESH),
                    inputs=[slot(ids.EXPORT_REFRESH, "n_intervals", 0), slot(ids.EXPORT_RETRIED, "data", None)])
    return json.dumps(response[ids.EXPORT_HISTORY]["children"]), response[ids.EXPORT_REFRESH]["disabled"]
