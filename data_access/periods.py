"""Calendar arithmetic of the comparison period (SPEC.md, "Comparison period").

`previous` is the period before the range: whole months back when the range starts on a
month's first day (so March compares with February, and 1–5 December with 1–5 November), else
as many days back as the range is long. `year` is the same days one year earlier.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum


class Compare(StrEnum):
    NONE = "none"
    PREVIOUS = "previous"
    YEAR = "year"


def last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_last_day_of_month(day: date) -> bool:
    return day == last_day_of_month(day)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; a day past the end of the target month becomes its last
    day, and the last day of a month stays the last day of its month."""
    index = day.year * 12 + day.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    last = last_day_of_month(first)
    if is_last_day_of_month(day):
        return last
    return first.replace(day=min(day.day, last.day))


def months_spanned(start: date, end: date) -> int:
    """Calendar months from `start`'s month to `end`'s, both counted."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def comparison_range(start: date, end: date, compare: Compare) -> tuple[date, date] | None:
    """The comparison period of `start..end` (both included), or None for Compare.NONE."""
    compare = Compare(compare)
    if compare is Compare.NONE:
        return None
    if compare is Compare.YEAR:
        return add_months(start, -12), add_months(end, -12)
    if start.day == 1:
        months = months_spanned(start, end)
        return add_months(start, -months), add_months(end, -months)
    length = timedelta(days=(end - start).days + 1)
    return start - length, end - length
