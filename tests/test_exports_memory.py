"""Exports on DuckDB within a small memory limit: the sort of the rows (an export is in the
screen's order) stays within DUCKDB_MEMORY_LIMIT, spilling to the database's temporary
directory (`<database file>.tmp`) beyond it, so a large export cannot take the process's memory.
Big enough to exceed the limit, small enough for the suite: about 85 thousand records."""
from __future__ import annotations

import csv
import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from data_access import demo, details, export_tasks
from data_access.db import init_db, make_engine
from data_access.query import ExpenditureQuery, Scope, SortKey
from data_access.schema import expenditures
from exports import builder
from exports.builder import build_export


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('small-memory') / 'demo.duckdb'}"
    engine = make_engine(url)
    init_db(engine)
    demo.load(engine, demo.generate(customers=200, days=300, seed=1))
    engine.dispose()  # reopened below with other limits: one configuration per open file
    return url


def all_of_p1(conn) -> ExpenditureQuery:
    first, last = conn.execute(sa.select(sa.func.min(expenditures.c.day), sa.func.max(expenditures.c.day))
                               .where(expenditures.c.partner_id == "P1")).one()
    return ExpenditureQuery(Scope("P1"), first, last, hide_zero=False)


def export(url: str, export_dir, file_format: str, memory_limit: str):
    """Build an export of all of P1's records on an engine with this limit: (task, rows of P1)."""
    engine = make_engine(url, duckdb_memory_limit=memory_limit)
    try:
        with engine.begin() as conn:
            q = all_of_p1(conn)
            task_id = export_tasks.create(conn, "admin@p1", q, "memory", file_format, timedelta(days=1))
        build_export(engine, task_id, export_dir)
        with engine.connect() as conn:
            return export_tasks.get(conn, task_id), details.count_rows(conn, q)
    finally:
        engine.dispose()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_completes_within_a_64_mb_limit_in_the_screens_order(demo_url, tmp_path, monkeypatch,
                                                                       file_format):
    monkeypatch.setattr(details, "SLICE_ROWS", 20_000)  # sorted in five parts (sort_slices)
    task, count = export(demo_url, tmp_path, file_format, "64MB")
    assert task.status == export_tasks.COMPLETED, task.error
    assert task.rows == count > 80_000
    if file_format == "csv":
        with open(tmp_path / task.file_name, encoding="utf-8-sig", newline="") as file:
            order = [(-Decimal(row["Amount"]), row["Record ID"]) for row in csv.DictReader(file)]
        assert len(order) == count and order == sorted(order)  # amount descending, then record id


@pytest.mark.parametrize("sort_by, descending", [(SortKey.AMOUNT, True), (SortKey.NAME, False)])
def test_the_parts_sorted_one_after_another_are_the_whole_order(demo_url, monkeypatch, sort_by, descending):
    """details.sort_slices cuts the records into parts of about SLICE_ROWS records: the parts'
    rows in turn are exactly the rows of one sort, the key's ties included (a customer's name
    is on hundreds of records)."""
    engine = make_engine(demo_url)
    try:
        with engine.connect() as conn:
            q = dataclasses.replace(all_of_p1(conn), sort_by=sort_by, descending=descending)
            monkeypatch.setattr(details, "SLICE_ROWS", 10 ** 9)  # one sort
            whole = [tuple(row) for row in details.detail_values(conn, q)]
            monkeypatch.setattr(details, "SLICE_ROWS", 7_000)
            parts = details.sort_slices(conn, q)
            rows = [tuple(row) for row in details.detail_values(conn, q)]
    finally:
        engine.dispose()
    assert len(parts) == -(-len(whole) // 7_000) > 10
    assert len(set(rows)) == len(rows) and rows == whole


def test_a_csv_written_in_parts_records_its_progress_after_each(demo_url, tmp_path, monkeypatch):
    monkeypatch.setattr(details, "SLICE_ROWS", 20_000)
    reported, real_beat = [], builder._Progress.beat

    def beat(progress, rows_done, rows=None):
        reported.append(rows_done)
        real_beat(progress, rows_done, rows)

    monkeypatch.setattr(builder._Progress, "beat", beat)
    engine = make_engine(demo_url)
    try:
        with engine.begin() as conn:
            q = all_of_p1(conn)
            task_id = export_tasks.create(conn, "admin@p1", q, "progress", "csv", timedelta(days=1))
        assert build_export(engine, task_id, tmp_path, heartbeat_seconds=0) == export_tasks.COMPLETED
        with engine.connect() as conn:
            count = details.count_rows(conn, q)
    finally:
        engine.dispose()
    assert reported[0] == 0 and reported[-1] == count and len(reported) == 1 + len(range(0, count, 20_000))
    assert reported == sorted(reported)
