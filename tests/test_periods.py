"""The comparison period, exactly as SPEC.md defines it (every example of the spec, and the
calendar's edges: month ends, 29 February, ranges cut mid-month)."""
from datetime import date

import pytest

from data_access.periods import Compare, add_months, comparison_range
from data_access.query import ExpenditureQuery, QueryError, Scope


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize("start, end, compare, expected", [
    # previous, from a month's first day: whole months back
    ("2025-03-01", "2025-03-31", "previous", ("2025-02-01", "2025-02-28")),
    ("2026-12-01", "2026-12-05", "previous", ("2026-11-01", "2026-11-05")),
    ("2025-01-01", "2025-03-31", "previous", ("2024-10-01", "2024-12-31")),
    ("2026-01-01", "2026-12-05", "previous", ("2025-01-01", "2025-12-05")),
    ("2025-03-01", "2025-03-30", "previous", ("2025-02-01", "2025-02-28")),  # clamped
    ("2024-03-01", "2024-03-31", "previous", ("2024-02-01", "2024-02-29")),  # leap February
    ("2025-02-01", "2025-02-28", "previous", ("2025-01-01", "2025-01-31")),  # last day stays last
    ("2025-01-01", "2025-01-15", "previous", ("2024-12-01", "2024-12-15")),
    # previous, otherwise: as many days back as the range is long
    ("2025-02-14", "2025-02-16", "previous", ("2025-02-11", "2025-02-13")),
    ("2025-03-31", "2025-03-31", "previous", ("2025-03-30", "2025-03-30")),
    ("2025-03-02", "2025-04-01", "previous", ("2025-01-30", "2025-03-01")),
    # year: the same days one year back
    ("2025-02-28", "2025-02-28", "year", ("2024-02-29", "2024-02-29")),
    ("2024-02-29", "2024-03-31", "year", ("2023-02-28", "2023-03-31")),
    ("2025-06-10", "2025-07-20", "year", ("2024-06-10", "2024-07-20")),
    ("2025-04-30", "2025-04-30", "year", ("2024-04-30", "2024-04-30")),
])
def test_the_comparison_period_is_the_specs(start, end, compare, expected):
    assert comparison_range(d(start), d(end), Compare(compare)) == (d(expected[0]), d(expected[1]))


def test_no_comparison_has_no_period():
    assert comparison_range(d("2025-01-01"), d("2025-01-31"), Compare.NONE) is None


def test_months_keep_the_day_and_the_month_end():
    assert add_months(d("2025-01-31"), 1) == d("2025-02-28")
    assert add_months(d("2025-01-30"), 1) == d("2025-02-28")
    assert add_months(d("2024-02-29"), 12) == d("2025-02-28")
    assert add_months(d("2025-02-28"), -12) == d("2024-02-29")
    assert add_months(d("2025-12-15"), 1) == d("2026-01-15")


def test_the_query_carries_its_comparison_with_everything_else_the_same():
    query = ExpenditureQuery(Scope("P1"), "2025-03-01", "2025-03-31", search="li", compare="previous",
                             include={"billing_mode": ["Pay-per-use"]}, hide_zero=False)
    previous = query.comparison()
    assert (previous.start, previous.end) == (d("2025-02-01"), d("2025-02-28"))
    assert previous.replace(start=query.start, end=query.end, compare=Compare.PREVIOUS) == query
    assert ExpenditureQuery.from_params(query.scope, query.to_params()) == query
    assert "compared with 2025-02-01 to 2025-02-28" in query.describe()
    assert query.replace(compare="none").comparison() is None


def test_an_unknown_comparison_says_what_is_wrong():
    with pytest.raises(QueryError, match="compare: unknown value 'decade'"):
        ExpenditureQuery(Scope("P1"), "2025-03-01", "2025-03-31", compare="decade")
