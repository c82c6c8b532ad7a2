"""The query object: what is a valid question, and how it round-trips through plain values."""
from datetime import date

import pytest

from data_access.query import Basis, ExpenditureQuery, QueryError, Scope, SortKey

SCOPE = Scope("P1")


def query(**changes):
    return ExpenditureQuery(SCOPE, **{"start": "2025-01-01", "end": "2025-03-31", **changes})


@pytest.mark.parametrize("changes, message", [
    ({"start": "2025-04-01"}, "from (2025-04-01) is after to (2025-03-31)"),
    ({"start": "2025-02-30"}, "from: '2025-02-30' is not a day (YYYY-MM-DD)"),
    ({"end": "yesterday"}, "to: 'yesterday' is not a day (YYYY-MM-DD)"),
    ({"start": "2021-01-01", "end": "2024-01-02"}, "the time range is longer than 3 years"),
    ({"group_by": "region"}, "group by: unknown value 'region'"),
    ({"granularity": "week"}, "granularity: unknown value 'week'"),
    ({"sort_by": "profit"}, "sort by: unknown value 'profit'"),
    ({"top_n": 0}, "top N must be between 1 and 50, not 0"),
    ({"top_n": 51}, "top N must be between 1 and 50, not 51"),
    ({"top_n": 2.5}, "top N must be a whole number"),
    ({"top_n": True}, "top N must be a whole number"),
    ({"search": "x" * 101}, "search is longer than 100 characters"),
    ({"search": ["a"]}, "search must be a text"),
    ({"include": {"colour": ["red"]}}, "include dimension: unknown value 'colour'"),
    ({"exclude": {"service_type": "Elastic IP"}}, "exclude service_type: values must be a list of texts"),
    ({"exclude": {"service_type": [1]}}, "exclude service_type: values must be a list of texts"),
    ({"hide_zero": "yes"}, "hide zero must be true or false"),
])
def test_a_bad_query_says_what_is_wrong(changes, message):
    with pytest.raises(QueryError) as error:
        query(**changes)
    assert message in str(error.value)


def test_exactly_three_years_is_allowed():
    assert query(start="2021-01-01", end="2024-01-01").end == date(2024, 1, 1)


def test_a_scope_needs_a_partner():
    with pytest.raises(QueryError, match="partner is required"):
        Scope("")


def test_equal_questions_are_equal_queries_whatever_their_spelling():
    spelled = query(search="  Li   Na ", group_by="account_manager",
                    include={"service_type": ["Elastic IP", "Elastic IP", "Virtual Private Cloud"]})
    canonical = query(search="Li Na", group_by=Basis.ACCOUNT_MANAGER,
                      include={Basis.SERVICE_TYPE: ["Virtual Private Cloud", "Elastic IP"]})
    assert spelled == canonical and hash(spelled) == hash(canonical)


def test_queries_of_different_scopes_differ():
    assert query() != ExpenditureQuery(Scope("P1", "m1"), "2025-01-01", "2025-03-31")


def test_params_round_trip():
    original = query(search="acme", group_by="customer_account", granularity="month", top_n=5,
                     sort_by="name", descending=False, include={"billing_mode": ["Pay-per-use"]},
                     exclude={"account_manager": [""]}, hide_zero=False)
    assert ExpenditureQuery.from_params(SCOPE, original.to_params()) == original


def test_params_from_text_values_as_in_a_url():
    parsed = ExpenditureQuery.from_params(SCOPE, {"start": "2025-01-01", "end": "2025-01-31",
                                                  "top_n": "7", "descending": "false", "hide_zero": "0"})
    assert (parsed.top_n, parsed.descending, parsed.hide_zero) == (7, False, False)


@pytest.mark.parametrize("params, message", [
    ({"start": "2025-01-01", "end": "2025-01-31", "partner_id": "P2"}, "unknown query parameter(s): partner_id"),
    ({"start": "2025-01-01", "end": "2025-01-31", "scope": "P2"}, "unknown query parameter(s): scope"),
    ({"start": "2025-01-01"}, "from and to are required"),
    ({"start": "2025-01-01", "end": "2025-01-31", "top_n": "ten"}, "top N must be a whole number"),
])
def test_params_cannot_name_a_scope_or_be_incomplete(params, message):
    with pytest.raises(QueryError) as error:
        ExpenditureQuery.from_params(SCOPE, params)
    assert message in str(error.value)


def test_describe_says_the_query_in_words():
    text = query(search="acme", group_by="billing_mode", granularity="month",
                 exclude={"service_type": ["Elastic IP"]}).describe()
    assert text == "2025-01-01 to 2025-03-31; search \u201cacme\u201d; excluding service type: Elastic IP"


def test_sort_key_values_are_the_command_line_names():
    assert [key.value for key in SortKey] == ["amount", "amount_paid", "cash_coupon", "name", "change",
                                             "change_percent"]
