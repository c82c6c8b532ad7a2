"""The answer layer between the callers (callbacks, command line, exports) and data_access.

    answers = Answers(engine, cache)                  # one per app (runtime.Runtime.start)
    answers.answer(breakdowns.overview, query)        # through the cache, keyed by scope
    partner_facts(answers, scope)                      # name, currency, time zone, data up to
    empty_message(answers, query)                      # why a query shows nothing, in words
    month_forecast(answers, query)                     # the month-end forecast, cached across ranges

It owns the cache of answers (answers.cache), the partner's facts (answers.partner) and the
reasons for an empty answer (answers.empty). What it caches are answers and plain figure dicts,
never Dash components.
"""
from answers.cache import Answers
from answers.empty import empty_message, empty_reason
from answers.forecast import month_forecast
from answers.partner import PartnerFacts, partner_facts, partner_today

__all__ = ["Answers", "PartnerFacts", "empty_message", "empty_reason", "month_forecast", "partner_facts",
           "partner_today"]
