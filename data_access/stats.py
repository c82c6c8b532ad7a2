"""Answers an ExpenditureQuery: overview totals and series, breakdowns by a grouping basis with
top N and "Others", and pages of detail rows. All SQL is built with SQLAlchemy Core, so every
value is a bound parameter; the same statements run on DuckDB and PostgreSQL. Money is read
from the smallest rollup of the records that can answer (data_access.rollups), else from the
records; docs/PERFORMANCE.md has the measurements behind each choice.

Reconciliation is by construction: totals are sums of the groups, and the series of "Others"
is the total series less the top groups' series, all in Decimal.
"""
from __future__ import annotations

import collections
import dataclasses
import warnings
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import sqlalchemy as sa

from data_access.db import is_duckdb
from data_access.money import ZERO, Money, share, to_decimal, total
from data_access.query import (OTHERS_KEY, OTHERS_LABEL, UNASSIGNED_KEY, UNASSIGNED_LABEL,
                               Basis, ExpenditureQuery, Granularity, Scope, SortKey)
from data_access.rollups import ROLLUPS, month_of
from data_access.schema import customers, expenditures, managers, partners

e, c, m = expenditures.alias("e"), customers.alias("c"), managers.alias("m")


@dataclasses.dataclass(frozen=True)
class Point:
    period: date  # the day, or the first day of the month
    money: Money


@dataclasses.dataclass(frozen=True)
class Group:
    key: str
    label: str
    money: Money
    share: Decimal  # of the total Amount
    series: tuple[Point, ...] = ()


@dataclasses.dataclass(frozen=True)
class Overview:
    total: Money
    series: tuple[Point, ...]


@dataclasses.dataclass(frozen=True)
class Breakdown:
    total: Money
    series: tuple[Point, ...]  # empty when asked without series
    groups: tuple[Group, ...]  # the top N in the asked order, then "Others"


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


@dataclasses.dataclass(frozen=True)
class DetailPage:
    rows: list[dict]
    total_rows: int


# --- the meaning of the query, as SQL -------------------------------------------------------
#
# Money is summed before anything is joined to it: the customers' and managers' labels are
# joined to the groups (or to a page of records), and filters on them are semi-joins, so a
# question reads one table. Joining every record to its labels cost more than the sums.

# The record column each grouping basis needs (a customer's association type: its id).
BASIS_COLUMNS = {Basis.SERVICE_TYPE: "service_type", Basis.BILLING_MODE: "billing_mode",
                 Basis.ASSOCIATION_TYPE: "customer_id", Basis.ACCOUNT_MANAGER: "manager_id",
                 Basis.CUSTOMER_ACCOUNT: "customer_id"}


@dataclasses.dataclass(frozen=True)
class _Facts:
    """Where a question's money is read: the records, or a daily rollup of them. A rollup
    row sums records, so sums are the same; a count is the sum of the rows' record counts;
    and hiding zero expenditures keeps the rows with a record that is not zero (the zero
    ones add nothing to the sums)."""
    t: sa.FromClause
    rolled_up: bool
    monthly: bool = False

    def count(self, hide_zero: bool):
        if not self.rolled_up:
            return sa.func.count()
        return sa.func.sum(self.t.c.nonzero_records if hide_zero else self.t.c.records)

    def nonzero(self):
        if self.rolled_up:
            return self.t.c.nonzero_records > 0
        return sa.or_(self.t.c.amount != 0, self.t.c.cash_coupon != 0)


RECORDS = _Facts(e, rolled_up=False)
_ROLLED_UP = tuple((rollup, _Facts(rollup.table.alias("r"), rolled_up=True, monthly=rollup.monthly))
                   for rollup in ROLLUPS)


def _facts(scope: Scope, q: ExpenditureQuery | None = None, *bases: Basis, by_day: bool = True) -> _Facts:
    """The smallest rollup with every column the question uses (its scope, filters, search
    and the grouping `bases`), else the records. A monthly rollup only answers questions
    about no day (`by_day` False)."""
    used = {"manager_id"} if scope.manager_id is not None else set()
    if q is not None:
        bases = (*bases, *(basis for basis, _ in q.include), *(basis for basis, _ in q.exclude))
        if q.search:
            used |= {"manager_id", "customer_id"}
    used |= {BASIS_COLUMNS[basis] for basis in bases}
    return next((facts for rollup, facts in _ROLLED_UP
                 if used <= rollup.dimensions and not (rollup.monthly and by_day)), RECORDS)


