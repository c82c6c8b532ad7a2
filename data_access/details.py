"""The detail records of an ExpenditureQuery: pages for the grid, every row streamed for
exports, and their count."""
from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from data_access.db import is_duckdb
from data_access.dimensions import c, e, m
from data_access.facts import all_rows, conditions, facts_for
from data_access.money import to_decimal
from data_access.query import (
    ASSOCIATION_TYPES,
    BILL_TYPES,
    BILLING_MODES,
    UNASSIGNED_LABEL,
    ExpenditureQuery,
    SortKey,
)


@dataclasses.dataclass(frozen=True)
class DetailColumn:
    key: str
    header: str
    kind: str  # text | date | money


DETAIL_COLUMNS = (
    DetailColumn("day", "Day", "date"),
    DetailColumn("record_id", "Record ID", "text"),
    DetailColumn("customer_name", "Customer", "text"),
    DetailColumn("account_name", "Account name", "text"),
    DetailColumn("association_type", "Association type", "text"),
    DetailColumn("account_manager", "Account manager", "text"),
    DetailColumn("service_type", "Service type", "text"),
    DetailColumn("billing_mode", "Billing mode", "text"),
    DetailColumn("bill_type", "Bill type", "text"),
    DetailColumn("region", "Region", "text"),
    DetailColumn("resource_id", "Resource ID", "text"),
    DetailColumn("amount", "Amount", "money"),
    DetailColumn("cash_coupon", "Cash coupons used", "money"),
    DetailColumn("amount_paid", "Amount paid", "money"),
)
DETAIL_COLUMN_KEYS = tuple(column.key for column in DETAIL_COLUMNS)
LABEL_COLUMN_KEYS = frozenset({"customer_name", "account_name", "association_type", "account_manager"})
# The labels of data_access a detail column holds (the others hold names and values from the
# data). An export in another language writes them translated: `words`, {label: its text},
# of detail_values and copy_details_csv.
COLUMN_LABELS = {"association_type": ASSOCIATION_TYPES, "account_manager": (UNASSIGNED_LABEL,),
                 "billing_mode": BILLING_MODES, "bill_type": BILL_TYPES}
Words = Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class DetailPage:
    rows: list[dict]
    total_rows: int


def _in_words(column, key: str, words: Words):
    """The column with its labels (COLUMN_LABELS[key]) replaced by their texts in `words`: a
    CASE of bound values, so the database still writes every row itself."""
    texts = {label: words[label] for label in COLUMN_LABELS[key] if label in words}
    return sa.case(texts, value=column, else_=column) if texts else column


def _record_columns(r, words: Words | None = None) -> dict:
    """A detail row's columns, from the records (or a page of them, `r`) and their labels
    (with `words`: in those words)."""
    words = words or {}
    return {
        "day": r.c.day, "record_id": r.c.record_id, "customer_name": c.c.customer_name,
        "account_name": c.c.account_name,
        "association_type": _in_words(c.c.association_type, "association_type", words),
        "account_manager": sa.func.coalesce(m.c.name, words.get(UNASSIGNED_LABEL, UNASSIGNED_LABEL)),
        "service_type": r.c.service_type, "billing_mode": _in_words(r.c.billing_mode, "billing_mode", words),
        "bill_type": _in_words(r.c.bill_type, "bill_type", words), "region": r.c.region,
        "resource_id": r.c.resource_id,
        "amount": r.c.amount, "cash_coupon": r.c.cash_coupon,
        "amount_paid": r.c.amount - r.c.cash_coupon,
    }


def _with_labels(r):
    return (r.join(c, sa.and_(c.c.partner_id == r.c.partner_id, c.c.customer_id == r.c.customer_id))
            .outerjoin(m, sa.and_(m.c.partner_id == r.c.partner_id, m.c.manager_id == r.c.manager_id)))


def _labelled_rows(r, columns: dict) -> sa.Select:
    return sa.select(*(column.label(key) for key, column in columns.items())).select_from(_with_labels(r))


