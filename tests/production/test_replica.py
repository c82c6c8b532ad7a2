"""Reads on a real PostgreSQL streaming replica (DATABASE_REPLICA_URL): a private primary and a
standby made from it by pg_basebackup -R. With the standby's replay paused, whatever the
primary writes is on the primary alone, so each answer shows which server it came from: the
dashboard's answers come from the replica; sign-in, the user's language and the export tasks
(writes, and the reads that must see them) from the primary. Resumed, the replica catches up
and the dashboard shows the import under its new data version."""
from __future__ import annotations

import json

import sqlalchemy as sa

from bench.dash_client import slot
from callbacks.exports import CREATED
from dashboard import ids
from data_access.db import init_db, make_engine
from data_access.query import ExpenditureQuery, Scope
from data_access.schema import export_tasks, users
from data_access.users import add_user
from exports.routes import download_path
from i18n import CHINESE, _, speaking
from tests.helpers import client, dash_of, make_app, seed_small, signed_in_client
from tests.helpers.builders import load
from tests.helpers.callbacks import call, export_selected, history
from tests.production.stack import wait_until

LATE = ("late@a", "password-late-a")  # a user added on the primary while the standby stands still
IN_RECOVERY = sa.text("SELECT pg_is_in_recovery()")


def overview_text(browser, app, query_params) -> str:
    key = next(key for key in dash_of(app).callback_map if ids.OVERVIEW_TOTALS in key)
    return json.dumps(call(browser, key, inputs=[slot(ids.QUERY_PARAMS, "data", query_params)]), ensure_ascii=False)


def header_text(browser) -> str:
    return json.dumps(call(browser, f"{ids.HEADER}.children", inputs=[slot(ids.URL, "pathname", "/")]),
                      ensure_ascii=False)


def rows(engine: sa.Engine, select) -> list:
    with engine.connect() as conn:
        return conn.execute(select).all()


def test_answers_come_from_the_replica_and_sign_ins_languages_and_exports_from_the_primary(replicated, tmp_path):
    primary, standby = replicated
    engine = make_engine(primary.create_database("expenditure"))
    try:
        init_db(engine)
        data = seed_small(engine)
        standby.replay_up_to(primary)
        app = make_app(primary.url("expenditure"), tmp_path, database_replica_url=standby.url("expenditure"))
        runtime = app.extensions["runtime"]
        assert rows(runtime.read_engine, IN_RECOVERY) == [(True,)] and rows(runtime.engine, IN_RECOVERY) == [(False,)]
        assert client(app).get("/readyz").json["checks"] == {"database": "ok", "replica": "ok"}
        january = ExpenditureQuery(Scope("A"), data.start, data.end).to_params()

        standby.pause_replay()
        with engine.begin() as conn:
            add_user(conn, *LATE, "A", "admin")
        load(engine, "A", records=[{"record_id": "A-R6", "customer_id": "A-C1", "day": data.end, "amount": "1000.00"}])

        # Signing in and each request's user are read on the primary: the replica has no late@a.
        browser = signed_in_client(app, *LATE)
        assert rows(runtime.read_engine, sa.select(users.c.login).where(users.c.login == LATE[0])) == []
        # The dashboard's answers come from the replica: A's total without the new record.
        shown = overview_text(browser, app, january)
        assert "12,677.82" in shown and "13,677.82" not in shown

        # An export task: created on the primary, and the Export History reads it there.
        assert CREATED in export_selected(browser, app, [{"record_id": "A-R1"}], january)
        (task_id,) = [row.task_id for row in rows(engine, sa.select(export_tasks.c.task_id))]
        assert rows(runtime.read_engine, sa.select(export_tasks.c.task_id)) == []
        wait_until(lambda: download_path(task_id) in history(browser, app)[0], 60, "the export in the history")

        # The language chosen: stored on the primary, and the next request speaks it.
        assert call(browser, f"{ids.LANGUAGE_SAVED}.data", inputs=[slot(ids.LANGUAGE, "value", CHINESE)]) == {
            ids.LANGUAGE_SAVED: {"data": CHINESE}}
        with speaking(CHINESE):
            assert _("Sign out") in header_text(browser)

        # The replica catches up: the import's new data version, and its data, come from it.
        standby.resume_replay()
        standby.replay_up_to(primary)
        assert "13,677.82" in overview_text(browser, app, january)
        assert rows(runtime.read_engine, sa.select(users.c.language).where(users.c.login == LATE[0])) == [(CHINESE,)]
    finally:
        engine.dispose()