def _key_column(basis: Basis, t):
    if basis is Basis.ASSOCIATION_TYPE:
        return c.c.association_type  # from _source(facts, basis)
    if basis is Basis.ACCOUNT_MANAGER:
        return sa.func.coalesce(t.c.manager_id, UNASSIGNED_KEY)
    return t.c[BASIS_COLUMNS[basis]]


def _source(facts: _Facts, *bases: Basis):
    """The facts, joined to their customers only to group by association type."""
    t = facts.t
    if Basis.ASSOCIATION_TYPE not in bases:
        return t
    return t.join(c, sa.and_(c.c.partner_id == t.c.partner_id, c.c.customer_id == t.c.customer_id))


def _period_column(granularity: Granularity, t):
    return t.c.day if granularity is Granularity.DAY else month_of(t.c.day)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _customers_where(scope: Scope, *conditions):
    return sa.select(customers.c.customer_id).where(customers.c.partner_id == scope.partner_id, *conditions)


def _filter(scope: Scope, basis: Basis, keys, t, include: bool):
    if basis is Basis.ASSOCIATION_TYPE:
        association = customers.c.association_type
        return t.c.customer_id.in_(_customers_where(
            scope, association.in_(keys) if include else association.not_in(keys)))
    key = _key_column(basis, t)
    return key.in_(keys) if include else key.not_in(keys)


def _conditions(scope: Scope, q: ExpenditureQuery | None = None, facts: _Facts = RECORDS,
                days: list[tuple[date, date]] | None = None) -> list:
    """`days`: the (first, last) ranges read, the query's by default."""
    t = facts.t
    conditions = [t.c.partner_id == scope.partner_id]
    if scope.manager_id is not None:
        conditions.append(t.c.manager_id == scope.manager_id)
    if q is None:
        return conditions
    conditions.append(sa.or_(*(t.c.day.between(first, last) for first, last in days or [(q.start, q.end)])))
    if q.search:
        pattern = _like_pattern(q.search)
        named = sa.select(managers.c.manager_id).where(managers.c.partner_id == scope.partner_id,
                                                       managers.c.name.ilike(pattern, escape="\\"))
        conditions.append(sa.or_(
            t.c.manager_id.in_(named),
            t.c.customer_id.in_(_customers_where(scope, customers.c.account_name.ilike(pattern, escape="\\")))))
    for basis, keys in q.include:
        conditions.append(_filter(scope, basis, keys, t, include=True))
    for basis, keys in q.exclude:
        conditions.append(_filter(scope, basis, keys, t, include=False))
    if q.hide_zero:
        conditions.append(facts.nonzero())
    return conditions


