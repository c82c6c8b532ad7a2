"""Every bad input is a clear message: arbitrary JSON driven through the query object, the
grid's row request and links (hypothesis) gives a valid answer or a QueryError, nothing else,
and no message repeats more than a short excerpt of what it was sent."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from callbacks.breakdown import detail_rows
from dashboard.view_state import NAMES, from_search
from data_access.query import Basis, ExpenditureQuery, QueryError, Scope
from tests.helpers import make_app, seed_small
from tests.helpers.database import empty

SCOPES = (Scope("A"), Scope("A", "A-M1"), Scope("B"))
MAX_MESSAGE = 200  # long enough for any message of ours, far shorter than the long inputs below

long_texts = st.integers(1_000, 100_000).map(lambda n: "\u00e9" * n)
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-2 ** 70, 2 ** 70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30) | long_texts)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
days = (st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat)
        | st.sampled_from(["2025-01-01", "2025-01-31", "1999-12-31", "2100-01-01", "2025-02-30", "20250101"]))
filters = st.dictionaries(st.sampled_from([*Basis, "partner_id"]) | st.text(max_size=8),
                          st.lists(st.text(max_size=10) | long_texts | json_values, max_size=3)
                          | json_values, max_size=3)
# Mostly well-formed keys with values of any shape, so the checks past the first are reached.
query_params = st.fixed_dictionaries({}, optional={
    "start": days | json_values, "end": days | json_values, "search": st.text(max_size=40) | json_values,
    "group_by": st.sampled_from(list(Basis)) | json_values,
    "granularity": st.sampled_from(["day", "month"]) | json_values,
    "top_n": st.integers(-5, 60) | st.text(max_size=12) | json_values,
    "sort_by": st.sampled_from(["amount", "amount_paid", "cash_coupon", "name"]) | json_values,
    "descending": st.booleans() | json_values, "hide_zero": st.booleans() | json_values,
    "include": filters | json_values, "exclude": filters | json_values,
    "partner_id": st.just("B"), "scope": json_values,
}) | json_values


def assert_short(error: QueryError) -> None:
    assert len(str(error)) <= MAX_MESSAGE, str(error)[:300]


@settings(max_examples=400, deadline=None)
@given(scope=st.sampled_from(SCOPES), params=query_params)
def test_any_json_is_a_query_or_a_query_error(scope, params):
    try:
        query = ExpenditureQuery.from_params(scope, params)
    except QueryError as error:
        assert_short(error)
        return
    assert query.scope == scope
    assert ExpenditureQuery.from_params(scope, query.to_params()) == query  # and it is a whole one


@settings(max_examples=300, deadline=None)
@given(search=st.text(max_size=200) | st.lists(st.sampled_from(sorted(NAMES)) | st.text(max_size=8), max_size=6)
       .flatmap(lambda names: st.tuples(*(st.text(max_size=30) | days | long_texts for _ in names))
                .map(lambda values: "?" + "&".join(f"{n}={v}" for n, v in zip(names, values, strict=True)))))
def test_any_link_is_a_view_with_its_problems_said_shortly(search):
    view, problems = from_search(Scope("A"), date(2025, 2, 10), search)
    assert view.shown_query().scope == Scope("A")
    assert all(len(str(problem)) <= MAX_MESSAGE for problem in problems), problems


@pytest.fixture(scope="module")
def runtime(database, tmp_path_factory):
    seed_small(empty(database))
    return make_app(database, tmp_path_factory.mktemp("app")).extensions["runtime"]


JANUARY = {"start": "2025-01-01", "end": "2025-01-31"}  # where the small data is
contexts = (st.just(JANUARY) | query_params.map(lambda p: {**JANUARY, **p} if isinstance(p, dict) else p)
            | query_params)
row_requests = st.fixed_dictionaries({
    "startRow": st.integers(0, 4) | st.integers(-10, 30) | st.integers(0, 2 ** 64) | json_values,
    "endRow": st.integers(5, 40) | st.integers(-10, 600) | st.integers(0, 2 ** 64) | json_values,
    "context": contexts,
}, optional={
    "sortModel": st.lists(st.fixed_dictionaries({
        "colId": st.sampled_from(["day", "amount", "password_hash"]) | json_values,
        "sort": st.sampled_from(["asc", "desc"]) | json_values}), max_size=2) | json_values,
    "filterModel": json_values,
}) | json_values


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scope=st.sampled_from(SCOPES), request=row_requests)
def test_any_row_request_is_rows_or_a_query_error(runtime, scope, request):
    try:
        answer = detail_rows(runtime, scope, request)
    except QueryError as error:
        assert_short(error)
        return
    assert set(answer) == {"rowData", "rowCount"}
    assert isinstance(answer["rowCount"], int) and len(answer["rowData"]) <= 500
    event("rows" if answer["rowData"] else "no rows")  # both happen: hypothesis --hypothesis-show-statistics
    assert all(row["record_id"].startswith(scope.partner_id + "-") for row in answer["rowData"])
