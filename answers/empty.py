"""Why a view shows nothing, in words: no data at all, none in the range, or the search and
filters exclude everything in it."""
from __future__ import annotations

from datetime import date

from answers.cache import Answers
from answers.partner import data_up_to
from data_access import details
from data_access.query import ExpenditureQuery
from i18n import _, day


def narrowing(query: ExpenditureQuery, hide_zero_shown: bool = True) -> list[str]:
    """What, besides the time range, the query leaves out; hiding zero expenditures only
    where the user has that switch (not on the Overview)."""
    parts = []
    if query.search:
        parts.append(_("the search \u201c%(text)s\u201d", text=query.search))
    if query.include or query.exclude:
        parts.append(_("the filters in Advanced Settings"))
    if query.hide_zero and hide_zero_shown:
        parts.append(_("hiding zero expenditures"))
    return parts


def empty_reason(query: ExpenditureQuery, latest_day: date | None, range_has_records: bool,
                 hide_zero_shown: bool = True) -> str:
    """The message for a query that matches no record. `latest_day` is the data's freshness;
    `range_has_records` says whether the time range alone holds any record."""
    if latest_day is None:
        return _("No expenditure data has been loaded yet.")
    start, end = day(query.start), day(query.end)
    if not range_has_records:
        if latest_day < query.start:
            return _("No expenditures from %(start)s to %(end)s. The data goes up to %(latest)s: choose an "
                     "earlier range.", start=start, end=end, latest=day(latest_day))
        return _("No expenditures from %(start)s to %(end)s.", start=start, end=end)
    parts = narrowing(query, hide_zero_shown)
    if not parts:  # only zero expenditures, which the Overview leaves out of its figures
        return _("Every record from %(start)s to %(end)s has a zero amount.", start=start, end=end)
    causes = _(" and ").join(filter(None, [_(", ").join(parts[:-1]), parts[-1]]))
    return _("Every record from %(start)s to %(end)s is excluded by %(causes)s.", start=start, end=end,
             causes=causes)


def empty_message(answers: Answers, query: ExpenditureQuery, hide_zero_shown: bool = True) -> str:
    """Why `query` matches no record; `hide_zero_shown`: whether the tab has that switch."""
    in_range = ExpenditureQuery(query.scope, query.start, query.end, hide_zero=False)
    return empty_reason(query, data_up_to(answers, query.scope), answers.answer(details.count_rows, in_range) > 0,
                        hide_zero_shown)
