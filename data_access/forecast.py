"""Month-end forecast (SPEC.md, "Incomplete periods and the forecast"): for the month of "data
up to", the month-to-date actual plus an estimate of the remaining days, with a range, for the
total and each of the top N groups. docs/FORECAST.md explains the method and its backtest
(bench/forecast_backtest.py).

Each remaining day is expected at the pace of the last 30 days loaded (their mean daily
amount): 30 days hold a resource billed once a month about once, and the month to date alone
is too short to (docs/FORECAST.md has the backtest against the month-to-date run-rate and a
weekday profile). The range is that expectation ± 1.28 standard deviations of a sum of the
remaining days drawn like the last 30 (an 80% range; the backtest's actuals fall within it
about that often). All in Decimal, rounded once to 8 places; "Others" is the total's forecast
less the top groups', so the groups' forecasts add up to the total's.
"""
from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import sqlalchemy as sa

from data_access import breakdowns, options
from data_access.money import Money
from data_access.query import OTHERS_KEY, OTHERS_LABEL, ExpenditureQuery, Granularity, SortKey

PLACES = Decimal("0.00000001")
PACE_DAYS = 30
WEEKS = 4  # of the weekday profile, measured against in the backtest
HISTORY_DAYS = PACE_DAYS + 31  # the month to date and the 30 days before it, at the most
Z = Decimal("1.2816")  # the range holds 80% of a normal distribution
MEASURES = ("amount", "amount_paid")


@dataclasses.dataclass(frozen=True)
class Landing:
    """Where one measure lands at the month's end."""
    actual: Decimal  # month to date
    forecast: Decimal
    low: Decimal
    high: Decimal


@dataclasses.dataclass(frozen=True)
class GroupForecast:
    key: str
    label: str
    amount: Landing
    amount_paid: Landing


@dataclasses.dataclass(frozen=True)
class DayForecast:
    day: date
    amount: Decimal  # the expected Amount of the day, and its range
    low: Decimal
    high: Decimal


@dataclasses.dataclass(frozen=True)
class Forecast:
    month: date  # its first day
    data_up_to: date
    total: GroupForecast
    groups: tuple[GroupForecast, ...]  # the top N by month-to-date Amount, then "Others"
    days: tuple[DayForecast, ...]  # the total's remaining days, for the chart's continuation


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def remaining_days(up_to: date) -> list[date]:
    """The days of up_to's month after it."""
    return [up_to + timedelta(days=n) for n in range(1, (month_end(up_to) - up_to).days + 1)]


def daily(values: dict[date, Decimal], first: date, last: date) -> pd.Series:
    """Exact daily values of first..last (zero on days without), as a Series of Decimal."""
    days = pd.Index([first + timedelta(days=n) for n in range((last - first).days + 1)])
    return pd.Series([values.get(day, Decimal(0)) for day in days], index=days, dtype=object)


def _window(history: pd.Series, up_to: date, days: int) -> pd.Series:
    return history[(history.index > up_to - timedelta(days=days)) & (history.index <= up_to)]


def _mean(window: pd.Series) -> Decimal:
    return sum(window, Decimal(0)) / len(window) if len(window) else Decimal(0)


def run_rate(history: pd.Series, up_to: date) -> Decimal:
    """The remaining days at the month-to-date pace (the naive forecast)."""
    return _mean(_window(history, up_to, up_to.day)) * len(remaining_days(up_to))


def recent_pace(history: pd.Series, up_to: date) -> Decimal:
    """The remaining days at the pace of the last 30 days."""
    return _mean(_window(history, up_to, PACE_DAYS)) * len(remaining_days(up_to))


def weekday_profile(history: pd.Series, up_to: date) -> Decimal:
    """Each remaining day at the mean of its weekday over the last four weeks."""
    weeks = _window(history, up_to, 7 * WEEKS)
    by_weekday = weeks.groupby([day.weekday() for day in weeks.index]).agg(list) if len(weeks) else {}
    means = {weekday: sum(values, Decimal(0)) / len(values) for weekday, values in by_weekday.items()}
    return sum((means.get(day.weekday(), Decimal(0)) for day in remaining_days(up_to)), Decimal(0))


ESTIMATES = {"30-day pace": recent_pace, "weekday profile": weekday_profile, "run-rate": run_rate}
METHOD = "30-day pace"


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _spread(history: pd.Series, up_to: date) -> Decimal:
    """Half the range of the remaining days' sum: Z standard deviations of a sum of R days
    drawn like the last 30, whose mean is itself estimated from 30 days: σ·√(R + R²/30)."""
    window = _window(history, up_to, PACE_DAYS)
    days = len(remaining_days(up_to))
    if len(window) < 2 or not days:
        return Decimal(0)
    mean = _mean(window)
    variance = sum(((value - mean) ** 2 for value in window), Decimal(0)) / (len(window) - 1)
    return Z * (variance * (days + Decimal(days * days) / len(window))).sqrt()


