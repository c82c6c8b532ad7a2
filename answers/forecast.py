"""The month-end forecast of a query (data_access.forecast), through the cache: one answer per
month to date and question, whatever the range shown."""
from __future__ import annotations

from answers.cache import Answers
from answers.partner import data_up_to
from data_access import forecast
from data_access.query import ExpenditureQuery


def month_forecast(answers: Answers, query: ExpenditureQuery) -> forecast.Forecast | None:
    """The forecast of the month of data up to, for the query's scope, search, filters and
    grouping; None before any data."""
    up_to = data_up_to(answers, query.scope)
    return None if up_to is None else answers.answer(forecast.month_forecast, forecast.month_question(query, up_to))
