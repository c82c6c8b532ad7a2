"""The production mode end to end: gunicorn (2 workers) and a Celery worker, started as the
Procfile starts them, on PostgreSQL and Redis. A user signs in through the form, exports
through the dashboard's own callbacks, follows the Export History until the file is ready and
downloads it; the file's totals are data_access.breakdowns' to the cent, and nobody of another
partner can fetch it."""
from __future__ import annotations

import time

import requests

from callbacks.exports import CREATED
from data_access import breakdowns, details
from data_access.details import DETAIL_COLUMNS
from exports.routes import download_path
from tests.helpers.files import exact, read_xlsx
from tests.production.conftest import ADMIN_P2, report
from tests.production.stack import task_ids_in
from tests.production.steps import (
    BUILD_SECONDS,
    download,
    expected_amount,
    export_everything,
    history_showing,
    open_history,
    seconds_since,
    shown_amount,
    shown_query,
    toast_text,
)

MONEY_COLUMNS = [column for column in DETAIL_COLUMNS if column.kind == "money"]


def test_an_export_made_on_the_dashboard_downloads_with_the_totals_of_stats(e2e_deployment, tmp_path):
    deployment = e2e_deployment
    user = deployment.signed_in()
    query = shown_query(user)
    assert shown_amount(user) == expected_amount(deployment.engine, query)

    started = time.monotonic()
    task_id = export_everything(user, deployment.engine)
    assert CREATED in toast_text(user)
    open_history(user)
    history = history_showing(user, "Completed", BUILD_SECONDS)
    assert task_ids_in(history) == [task_id]
    built_seconds = seconds_since(started)

    response, path = download(user, task_id, tmp_path)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Disposition"].startswith("attachment;")
    content = read_xlsx(path)
    with deployment.engine.connect() as conn:
        total = breakdowns.overview(conn, query).total
        rows = details.count_rows(conn, query)
    assert rows > 1000 and len(content["rows"]) == rows
    for column in MONEY_COLUMNS:
        assert exact(content["totals"][column.header]) == total.measure(column.key), column.header

    other = deployment.signed_in(ADMIN_P2)  # the other partner's admin
    refused, _ = download(other, task_id, tmp_path)
    assert refused.status_code == 404
    assert requests.get(deployment.stack.url + download_path(task_id), timeout=30).status_code == 401
    report("end to end", rows=rows, export_created_to_history_completed_s=built_seconds)