def landing(history: pd.Series, up_to: date) -> Landing:
    """Where the daily values `history` (up to `up_to`, zeros included) land at the month's end.
    The range never goes below the actual when no day of the last 30 was negative."""
    actual = sum(_window(history, up_to, up_to.day), Decimal(0))
    remaining = _rounded(ESTIMATES[METHOD](history, up_to))
    spread = _rounded(_spread(history, up_to))
    low = remaining - spread
    if low < 0 and all(value >= 0 for value in _window(history, up_to, PACE_DAYS)):
        low = Decimal(0)
    return Landing(actual, actual + remaining, actual + low, actual + remaining + spread)


def _remainder(whole: Landing, parts: list[Landing], own: Landing) -> Landing:
    """Others: the total's actual and forecast less the top groups', its own range around it."""
    actual = whole.actual - sum((part.actual for part in parts), Decimal(0))
    forecast = whole.forecast - sum((part.forecast for part in parts), Decimal(0))
    return Landing(actual, forecast, min(own.low, forecast), max(own.high, forecast))


def _histories(sums: dict[date, Money], first: date, up_to: date) -> dict[str, pd.Series]:
    return {measure: daily({day: money.measure(measure) for day, money in sums.items()}, first, up_to)
            for measure in MEASURES}


def month_question(q: ExpenditureQuery, up_to: date) -> ExpenditureQuery:
    """The question month_forecast answers for `q`, whatever its range: the month to date of
    `up_to` with q's scope, search, filters, grouping and top N (one cache key for every range)."""
    return q.replace(start=up_to.replace(day=1), end=up_to, granularity=Granularity.DAY, compare="none",
                     sort_by=SortKey.AMOUNT, descending=True)


def month_forecast(conn: sa.Connection, q: ExpenditureQuery) -> Forecast | None:
    """The forecast of the month of the scope's "data up to", for the query's search, filters,
    grouping and top N (its range and comparison are not used); None without data."""
    up_to = options.freshness(conn, q.scope)
    if up_to is None:
        return None
    first = up_to - timedelta(days=HISTORY_DAYS - 1)
    history = q.replace(start=first, end=up_to, granularity=Granularity.DAY, compare="none")
    month_to_date = month_question(q, up_to)
    total_sums = {point.period: point.money for point in breakdowns.overview(conn, history).series}
    top = [group for group in breakdowns.breakdown(conn, month_to_date, with_series=False).groups
           if group.key != OTHERS_KEY]
    group_sums = breakdowns._group_series(conn, history, [group.key for group in top]) if top else {}

    def forecast_of(key: str, label: str, sums: dict[date, Money]) -> GroupForecast:
        histories = _histories(sums, first, up_to)
        return GroupForecast(key, label, *(landing(histories[measure], up_to) for measure in MEASURES))

    total = forecast_of("", "Total", total_sums)
    groups = [forecast_of(group.key, group.label, group_sums.get(group.key, {})) for group in top]
    others = {day: money for day, money in total_sums.items()}
    for sums in group_sums.values():
        for day, money in sums.items():
            others[day] = breakdowns._less(others[day], money)
    if any(not money.is_zero for money in others.values()):
        own = forecast_of(OTHERS_KEY, OTHERS_LABEL, others)
        groups.append(GroupForecast(OTHERS_KEY, OTHERS_LABEL, *(
            _remainder(getattr(total, measure), [getattr(group, measure) for group in groups],
                       getattr(own, measure)) for measure in MEASURES)))
    return Forecast(up_to.replace(day=1), up_to, total, tuple(groups), _days(total.amount, up_to))


def _days(whole: Landing, up_to: date) -> tuple[DayForecast, ...]:
    """The remaining days at the forecast's pace and its range spread evenly, the last day
    taking what rounding left, so that the days add up to the forecast exactly."""
    days = remaining_days(up_to)

    def spread(value: Decimal) -> list[Decimal]:
        each = _rounded((value - whole.actual) / len(days))
        return [each] * (len(days) - 1) + [value - whole.actual - each * (len(days) - 1)]
    return tuple(DayForecast(*values) for values in zip(days, spread(whole.forecast), spread(whole.low),
                                                        spread(whole.high), strict=True)) if days else ()