def _parts(q: ExpenditureQuery, bases: tuple[Basis, ...], by_day: bool) -> list:
    """[(facts, day ranges)] that together hold the query's days: the range from daily facts
    or, for a question not by day, its whole months from a monthly rollup (when one has the
    question's columns) and the days around them from daily facts."""
    daily = _facts(q.scope, q, *bases)
    monthly = _facts(q.scope, q, *bases, by_day=False)
    first = q.start if q.start.day == 1 else (q.start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = (q.end + timedelta(days=1)).replace(day=1)  # the month after the last whole month
    if by_day or not monthly.monthly or first >= after:
        return [(daily, [(q.start, q.end)])]
    around = [(a, b) for a, b in ((q.start, first - timedelta(days=1)), (after, q.end)) if a <= b]
    return [(monthly, [(first, after - timedelta(days=1))]), *([(daily, around)] if around else [])]


def _matching(q: ExpenditureQuery, columns, bases: tuple[Basis, ...] = (), among: list[str] | None = None,
              by_day: bool = True) -> sa.Subquery:
    """The matching facts, projected to `columns(t)` (t: the facts' table) and their money;
    only those of the groups `among` of the first basis, if given. `by_day`: the question
    needs the facts by day."""
    selects = []
    for facts, days in _parts(q, bases, by_day):
        conditions = _conditions(q.scope, q, facts, days)
        if among is not None:
            conditions.append(_key_column(bases[0], facts.t).in_(among))
        selects.append(sa.select(*columns(facts.t), facts.t.c.amount, facts.t.c.cash_coupon)
                       .select_from(_source(facts, *bases)).where(*conditions))
    return (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery("matching")


def _labelled(groups: sa.Subquery, basis: Basis, partner_id: str) -> sa.Select:
    """The groups (a subquery with a `key`) and their labels: the manager's name, or
    Unassigned; the customer's account name; else the key itself."""
    if basis is Basis.ACCOUNT_MANAGER:
        label = sa.func.coalesce(m.c.name, UNASSIGNED_LABEL)
        source = groups.outerjoin(m, sa.and_(m.c.partner_id == partner_id, m.c.manager_id == groups.c.key))
    elif basis is Basis.CUSTOMER_ACCOUNT:
        label = sa.func.coalesce(c.c.account_name, groups.c.key)
        source = groups.outerjoin(c, sa.and_(c.c.partner_id == partner_id, c.c.customer_id == groups.c.key))
    else:
        label, source = groups.c.key, groups
    return sa.select(*groups.c, label.label("label")).select_from(source)


def _all(conn: sa.Connection, statement) -> list:
    """The rows at once. DuckDB's through Arrow: its client makes the Python dates and decimals
    of a row in about 7 µs, Arrow a value in under 1 µs."""
    result = conn.execute(statement)
    if not is_duckdb(conn.engine) or conn.get_execution_options().get("stream_results"):
        return result.all()  # (a streaming result may hold rows already fetched)
    with warnings.catch_warnings():  # "makes an extra copy of the rows": of a few thousand
        warnings.simplefilter("ignore", UserWarning)
        table = result.cursor.to_arrow_table()
    result.close()
    row = collections.namedtuple("Row", result.keys())
    return [row(*values) for values in zip(*(_python_values(column) for column in table.columns))]


_EPOCH = date(1970, 1, 1).toordinal()


def _python_values(column) -> list:
    """An Arrow column's values; dates by their numbers and decimals by their text, as Arrow
    makes them 5x and 2x slower."""
    if pa.types.is_date32(column.type):
        return [None if n is None else date.fromordinal(_EPOCH + n) for n in column.cast(pa.int32()).to_pylist()]
    if pa.types.is_decimal(column.type):
        return [None if text is None else Decimal(text) for text in column.cast(pa.string()).to_pylist()]
    return column.to_pylist()


def _money_sums(source):
    return sa.func.sum(source.c.amount).label("amount"), sa.func.sum(source.c.cash_coupon).label("cash_coupon")


def _money(row) -> Money:
    return Money(to_decimal(row.amount), to_decimal(row.cash_coupon))


# --- answers -------------------------------------------------------------------------------

def periods_between(start: date, end: date, granularity: Granularity) -> list[date]:
    if granularity is Granularity.DAY:
        return [date.fromordinal(day) for day in range(start.toordinal(), end.toordinal() + 1)]
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _series(q: ExpenditureQuery, sums: dict[date, Money]) -> tuple[Point, ...]:
    """Every period of the range, zero where nothing was spent: a chart must not skip days."""
    return tuple(Point(period, sums.get(period, Money()))
                 for period in periods_between(q.start, q.end, q.granularity))


def overview(conn: sa.Connection, q: ExpenditureQuery) -> Overview:
    matching = _matching(q, lambda t: [_period_column(q.granularity, t).label("period")],
                         by_day=q.granularity is Granularity.DAY)
    rows = _all(conn, sa.select(matching.c.period, *_money_sums(matching)).group_by(matching.c.period))
    series = _series(q, {_as_date(row.period): _money(row) for row in rows})
    return Overview(total(point.money for point in series), series)


def _group_totals(conn, q: ExpenditureQuery) -> list[Group]:
    matching = _matching(q, lambda t: [_key_column(q.group_by, t).label("key")], bases=(q.group_by,),
                         by_day=False)
    groups = (sa.select(matching.c.key, *_money_sums(matching)).group_by(matching.c.key)
              .subquery("groups"))
    rows = _all(conn, _labelled(groups, q.group_by, q.scope.partner_id))
    return [Group(row.key, row.label, _money(row), ZERO) for row in rows]


def _ranking_measure(q: ExpenditureQuery) -> str:
    return "amount" if q.sort_by is SortKey.NAME else q.sort_by.value


def _ordered(q: ExpenditureQuery, groups: list[Group]) -> list[Group]:
    by_name = lambda group: (group.label.casefold(), group.key)  # noqa: E731
    if q.sort_by is SortKey.NAME:
        return sorted(groups, key=by_name, reverse=q.descending)
    ordered = sorted(groups, key=by_name)  # ties in name order, whichever direction
    return sorted(ordered, key=lambda group: group.money.measure(q.sort_by.value), reverse=q.descending)


def _top_and_others(q: ExpenditureQuery, groups: list[Group]) -> tuple[list[Group], list[Group]]:
    """The N largest groups by the sorted measure (Amount when sorting by name) and the rest."""
    measure = _ranking_measure(q)
    ranked = sorted(sorted(groups, key=lambda g: (g.label.casefold(), g.key)),
                    key=lambda group: group.money.measure(measure), reverse=True)
    return ranked[:q.top_n], ranked[q.top_n:]


def breakdown(conn: sa.Connection, q: ExpenditureQuery, with_series: bool = True) -> Breakdown:
    groups = _group_totals(conn, q)
    grand_total = total(group.money for group in groups)
    top, rest = _top_and_others(q, groups)
    shown = _ordered(q, top)
    if rest:
        shown.append(Group(OTHERS_KEY, OTHERS_LABEL, total(group.money for group in rest), ZERO))
    total_series, series_by_key = (), {}
    if with_series:
        total_series = overview(conn, q).series
        series_by_key = _group_series(conn, q, [g.key for g in top])
        if rest:  # the total less the top groups: no need to read the others' records
            others = {point.period: point.money for point in total_series}
            for points in series_by_key.values():
                for period, money in points.items():
                    others[period] = _less(others[period], money)
            series_by_key[OTHERS_KEY] = others
    shown = [dataclasses.replace(group, share=share(group.money.amount, grand_total.amount),
                                 series=_series(q, series_by_key.get(group.key, {})) if with_series else ())
             for group in shown]
    return Breakdown(grand_total, total_series, tuple(shown))


def _less(whole: Money, part: Money) -> Money:
    return Money(whole.amount - part.amount, whole.cash_coupon - part.cash_coupon)


def _group_series(conn, q: ExpenditureQuery, keys: list[str]) -> dict:
    """{group key: {period: Money}} of the groups `keys`."""
    matching = _matching(q, lambda t: [_key_column(q.group_by, t).label("key"),
                                       _period_column(q.granularity, t).label("period")],
                         bases=(q.group_by,), among=keys, by_day=q.granularity is Granularity.DAY)
    rows = _all(conn, sa.select(matching.c.key, matching.c.period, *_money_sums(matching))
                .group_by(matching.c.key, matching.c.period))
    series: dict[str, dict[date, Money]] = {}
    for row in rows:
        series.setdefault(row.key, {})[_as_date(row.period)] = _money(row)
    return series


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# --- detail rows ---------------------------------------------------------------------------

LABEL_COLUMN_KEYS = frozenset({"customer_name", "account_name", "association_type", "account_manager"})


def _record_columns(r) -> dict:
    """A detail row's columns, from the records (or a page of them, `r`) and their labels."""
    return {
        "day": r.c.day, "record_id": r.c.record_id, "customer_name": c.c.customer_name,
        "account_name": c.c.account_name, "association_type": c.c.association_type,
        "account_manager": sa.func.coalesce(m.c.name, UNASSIGNED_LABEL),
        "service_type": r.c.service_type, "billing_mode": r.c.billing_mode,
        "bill_type": r.c.bill_type, "region": r.c.region, "resource_id": r.c.resource_id,
        "amount": r.c.amount, "cash_coupon": r.c.cash_coupon,
        "amount_paid": r.c.amount - r.c.cash_coupon,
    }


def _with_labels(r):
    return (r.join(c, sa.and_(c.c.partner_id == r.c.partner_id, c.c.customer_id == r.c.customer_id))
            .outerjoin(m, sa.and_(m.c.partner_id == r.c.partner_id, m.c.manager_id == r.c.manager_id)))


def _labelled_rows(r, columns: dict) -> sa.Select:
    return sa.select(*(column.label(key) for key, column in columns.items())).select_from(_with_labels(r))


def _detail_select(q: ExpenditureQuery, record_ids: Sequence[str] | None = None):
    columns = _record_columns(e)
    conditions = _conditions(q.scope, q)
    if record_ids is not None:
        # The selection comes from the browser: it can only narrow the query, never widen it.
        conditions.append(e.c.record_id.in_(list(record_ids)))
    return _labelled_rows(e, columns).where(*conditions), columns


def _sort_key(q: ExpenditureQuery, sort: tuple[str, bool] | None) -> tuple[str, bool]:
    if sort is None:
        key = "account_name" if q.sort_by is SortKey.NAME else q.sort_by.value
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
        conditions = _conditions(q.scope, q)
        key, descending = _record_columns(e)[sort[0]], sort[1]
        bound = _page_bound(conn, q, conditions, key, descending, offset + limit)
        if bound is not None:
            bound = sa.cast(sa.literal(bound), key.type)  # DuckDB would compare a Decimal as DOUBLE
            conditions.append(key >= bound if descending else key <= bound)
        page = (sa.select(e).where(*conditions).order_by(*_order_by(_record_columns(e), sort))
                .offset(offset).limit(limit).subquery("page"))
        columns = _record_columns(page)
        select, offset = _labelled_rows(page, columns), 0
    rows = _all(conn, select.order_by(*_order_by(columns, sort)).offset(offset).limit(limit))
    return DetailPage([_detail_row(row) for row in rows], count_rows(conn, q))


def _page_bound(conn: sa.Connection, q: ExpenditureQuery, conditions: list, key, descending: bool,
                rank: int):
    """A value of the sort key that the page's rows reach: the rank-th among the matching
    records of the range's last week (some of the records, so no further than among all of
    them), else among all. Only the records up to it need sorting by key and record id,
    which reads every sorted record's id (DuckDB: 4x the time of the key alone)."""
    week = max(q.start, q.end - timedelta(days=6))
    for some in ((e.c.day >= week,), ()):
        bound = conn.execute(sa.select(key).where(*conditions, *some).order_by(key.desc() if descending else key)
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
                  sort: tuple[str, bool] | None = None, batch_size: int = 5000) -> Iterator[Sequence]:
    """detail_rows as the database gives them: each row's values in DETAIL_COLUMNS order, the
    money as the exact Decimal stored. For exports, where a dict per row costs more than the row."""
    select, columns = _detail_select(q, record_ids)
    # The driver's values as they are: SQLAlchemy's Numeric processing for DuckDB (which it
    # thinks has no native decimals) formats each Decimal through a float, costly and, past 15
    # significant digits, inexact.
    select = select.with_only_columns(*(sa.type_coerce(column, sa.types.NullType()).label(key)
                                        for key, column in columns.items()))
    # Options of this statement: set on the connection, they would stay for its later ones.
    yield from conn.execute(select.order_by(*_order_by(columns, _sort_key(q, sort))),
                            execution_options={"stream_results": True, "yield_per": batch_size})


# Characters no spreadsheet cell holds (those of exports.cells.cell_text); PostgreSQL text holds
# no NUL at all, and its regular expressions refuse one.
_CONTROL = {True: r"[\x00-\x08\x0b\x0c\x0e-\x1f]", False: r"[\x01-\x08\x0b\x0c\x0e-\x1f]"}
_TRAILING_ZEROS = r"(\.[0-9]{2}[0-9]*?)0+$"  # beyond the second decimal


def copy_details_csv(conn: sa.Connection, q: ExpenditureQuery, record_ids: Sequence[str] | None,
                     path, headers: Sequence[str], formula_starts: Sequence[str]) -> int:
    """The detail rows as a UTF-8 csv file at `path`, written by the database itself (DuckDB's
    COPY ... TO, PostgreSQL's COPY ... TO STDOUT): a byte-order mark, `headers`, then the rows
    in detail_rows' order; money as its exact text with at least 2 decimals, days as
    YYYY-MM-DD, text without control characters and with a single quote before a leading
    formula character (one of `formula_starts`). Returns the number of rows."""
    duckdb = is_duckdb(conn.engine)
    select, columns = _detail_select(q, record_ids)
    fields = []
    for column, header in zip(DETAIL_COLUMNS, headers, strict=True):
        value = columns[column.key]
        if column.kind == "money":
            value = sa.func.regexp_replace(sa.cast(value, sa.String), _TRAILING_ZEROS, "\\1")
        elif column.kind == "text":
            clean = sa.func.regexp_replace(value, _CONTROL[duckdb], "", "g")
            value = sa.case((sa.func.left(clean, 1).in_(list(formula_starts)), sa.literal("'") + clean),
                            else_=clean)
        fields.append(value.label(header))
    fields[0] = fields[0].element.label("\ufeff" + headers[0])  # the byte-order mark, as the file's start
    select = select.with_only_columns(*fields).order_by(*_order_by(columns, _sort_key(q, None)))
    compiled = select.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if duckdb:
        target = str(path).replace("'", "''")
        parameters = tuple(compiled.params[name] for name in compiled.positiontup)
        return conn.exec_driver_sql(f"COPY ({compiled}) TO '{target}' (FORMAT csv, HEADER)", parameters).scalar()
    cursor = conn.connection.driver_connection.cursor()
    with open(path, "wb") as file, cursor.copy(f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, HEADER)",
                                               compiled.params) as copy:
        for chunk in copy:
            file.write(chunk)
    return cursor.rowcount


def count_rows(conn: sa.Connection, q: ExpenditureQuery, record_ids: Sequence[str] | None = None) -> int:
    if record_ids is not None:
        select, _ = _detail_select(q, record_ids)
        return conn.execute(sa.select(sa.func.count()).select_from(select.subquery())).scalar_one()
    facts = _facts(q.scope, q)
    count = conn.execute(sa.select(facts.count(q.hide_zero)).select_from(facts.t)
                         .where(*_conditions(q.scope, q, facts))).scalar()
    return int(count or 0)


# --- what the controls offer ----------------------------------------------------------------

def freshness(conn: sa.Connection, scope: Scope) -> date | None:
    """The latest day loaded: the data's freshness shown in the header."""
    facts = _facts(scope)
    return conn.execute(sa.select(sa.func.max(facts.t.c.day)).where(*_conditions(scope, facts=facts))).scalar()


def dimension_values(conn: sa.Connection, scope: Scope, basis: Basis) -> list[tuple[str, str]]:
    """(key, label) pairs a filter on `basis` can take, in label order."""
    basis = Basis(basis)
    facts = _facts(scope, None, basis, by_day=False)
    keys = (sa.select(_key_column(basis, facts.t).label("key")).distinct()
            .select_from(_source(facts, basis)).where(*_conditions(scope, facts=facts)).subquery("keys"))
    rows = _all(conn, _labelled(keys, basis, scope.partner_id))
    return sorted(((row.key, row.label) for row in rows), key=lambda kl: (kl[1].casefold(), kl[0]))


def search_suggestions(conn: sa.Connection, scope: Scope, text: str, limit: int = 10) -> list[str]:
    """Manager names and customer account names containing `text`, for the search box."""
    text = " ".join((text or "").split())
    if not text:
        return []
    pattern = _like_pattern(text)
    names = sa.select(m.c.name.label("name")).where(m.c.partner_id == scope.partner_id,
                                                     m.c.name.ilike(pattern, escape="\\"))
    accounts = sa.select(c.c.account_name.label("name")).where(
        c.c.partner_id == scope.partner_id, c.c.account_name.ilike(pattern, escape="\\"))
    if scope.manager_id is not None:
        names = names.where(m.c.manager_id == scope.manager_id)
        facts = _facts(scope, None, Basis.CUSTOMER_ACCOUNT, by_day=False)
        accounts = accounts.where(c.c.customer_id.in_(
            sa.select(facts.t.c.customer_id).where(*_conditions(scope, facts=facts))))
    union = sa.union(names, accounts).subquery()
    rows = _all(conn, sa.select(union.c.name).order_by(sa.func.lower(union.c.name), union.c.name).limit(limit))
    return [row.name for row in rows]


def partner(conn: sa.Connection, partner_id: str):
    """The partner's row (name, time zone, currency, attribution delay), or None."""
    return conn.execute(sa.select(partners).where(partners.c.partner_id == partner_id)).first()