def _detail_select(q: ExpenditureQuery, record_ids: Sequence[str] | None = None, words: Words | None = None):
    columns = _record_columns(e, words)
    where = conditions(q.scope, q)
    if record_ids is not None:
        # The selection comes from the browser: it can only narrow the query, never widen it.
        where.append(e.c.record_id.in_(list(record_ids)))
    return _labelled_rows(e, columns).where(*where), columns


def _sort_key(q: ExpenditureQuery, sort: tuple[str, bool] | None) -> tuple[str, bool]:
    if sort is None:
        key = "account_name" if q.sort_by is SortKey.NAME else q.sort_by.measure
        sort = (key, q.descending)
    if sort[0] not in DETAIL_COLUMN_KEYS:
        raise ValueError(f"cannot sort by {sort[0]!r}")
    return sort


def _order_by(columns: dict, sort: tuple[str, bool]):
    key, descending = sort
    column = columns[key]
    return [column.desc() if descending else column.asc(), columns["record_id"].asc()]


def _detail_row(row) -> dict:
    values = row._asdict()
    for key in ("amount", "cash_coupon", "amount_paid"):
        values[key] = to_decimal(values[key])
    return values


def detail_page(conn: sa.Connection, q: ExpenditureQuery, offset: int, limit: int,
                sort: tuple[str, bool] | None = None) -> DetailPage:
    """One page of matching records. `sort` is (column key, descending); without it the
    query's sorting dimension decides. Record id breaks ties, so pages never overlap."""
    sort = _sort_key(q, sort)
    if sort[0] in LABEL_COLUMN_KEYS:
        select, columns = _detail_select(q)
    else:  # the page is found among the records alone; only its rows are joined to labels
        where = conditions(q.scope, q)
        key, descending = _record_columns(e)[sort[0]], sort[1]
        bound = _page_bound(conn, q, where, key, descending, offset + limit)
        if bound is not None:
            bound = sa.cast(sa.literal(bound), key.type)  # DuckDB would compare a Decimal as DOUBLE
            where.append(key >= bound if descending else key <= bound)
        page = (sa.select(e).where(*where).order_by(*_order_by(_record_columns(e), sort))
                .offset(offset).limit(limit).subquery("page"))
        columns = _record_columns(page)
        select, offset = _labelled_rows(page, columns), 0
    rows = all_rows(conn, select.order_by(*_order_by(columns, sort)).offset(offset).limit(limit))
    return DetailPage([_detail_row(row) for row in rows], count_rows(conn, q))


def _page_bound(conn: sa.Connection, q: ExpenditureQuery, where: list, key, descending: bool, rank: int):
    """A value of the sort key that the page's rows reach: the rank-th among the matching
    records of the range's last week (some of the records, so no further than among all of
    them), else among all. Only the records up to it need sorting by key and record id,
    which reads every sorted record's id (DuckDB: 4x the time of the key alone)."""
    week = max(q.start, q.end - timedelta(days=6))
    for some in ((e.c.day >= week,), ()):
        bound = conn.execute(sa.select(key).where(*where, *some).order_by(key.desc() if descending else key)
                             .offset(rank - 1).limit(1)).scalar()
        if bound is not None:
            return bound
    return None


def detail_rows(conn: sa.Connection, q: ExpenditureQuery, record_ids: Sequence[str] | None = None,
                sort: tuple[str, bool] | None = None, batch_size: int = 5000) -> Iterator[dict]:
    """Every matching record (or the matching ones among `record_ids`), streamed in batches."""
    for row in detail_values(conn, q, record_ids, sort, batch_size):
        yield _detail_row(row)


def detail_values(conn: sa.Connection, q: ExpenditureQuery, record_ids: Sequence[str] | None = None,
                  sort: tuple[str, bool] | None = None, batch_size: int = 5000,
                  words: Words | None = None) -> Iterator[Sequence]:
    """detail_rows as the database gives them: each row's values in DETAIL_COLUMNS order, the
    money as the exact Decimal stored, the labels in `words` (COLUMN_LABELS). For exports,
    where a dict per row costs more than the row."""
    select, columns = _detail_select(q, record_ids, words)
    order = _order_by(columns, _sort_key(q, sort))
    for part in sort_slices(conn, q, record_ids, sort):
        # Options of this statement: set on the connection, they would stay for its later ones.
        yield from conn.execute(select.where(*part).order_by(*order),
                                execution_options={"stream_results": True, "yield_per": batch_size})


