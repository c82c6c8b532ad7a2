"""Export task storage (data_access.export_tasks) on both engines: scoping, the guarded status
changes, the stale-task check, expiry."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from data_access import export_tasks as tasks
from data_access.query import ExpenditureQuery, Scope
from data_access.users import Role, User

WEEK = timedelta(days=7)
T0 = datetime(2025, 3, 1, 8, 0, 0)
ALICE, BOB = User("alice", "P1", Role.ACCOUNT_MANAGER), User("bob", "P1", Role.ACCOUNT_MANAGER)
ADMIN, OTHER_ADMIN = User("admin", "P1", Role.ADMIN), User("admin2", "P2", Role.ADMIN)


def query(partner="P1", manager=None, **params) -> ExpenditureQuery:
    return ExpenditureQuery(Scope(partner, manager), **{"start": "2025-01-01", "end": "2025-01-31", **params})


def create(engine, owner="alice", q=None, now=T0, **kwargs) -> str:
    with engine.begin() as conn:
        return tasks.create(conn, owner, q or query(), "name", "xlsx", WEEK, now=now, **kwargs)


def get(engine, task_id):
    with engine.connect() as conn:
        return tasks.get(conn, task_id)


def test_a_task_keeps_its_query_scope_and_selection(engine):
    q = query(manager="m1", search="Li", include={"service_type": ["Elastic IP"]})
    task_id = create(engine, q=q, record_ids=["r2", "r1", "r2"])
    task = get(engine, task_id)
    assert tasks.is_task_id(task_id)
    assert task.query == q and task.query.scope == Scope("P1", "m1")
    assert task.record_ids == ["r1", "r2"] and task.selection == "2 selected records"
    assert (task.status, task.rows, task.progress, task.expires_at) == (tasks.PENDING, None, 0, T0 + WEEK)
    everything = get(engine, create(engine))
    assert everything.record_ids is None and everything.selection == "All records matching the query"


def test_unknown_format_is_refused(engine):
    with pytest.raises(ValueError), engine.begin() as conn:
        tasks.create(conn, "alice", query(), "name", "pdf", WEEK)


def test_a_user_sees_their_own_tasks_and_the_partners_admin_sees_all(engine):
    mine = create(engine, "alice", now=T0)
    newer = create(engine, "alice", now=T0 + timedelta(minutes=1))
    bobs = create(engine, "bob")
    other_partner = create(engine, "admin2", q=query("P2"))
    with engine.connect() as conn:
        assert [t.task_id for t in tasks.list_for(conn, ALICE)] == [newer, mine]
        assert {t.task_id for t in tasks.list_for(conn, ADMIN)} == {mine, newer, bobs}
        assert [t.task_id for t in tasks.list_for(conn, OTHER_ADMIN)] == [other_partner]
        assert tasks.get_for(conn, ALICE, mine) is not None and tasks.get_for(conn, ADMIN, bobs) is not None
        assert tasks.get_for(conn, ALICE, bobs) is None
        assert tasks.get_for(conn, OTHER_ADMIN, mine) is None
        # The same login at another partner is someone else.
        assert tasks.get_for(conn, User("alice", "P2", Role.ACCOUNT_MANAGER), mine) is None


@pytest.mark.parametrize("bad", ["../../etc/passwd", "A" * 32, "0" * 31, "0" * 33, "", None, 42,
                                 "0" * 31 + "/", "%2e%2e%2f" + "0" * 23])
def test_malformed_task_ids_are_refused(engine, bad):
    with engine.begin() as conn:
        assert tasks.get_for(conn, ADMIN, bad) is None
        assert not tasks.retry(conn, ADMIN, bad, WEEK)
    assert not tasks.is_task_id(bad)


def test_only_one_claim_wins_and_steps_need_the_attempt(engine):
    task_id = create(engine)
    with engine.begin() as conn:
        attempt = tasks.claim(conn, task_id, now=T0)
        assert attempt == T0 and tasks.claim(conn, task_id) is None
        assert tasks.heartbeat(conn, task_id, attempt, 50, rows=200, now=T0 + timedelta(seconds=5))
        assert not tasks.heartbeat(conn, task_id, T0 - timedelta(seconds=1), 60)
    task = get(engine, task_id)
    assert (task.status, task.rows_done, task.rows, task.progress) == (tasks.PROCESSING, 50, 200, 25)
    with engine.begin() as conn:
        assert tasks.complete(conn, task_id, attempt, f"{task_id}.xlsx", 200)
        assert not tasks.complete(conn, task_id, attempt, "again.xlsx", 1)
        assert not tasks.fail(conn, task_id, "late", attempt)
    task = get(engine, task_id)
    assert (task.status, task.file_name, task.rows, task.progress) == (
        tasks.COMPLETED, f"{task_id}.xlsx", 200, 100)


def test_stale_processing_tasks_fail_and_can_be_retried_by_their_owner(engine):
    task_id, fresh = create(engine), create(engine)
    with engine.begin() as conn:
        tasks.claim(conn, task_id, now=T0)
        tasks.claim(conn, fresh, now=T0 + timedelta(minutes=2))
        assert tasks.fail_stale(conn, now=T0 + tasks.STALE_AFTER) == 0  # not older than the limit
        assert tasks.fail_stale(conn, now=T0 + tasks.STALE_AFTER + timedelta(seconds=1)) == 1
    assert (get(engine, task_id).status, get(engine, task_id).error) == (tasks.FAILED, tasks.INTERRUPTED)
    assert get(engine, fresh).status == tasks.PROCESSING
    later = T0 + timedelta(days=1)
    with engine.begin() as conn:
        assert not tasks.retry(conn, BOB, task_id, WEEK, now=later)
        assert not tasks.retry(conn, ALICE, fresh, WEEK, now=later)  # not Failed
        assert tasks.retry(conn, ALICE, task_id, WEEK, now=later)
    retried = get(engine, task_id)
    assert (retried.status, retried.error, retried.rows_done, retried.started_at) == (
        tasks.PENDING, None, 0, None)
    assert retried.expires_at == later + WEEK


def test_a_task_that_could_not_be_queued_fails_without_an_attempt(engine):
    task_id = create(engine)
    with engine.begin() as conn:
        assert tasks.fail(conn, task_id, "the export queue is unavailable")
        assert tasks.pending_tasks(conn) == []
    assert get(engine, task_id).status == tasks.FAILED


def test_tasks_expire_after_retention_and_are_forgotten_later(engine):
    done, running = create(engine), create(engine)
    young = create(engine, now=T0 + timedelta(days=3))
    with engine.begin() as conn:
        attempt = tasks.claim(conn, done, now=T0)
        tasks.complete(conn, done, attempt, f"{done}.xlsx", 1, now=T0)
        running_attempt = tasks.claim(conn, running, now=T0)
        assert tasks.live_file_names(conn) == {f"{done}.xlsx"}
        assert tasks.expire(conn, now=T0 + WEEK) == 2
        assert tasks.live_file_names(conn) == set()
        assert not tasks.heartbeat(conn, running, running_attempt, 5)  # its builder must stop
        assert tasks.expire(conn, now=T0 + WEEK) == 0
        assert tasks.forget_expired(conn, before=T0 + WEEK) == 0
        assert tasks.forget_expired(conn, before=T0 + 2 * WEEK) == 2
    assert get(engine, done) is None and get(engine, young).status == tasks.PENDING


def test_times_show_in_the_partners_zone():
    assert tasks.local_time(datetime(2025, 1, 1, 20, 30), "+08:00") == datetime(2025, 1, 2, 4, 30)
    assert tasks.local_time(datetime(2025, 1, 1, 2, 0), "-05:30") == datetime(2024, 12, 31, 20, 30)
    assert tasks.zone_label("+08:00") == "UTC+08:00"


def test_a_running_task_can_be_cancelled_by_who_sees_it_and_its_builder_stops(engine):
    pending, processing = create(engine), create(engine)
    with engine.begin() as conn:
        attempt = tasks.claim(conn, processing, now=T0)
        assert not tasks.cancel(conn, BOB, pending)  # not Bob's
        assert not tasks.cancel(conn, OTHER_ADMIN, pending)  # another partner's admin
        assert not tasks.cancel(conn, ALICE, "../" + pending)
        assert tasks.cancel(conn, ALICE, pending, now=T0) and tasks.cancel(conn, ADMIN, processing, now=T0)
        assert not tasks.cancel(conn, ALICE, pending)  # not running any more
        assert not tasks.heartbeat(conn, processing, attempt, 10)  # the builder is told to stop
        assert tasks.claim(conn, pending) is None  # and no worker takes the cancelled one up
    assert (get(engine, pending).status, get(engine, pending).error) == (tasks.FAILED, "cancelled by alice")
    assert get(engine, processing).error == "cancelled by admin"
    with engine.begin() as conn:
        assert tasks.retry(conn, ALICE, pending, WEEK)  # a cancelled task can be asked for again
def test_partners_take_turns_whatever_one_of_them_queued(engine):
    """P1 queues three exports, then P2 and P3 one each: builds alternate between partners
    (fewest running first, then the partner served longest ago), each partner's own in order."""
    p1 = [create(engine, q=query("P1"), now=T0 + timedelta(seconds=second)) for second in range(3)]
    (p2,) = [create(engine, owner="x", q=query("P2"), now=T0 + timedelta(seconds=10))]
    (p3,) = [create(engine, owner="y", q=query("P3"), now=T0 + timedelta(seconds=11))]
    order, clock = [], T0 + timedelta(minutes=1)

    def start_next():  # one builder takes the next task
        nonlocal clock
        clock += timedelta(seconds=1)
        with engine.begin() as conn:
            task_id = tasks.next_pending(conn)
            attempt = tasks.claim(conn, task_id, now=clock)
        order.append(task_id)
        return task_id, attempt

    def finish(task_id, attempt):
        with engine.begin() as conn:
            assert tasks.complete(conn, task_id, attempt, f"{task_id}.xlsx", 1)

    first, second = start_next(), start_next()  # two builders at once: P1's oldest, then P2
    assert order == [p1[0], p2]
    finish(*first)
    third = start_next()  # P1 and P3 run nothing: P3 was never served
    assert order[-1] == p3
    finish(*second)
    finish(*third)
    finish(*start_next())  # only P1 is left now, in its order
    finish(*start_next())
    assert order == [p1[0], p2, p3, p1[1], p1[2]]
    with engine.connect() as conn:
        assert tasks.next_pending(conn) is None


def test_a_partner_served_last_waits_for_the_others(engine):
    """One builder: P1's second export waits while P2's, queued after it, is built."""
    first, second = create(engine, q=query("P1"), now=T0), create(engine, q=query("P1"), now=T0 + timedelta(seconds=1))
    other = create(engine, owner="x", q=query("P2"), now=T0 + timedelta(seconds=2))
    with engine.begin() as conn:
        assert tasks.next_pending(conn) == first
        attempt = tasks.claim(conn, first, now=T0 + timedelta(seconds=3))
        tasks.complete(conn, first, attempt, "f.xlsx", 1)
        assert tasks.next_pending(conn) == other
        attempt = tasks.claim(conn, other, now=T0 + timedelta(seconds=4))
        tasks.complete(conn, other, attempt, "o.xlsx", 1)
        assert tasks.next_pending(conn) == second
