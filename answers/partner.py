"""The partner's facts every view needs: its name, currency and time zone, and how far its data
goes (the latest day loaded)."""
from __future__ import annotations

import dataclasses
from datetime import date

from answers.cache import Answers
from data_access import options
from data_access.export_tasks import local_time, utc_now
from data_access.query import Scope
from data_access.schema import partners


@dataclasses.dataclass(frozen=True)
class PartnerFacts:
    name: str
    time_zone: str
    currency: str


def facts_of(row, partner_id: str) -> PartnerFacts:
    """The facts of a partner row; the schema's defaults if it has none yet (a user created
    before any data)."""
    if row is None:
        return PartnerFacts(partner_id, partners.c.time_zone.server_default.arg,
                            partners.c.currency.server_default.arg)
    return PartnerFacts(row.name, row.time_zone, row.currency)


def partner_facts(answers: Answers, scope: Scope) -> PartnerFacts:
    """The signed-in user's partner."""
    return facts_of(answers.partner(scope), scope.partner_id)


def partner_today(facts: PartnerFacts) -> date:
    """Today where the partner is."""
    return local_time(utc_now(), facts.time_zone).date()


def data_up_to(answers: Answers, scope: Scope) -> date | None:
    """The latest day loaded (the data's freshness), or None before any data."""
    return answers.answer(options.freshness, scope)