SLICE_ROWS = 30_000  # DuckDB: the rows of an export sorted at once (bench.export_bench)
SAMPLES_PER_SLICE = 64


def sort_slices(conn: sa.Connection, q: ExpenditureQuery, record_ids: Sequence[str] | None = None,
                sort: tuple[str, bool] | None = None) -> list[list]:
    """Conditions that cut the matching records into consecutive parts of their order (by the
    sort key, then record id), of about SLICE_ROWS records each: the rows in order are each
    part's rows sorted, one part after another. DuckDB sorts in the process, in memory up to
    its limit (the dashboard's too: it is the whole process's), so an export sorts one part at
    a time and its memory does not grow with its rows; PostgreSQL sorts in the server (one part).
    The cuts are among a sample of the records (those whose record id hashes to a multiple of
    a step): a part holds about SLICE_ROWS records, whatever ties the sort key has."""
    count = count_rows(conn, q, record_ids) if is_duckdb(conn.engine) else 0
    parts = -(-count // SLICE_ROWS)
    if parts <= 1:
        return [[]]
    select, columns = _detail_select(q, record_ids)
    sort = _sort_key(q, sort)
    key, record_id = columns[sort[0]], columns["record_id"]
    step = max(1, count // (parts * SAMPLES_PER_SLICE))
    sample = conn.execute(select.with_only_columns(key, record_id)
                          .where(sa.func.hash(record_id, type_=sa.BigInteger) % step == 0)
                          .order_by(*_order_by(columns, sort))).all()
    if not sample:
        return [[]]
    cuts = [sample[len(sample) * index // parts] for index in range(1, parts)]

    def bound(cut, upper: bool) -> list:
        """Up to a cut (inclusive) or after it: a range of the key, which DuckDB can filter as it
        scans, and a condition on the key's ties."""
        value = sa.cast(sa.literal(cut[0]), key.type)  # DuckDB would compare a Decimal as DOUBLE
        return [key >= value if upper == sort[1] else key <= value,
                sa.or_(key != value, record_id <= cut[1] if upper else record_id > cut[1])]

    return [[*(bound(cuts[index - 1], False) if index else []),
             *(bound(cuts[index], True) if index < len(cuts) else [])] for index in range(len(cuts) + 1)]


# Characters no spreadsheet cell holds (those of exports.cells.cell_text); PostgreSQL text holds
# no NUL at all, and its regular expressions refuse one. (A regular expression is the fastest way
# on both databases: DuckDB's translate takes 100 times as long, PostgreSQL's twice.)
_CONTROL = {True: r"[\x00-\x08\x0b\x0c\x0e-\x1f]", False: r"[\x01-\x08\x0b\x0c\x0e-\x1f]"}
_CONTROL_CHARACTERS = {duckdb: "".join(chr(code) for code in range(0 if duckdb else 1, 32) if chr(code) not in "\t\n\r")
                       for duckdb in (True, False)}
_TRAILING_ZEROS = r"(\.[0-9]{2}[0-9]*?)0+$"  # beyond the second decimal


def _without_control_characters(text, duckdb: bool) -> sa.ColumnElement:
    """The text without control characters: only a text that holds one is rewritten (to look
    costs a fifth less than to rewrite, on PostgreSQL)."""
    holds_one = (sa.func.regexp_matches(text, _CONTROL[duckdb]) if duckdb
                 else text.op("~", return_type=sa.Boolean)(_CONTROL[duckdb]))
    return sa.case((holds_one, sa.func.regexp_replace(text, _CONTROL[duckdb], "", "g")), else_=text)


def _money_text(value, duckdb: bool) -> sa.ColumnElement:
    """An amount's exact text with at least 2 decimals, as data_access.money.money_text writes
    it. PostgreSQL rounds to the amount's own scale (min_scale), but at least 2: without a
    regular expression, its COPY of a million rows takes a fifth to a third less time."""
    if duckdb:
        return sa.func.regexp_replace(sa.cast(value, sa.String), _TRAILING_ZEROS, "\\1")
    return sa.cast(sa.func.round(value, sa.func.greatest(sa.func.min_scale(value), 2)), sa.String)


def copy_details_csv(conn: sa.Connection, q: ExpenditureQuery, record_ids: Sequence[str] | None,
                     path, headers: Sequence[str], formula_starts: Sequence[str], words: Words | None = None,
                     rows_done: Callable[[int], None] | None = None) -> int:
    """The detail rows as a UTF-8 csv file at `path`, written by the database itself (DuckDB's
    COPY ... TO, PostgreSQL's COPY ... TO STDOUT): a byte-order mark, `headers`, then the rows
    in detail_rows' order; money as its exact text with at least 2 decimals, days as
    YYYY-MM-DD, labels in `words` (COLUMN_LABELS), text without control characters and with a
    single quote before a leading formula character (one of `formula_starts`). Returns the
    number of rows; on DuckDB, which writes the rows part by part (sort_slices), tells
    `rows_done` the rows written after each."""
    duckdb = is_duckdb(conn.engine)
    select, columns = _detail_select(q, record_ids, words)
    fields = []
    for column, header in zip(DETAIL_COLUMNS, headers, strict=True):
        value = columns[column.key]
        if column.kind == "money":
            value = _money_text(value, duckdb)
        elif column.kind == "text":
            clean = _without_control_characters(value, duckdb)
            # Not IN (...), which DuckDB answers with a join (a join per text column): a quarter of its COPY.
            formula = sa.and_(clean != "", sa.func.strpos("".join(formula_starts), sa.func.left(clean, 1)) > 0)
            # Only a text that starts with a formula or control character can need the quote: the
            # others skip the test, whose `clean` PostgreSQL would evaluate twice more (a third of its COPY).
            may_need_quote = sa.func.strpos("".join(formula_starts) + _CONTROL_CHARACTERS[duckdb],
                                            sa.func.left(value, 1)) > 0
            value = sa.case((may_need_quote, sa.case((formula, sa.literal("'") + clean), else_=clean)), else_=clean)
        fields.append(value.label(header))
    fields[0] = fields[0].element.label("\ufeff" + headers[0])  # the byte-order mark, as the file's start
    order = _order_by(columns, _sort_key(q, None))
    if not duckdb:
        compiled = _compiled(conn, select.with_only_columns(*fields).order_by(*order))
        cursor = conn.connection.driver_connection.cursor()
        with open(path, "wb") as file, cursor.copy(f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, HEADER)",
                                                   compiled.params) as copy:
            for chunk in copy:
                file.write(chunk)
        return cursor.rowcount
    # DuckDB writes each part of the order (sort_slices) to a file, appended to the first's.
    rows, part_path = 0, Path(f"{path}.part")
    try:
        for index, part in enumerate(sort_slices(conn, q, record_ids)):
            compiled = _compiled(conn, select.with_only_columns(*fields).where(*part).order_by(*order))
            target = str(part_path if index else path).replace("'", "''")
            parameters = tuple(compiled.params[name] for name in compiled.positiontup)
            rows += conn.exec_driver_sql(f"COPY ({compiled}) TO '{target}' (FORMAT csv, HEADER {index == 0})",
                                         parameters).scalar()
            if index:
                with open(part_path, "rb") as source, open(path, "ab") as file:
                    shutil.copyfileobj(source, file, 1 << 20)
            if rows_done is not None:
                rows_done(rows)
    finally:
        part_path.unlink(missing_ok=True)
    return rows


def _compiled(conn: sa.Connection, select: sa.Select):
    return select.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})


def count_rows(conn: sa.Connection, q: ExpenditureQuery, record_ids: Sequence[str] | None = None) -> int:
    if record_ids is not None:
        select, _ = _detail_select(q, record_ids)
        return conn.execute(sa.select(sa.func.count()).select_from(select.subquery())).scalar_one()
    facts = facts_for(q.scope, q)
    count = conn.execute(sa.select(facts.count(q.hide_zero)).select_from(facts.t)
                         .where(*conditions(q.scope, q, facts))).scalar()
    return int(count or 0)
