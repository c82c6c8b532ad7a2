"""Exports through the app (in-process worker): the callbacks that create tasks and list them,
the download route (owner or the partner's admin only, ids checked, expiry), the cleanup."""
from __future__ import annotations

import csv
import json
import time
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from bench.dash_client import prop_id, slot
from callbacks.exports import CREATED, MAX_SELECTED
from dashboard import ids
from data_access import breakdowns, export_tasks
from data_access.query import ExpenditureQuery, Scope
from data_access.schema import export_tasks as task_table
from data_access.users import Role, User
from exports.routes import download_path
from exports.service import ExportRefused
from tests.helpers import client, make_app, signed_in_client
from tests.helpers.callbacks import call, callback_key, export_selected, history
from tests.helpers.files import exact, read_xlsx


def viewer(sign_in) -> User:
    return User(sign_in.login, sign_in.partner_id, Role(sign_in.role))


def params(data, **changes) -> dict:
    return {**ExpenditureQuery(Scope("A"), data.start, data.end).to_params(), **changes}


def finished(app, sign_in, task_id, timeout=30.0):
    service = app.extensions["exports"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = service.task(viewer(sign_in), task_id)
        if task.status not in export_tasks.RUNNING:
            return task
        time.sleep(0.05)
    raise AssertionError(f"export {task_id} did not finish: {task.status}")


def exported(app, sign_in, data, file_format="xlsx", record_ids=None):
    """A task created through the service as `sign_in`, built by the app's worker."""
    scope = Scope(sign_in.partner_id, sign_in.manager_id)
    query = ExpenditureQuery(scope, data.start, data.end)
    task_id = app.extensions["exports"].create(viewer(sign_in), query, file_format, record_ids)
    return finished(app, sign_in, task_id)


# --- the callbacks, as the renderer calls them (tests/helpers/callbacks.py) ---------------------

def tasks_of(engine, owner=None):
    with engine.connect() as conn:
        select = sa.select(task_table)
        if owner:
            select = select.where(task_table.c.owner_login == owner)
        return conn.execute(select).all()


def test_export_selected_answers_at_once_and_the_file_holds_the_selection(engine, app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    toast = export_selected(browser, app, [{"record_id": "A-R1"}, {"record_id": "A-R2"}], params(data))
    assert CREATED in toast
    (row,) = tasks_of(engine)
    assert json.loads(row.parameters)["record_ids"] == ["A-R1", "A-R2"] and row.partner_id == "A"
    task = finished(app, data.admin_a, row.task_id)
    assert task.status == export_tasks.COMPLETED and task.rows == 2
    table, interval_disabled = history(browser, app)
    assert "Completed" in table and download_path(task.task_id) in table and interval_disabled


def test_a_forged_selection_or_query_cannot_widen_the_export(engine, app, data):
    """The scope is the server's; another partner's record ids and a query naming partner B
    change nothing: the export holds A's matching records only."""
    browser = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    forged = params(data, include={"account_manager": ["B-M1", "A-M2"]})
    selection = [{"record_id": record_id} for record_id in (*data.b_ids, "A-R2")]
    assert CREATED in export_selected(browser, app, selection, forged)
    bad = params(data) | {"partner_id": "B"}
    assert "unknown query parameter" in export_selected(browser, app, [{"record_id": "B-R1"}], bad)
    (row,) = tasks_of(engine)
    assert json.loads(row.parameters)["scope"] == {"partner_id": "A", "manager_id": "A-M1"}
    task = finished(app, data.manager_a, row.task_id)
    assert task.status == export_tasks.COMPLETED and task.rows == 0  # A-R2 is A-M2's, not A-M1's


def test_unusable_selections_are_refused_with_a_message(engine, app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    for rows, message in (
            ([], "Select the records to export first"),
            (None, "Select the records to export first"),
            ([{"record_id": 5}], "could not be read"),
            ([{"record_id": "x" * 65}], "could not be read"),
            ("A-R1", "could not be read"),
            ([{"record_id": f"r{i}"} for i in range(MAX_SELECTED + 1)], "Select at most 10,000 records")):
        assert message in export_selected(browser, app, rows, params(data))
    assert tasks_of(engine) == []


def test_an_unknown_format_is_refused(engine, app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    assert "Choose the file format" in export_selected(browser, app, [{"record_id": "A-R1"}], params(data),
                                                       file_format="pdf")
    assert tasks_of(engine) == []


def test_the_history_refreshes_only_while_a_task_is_on_its_way(engine, app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)  # the app has started
    with engine.begin() as conn:  # stored, not queued: it stays Pending
        export_tasks.create(conn, data.admin_a.login, ExpenditureQuery(Scope("A"), data.start, data.end),
                            "waiting", "csv", timedelta(days=7))
    table, interval_disabled = history(browser, app)
    assert "Pending" in table and not interval_disabled


# --- the download route ------------------------------------------------------------------------

def test_the_owner_downloads_the_file_under_a_proper_name(app, data):
    task = exported(app, data.admin_a, data)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    response = browser.get(download_path(task.task_id))
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=expenditures_{data.start}_{data.end}_{task.task_id[:8]}.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "no-store" in response.headers["Cache-Control"]


def test_csv_downloads_as_csv(app, data):
    task = exported(app, data.admin_a, data, file_format="csv")
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    response = browser.get(download_path(task.task_id))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith(".csv")
    assert response.data.startswith("\ufeffDay,Record ID".encode())


def test_only_the_owner_and_the_partners_admin_may_download(app, data):
    managers_task = exported(app, data.manager_a, data)
    admins_task = exported(app, data.admin_a, data)
    manager = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    admin_a = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    admin_b = signed_in_client(app, data.admin_b.login, data.admin_b.password)
    assert manager.get(download_path(managers_task.task_id)).status_code == 200
    assert admin_a.get(download_path(managers_task.task_id)).status_code == 200
    assert manager.get(download_path(admins_task.task_id)).status_code == 404
    for task in (managers_task, admins_task):
        assert admin_b.get(download_path(task.task_id)).status_code == 404
    assert client(app).get(download_path(admins_task.task_id)).status_code == 401
    # The history lists the same: the manager's own task only, the admin's everything.
    assert admins_task.task_id not in history(manager, app)[0]
    assert managers_task.task_id in history(admin_a, app)[0]
    assert history(admin_b, app)[0].count("export-row") == 0


def test_the_file_of_a_manager_holds_only_their_spend_and_sums_to_the_screen(app, data, tmp_path):
    task = exported(app, data.manager_a, data)
    manager = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    path = tmp_path / "download.xlsx"
    path.write_bytes(manager.get(download_path(task.task_id)).data)
    content = read_xlsx(path)
    assert {row["Account manager"] for row in content["rows"]} == {"Alice Able"}
    with app.extensions["runtime"].engine.connect() as conn:
        total = breakdowns.overview(conn, ExpenditureQuery(Scope("A", "A-M1"), data.start, data.end)).total
    assert exact(content["totals"]["Amount paid"]) == total.amount_paid


def test_path_like_and_unknown_task_ids_are_refused(app, data):
    task = exported(app, data.admin_a, data)
    (app.extensions["exports"].export_dir.parent / "secret.txt").write_text("secret")
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    for path in ("/exports/../../etc/passwd/download", "/exports/..%2F..%2Fetc%2Fpasswd/download",
                 "/exports/%2e%2e/download", "/exports/a/b/download", "/exports/..%2Fsecret.txt/download",
                 "/exports/{id}/../download", "/exports/{ID}/download", "/exports/{id}.xlsx/download",
                 "/exports/{id}%00/download", "/exports/" + "0" * 32 + "/download"):
        response = browser.get(path.format(id=task.task_id, ID=task.task_id.upper()))
        assert response.status_code == 404, path
        assert response.data[:2] != b"PK" and b"secret" not in response.data, path
    assert browser.get(download_path(task.task_id)).status_code == 200


def test_a_task_not_finished_is_not_served(engine, app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)  # the app has started
    with engine.begin() as conn:  # stored, not queued: it stays Pending
        query = ExpenditureQuery(Scope("A"), data.start, data.end)
        task_id = export_tasks.create(conn, data.admin_a.login, query, "waiting", "xlsx", timedelta(days=7))
    response = browser.get(download_path(task_id))
    assert response.status_code == 409 and b"not ready: it is Pending" in response.data


def test_expired_exports_are_refused_and_cleanup_deletes_their_files(engine, app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)  # the app has started
    task = exported(app, data.admin_a, data)
    service = app.extensions["exports"]
    path = service.file_path(task)
    assert path.is_file()
    orphan = service.export_dir / f".{'1' * 32}.{'2' * 32}.part"  # a builder that died
    orphan.write_text("half")
    unrelated = service.export_dir / "README.txt"
    unrelated.write_text("not ours")
    with engine.begin() as conn:
        conn.execute(task_table.update().where(task_table.c.task_id == task.task_id)
                     .values(expires_at=export_tasks.utc_now() - timedelta(seconds=1)))
    response = browser.get(download_path(task.task_id))
    assert response.status_code == 410 and b"expired" in response.data and b"7 days" in response.data

    result = app.test_cli_runner().invoke(args=["exports", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "1 expired, 2 file(s) deleted" in result.output
    assert not path.exists() and not orphan.exists() and unrelated.exists()
    assert service.task(viewer(data.admin_a), task.task_id).status == export_tasks.EXPIRED
    assert "Expired" in history(browser, app)[0]


def retry_click(browser, app, task_id) -> str:
    button = ids.export_retry(task_id)
    return json.dumps(call(browser, callback_key(app, '"type":"export-retry"'),
                           inputs=[[slot(button, "n_clicks", 1)]], changed=[prop_id(button, "n_clicks")]))


def test_retry_queues_a_failed_task_again_for_its_owner_only(engine, app, data):
    manager = signed_in_client(app, data.manager_a.login, data.manager_a.password)  # the app has started
    query = ExpenditureQuery(Scope("A"), data.start, data.end)
    with engine.begin() as conn:
        task_id = export_tasks.create(conn, data.admin_a.login, query, "failed", "xlsx", timedelta(days=7))
        export_tasks.fail(conn, task_id, "the export queue is unavailable; please retry")
    assert "cannot be retried" in retry_click(manager, app, task_id)  # not the manager's task
    assert "cannot be retried" in retry_click(manager, app, "../" + task_id)
    admin = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    assert "Export task queued again." in retry_click(admin, app, task_id)
    assert finished(app, data.admin_a, task_id).status == export_tasks.COMPLETED


def test_a_restart_builds_the_pending_tasks_and_fails_the_interrupted_ones(engine, tmp_path, data):
    query = ExpenditureQuery(Scope("A"), data.start, data.end)
    with engine.begin() as conn:  # what a stopped app left behind
        pending = export_tasks.create(conn, data.admin_a.login, query, "queued", "csv", timedelta(days=7))
        interrupted = export_tasks.create(conn, data.admin_a.login, query, "halfway", "xlsx",
                                          timedelta(days=7))
        export_tasks.claim(conn, interrupted, now=export_tasks.utc_now() - timedelta(minutes=10))
    app = make_app(engine, tmp_path)
    signed_in_client(app, data.admin_a.login, data.admin_a.password)  # the first request starts it
    assert finished(app, data.admin_a, pending).status == export_tasks.COMPLETED
    failed = finished(app, data.admin_a, interrupted)
    assert (failed.status, failed.error) == (export_tasks.FAILED, export_tasks.INTERRUPTED)


# --- limits on what one user can ask for -------------------------------------------------------------

def on_their_way(engine, data, owner: str, count: int, status=export_tasks.PROCESSING, **query_changes):
    """`count` tasks of partner A owned by `owner`, being built right now (a live heartbeat)."""
    now = export_tasks.utc_now()
    query = ExpenditureQuery(Scope("A"), data.start, data.end, **query_changes)
    with engine.begin() as conn:
        for _ in range(count):
            task_id = export_tasks.create(conn, owner, query, "Expenditures", "csv", timedelta(days=7))
            conn.execute(sa.update(task_table).where(task_table.c.task_id == task_id).values(
                status=status, started_at=now, heartbeat_at=now))


def test_one_user_has_at_most_three_exports_on_their_way(engine, app, data):
    on_their_way(engine, data, data.admin_a.login, 3)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    toast = export_selected(browser, app, [{"record_id": "A-R1"}], params(data))
    assert "You have 3 exports on their way already; wait until one has finished" in toast
    assert len(tasks_of(engine)) == 3
    other = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    assert CREATED in export_selected(other, app, [{"record_id": "A-R1"}], params(data))


def test_a_partner_has_at_most_ten_exports_on_their_way(engine, app, data):
    for owner in ("x1@a", "x2@a", "x3@a", "x4@a", "x5@a"):
        on_their_way(engine, data, owner, 2)
    browser = signed_in_client(app, data.manager_a.login, data.manager_a.password)
    toast = export_selected(browser, app, [{"record_id": "A-R1"}], params(data))
    assert "Your organisation has 10 exports on their way already" in toast
    other_partner = signed_in_client(app, data.admin_b.login, data.admin_b.password)
    b_params = {**params(data), "include": {}}
    assert CREATED in export_selected(other_partner, app, [{"record_id": "B-R1"}], b_params)


def test_exports_per_hour_are_capped_and_retry_counts_too(engine, tmp_path, data):
    app = make_app(engine, tmp_path, exports_per_hour=4)
    on_their_way(engine, data, data.admin_a.login, 4, status=export_tasks.COMPLETED)
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    toast = export_selected(browser, app, [{"record_id": "A-R1"}], params(data))
    assert "You have created 4 exports in the last hour, the most allowed; try again later." in toast
    # A retry is no new export, but it may not pass the cap of those on their way either.
    on_their_way(engine, data, data.admin_a.login, 3)
    on_their_way(engine, data, data.admin_a.login, 1, status=export_tasks.FAILED)
    failed = next(row.task_id for row in tasks_of(engine) if row.status == export_tasks.FAILED)
    with pytest.raises(ExportRefused, match="You have 3 exports on their way"):
        app.extensions["exports"].retry(viewer(data.admin_a), failed)


def test_the_history_answer_stays_small_whatever_was_stored(engine, app, data):
    """Many tasks, each with the longest query a user can store: the answer shows the newest
    50, each described by a short start of its query."""
    long_values = [f"{n:03d}" + "x" * 190 for n in range(500)]
    on_their_way(engine, data, data.admin_a.login, 120, status=export_tasks.FAILED,
                 include={"service_type": long_values})
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    table, _ = history(browser, app)
    assert table.count('"type": "export-row"') == 50
    assert len(table) < 150_000  # each stored query is 100 KB
    assert "000xxx" in table and "499xxx" not in table


def export_shown(browser, app, query_params, tab, file_format="xlsx") -> str:
    """Click Export This View on `tab`; returns the toast's text."""
    fmt = ids.export_format(tab)
    return json.dumps(call(
        browser, callback_key(app, '"type":"export-shown"'), inputs=[[slot(ids.export_shown(tab), "n_clicks", 1)]],
        state=[[slot(fmt, "value", file_format)], [slot(fmt, "id", fmt)],
               slot(ids.QUERY_PARAMS, "data", query_params)],
        changed=[prop_id(ids.export_shown(tab), "n_clicks")]))


@pytest.mark.parametrize("tab", [ids.TAB_OVERVIEW, ids.TAB_TREND, ids.TAB_DISTRIBUTION])
def test_export_this_view_holds_the_group_table_and_the_series_as_shown(engine, app, data, tab):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    shown = params(data, group_by="account_manager", granularity="month")
    assert CREATED in export_shown(browser, app, shown, tab)
    (row,) = tasks_of(engine)
    task = finished(app, data.admin_a, row.task_id)
    assert task.status == export_tasks.COMPLETED and task.view
    query = ExpenditureQuery.from_params(Scope("A"), shown)
    with engine.connect() as conn:
        answer = breakdowns.breakdown(conn, query)
    workbook = openpyxl.load_workbook(app.extensions["exports"].file_path(task))
    assert workbook.sheetnames == ["Groups", "Series"]  # the view only, no records
    groups = list(workbook["Groups"].iter_rows(values_only=True))
    header = groups.index(("Account manager", "Amount", "Cash coupons used", "Amount paid", "Share of amount"))
    assert [(label, exact(amount)) for label, amount, *_ in groups[header + 1:-1]] == [
        (group.label, group.money.amount) for group in answer.groups]
    assert groups[-1][0] == "Total" and exact(groups[-1][1]) == answer.total.amount
    series = list(workbook["Series"].iter_rows(values_only=True))
    assert series[0] == ("Month", "Account manager", "Amount", "Cash coupons used", "Amount paid")
    assert len(series) == 2 + len(answer.series) * len(answer.groups)
    assert sum(exact(amount) for _, _, amount, *_ in series[1:-1]) == answer.total.amount


def test_export_this_view_as_csv_is_one_table_naming_its_parts(engine, app, data):
    browser = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    assert CREATED in export_shown(browser, app, params(data), ids.TAB_TREND, file_format="csv")
    (row,) = tasks_of(engine)
    task = finished(app, data.admin_a, row.task_id)
    path = app.extensions["exports"].file_path(task)
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    with engine.connect() as conn:
        total = breakdowns.overview(conn, ExpenditureQuery.from_params(Scope("A"), params(data))).total
    assert {row["Table"] for row in rows} == {"Groups", "Series"}
    groups = [row for row in rows if row["Table"] == "Groups"]
    assert groups[-1]["Service type"] == "Total" and Decimal(groups[-1]["Amount"]) == total.amount
    assert sum(Decimal(row["Amount"]) for row in groups[:-1]) == total.amount
