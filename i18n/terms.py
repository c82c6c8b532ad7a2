"""The English words data_access gives (enumeration labels, basis and column names, statuses,
Unassigned and Others) in the current language, and a query described in words. data_access
stays English, for the command line and the stored data; these are translated where shown."""
from __future__ import annotations

from collections.abc import Sequence

from data_access.details import COLUMN_LABELS
from data_access.periods import comparison_range
from data_access.query import UNASSIGNED_LABEL, ExpenditureQuery, Granularity
from i18n import ENGLISH, N_, _, current_language, day, ngettext, pgettext

# Every label data_access may hand to the screen or a file, marked for the catalog
# (tests/test_i18n.py checks that none is missing).
TERMS = frozenset({
    # grouping bases
    N_("Service type"), N_("Billing mode"), N_("Association type"), N_("Account manager"),
    N_("Customer account"),
    # enumerations
    N_("Referral"), N_("Reseller"),
    N_("Yearly/Monthly"), N_("Pay-per-use"), N_("Reserved instance"), N_("Savings plan"),
    N_("Expenditure"), N_("Refund"), N_("Adjustment"),
    N_("Unassigned"), N_("Others"),
    # detail columns
    N_("Day"), N_("Record ID"), N_("Customer"), N_("Account name"), N_("Bill type"), N_("Region"),
    N_("Resource ID"), N_("Amount"), N_("Cash coupons used"), N_("Amount paid"),
    # export statuses
    N_("Pending"), N_("Processing"), N_("Completed"), N_("Failed"), N_("Expired"),
    # movers' statuses
    N_("New"), N_("Lost"), N_("Growing"), N_("Shrinking"), N_("Steady"),
    # why an export failed, stored as plain English texts (the others are Messages)
    N_("interrupted: the worker stopped"),
    N_("the worker building it stopped twice (killed, or out of memory); please retry"),
})


def term(text: str) -> str:
    """A label of data_access in the current language; any other text (a name from the data)
    as it is."""
    return _(text) if text in TERMS else text


def column_term(key: str, value):
    """A detail column's value as shown: its label of data_access (details.COLUMN_LABELS) in
    the current language, any other value (a name from the data) as it is."""
    return term(value) if value in COLUMN_LABELS.get(key, ()) else value


def column_words() -> dict[str, str] | None:
    """{label: text} of the labels the detail columns hold, in the current language, for an
    export's rows (details.detail_values, copy_details_csv); None in English: as stored."""
    if current_language() == ENGLISH:
        return None
    return {label: term(label) for labels in COLUMN_LABELS.values() for label in labels}


def granularity_label(granularity: Granularity) -> str:
    """'Day' or 'Month', as the granularity control says it."""
    if Granularity(granularity) is Granularity.DAY:
        return pgettext("granularity", "Day")
    return pgettext("granularity", "Month")


def lower(text: str) -> str:
    """A label used inside a sentence: English lowers its first letter, Chinese has no case."""
    translated = term(text)
    return translated[:1].lower() + translated[1:] if translated == text else translated


def selection(record_ids: Sequence[str] | None, view: bool = False) -> str:
    """Which records an export holds, in words (data_access.export_tasks.selection's)."""
    if view:
        return _("The view: the groups and the series by period, as shown")
    if record_ids is None:
        return _("All records matching the query")
    return ngettext("%(count)s selected record", "%(count)s selected records", len(record_ids))


def describe(query: ExpenditureQuery) -> str:
    """The query in words, for the Export History and the files' parameter block."""
    parts = [_("%(start)s to %(end)s", start=day(query.start), end=day(query.end))]
    if query.search:
        parts.append(_("search \u201c%(text)s\u201d", text=query.search))
    for word, filters in ((N_("only %(basis)s: %(values)s"), query.include),
                          (N_("excluding %(basis)s: %(values)s"), query.exclude)):
        for basis, keys in filters:
            values = ", ".join(term(key) for key in keys) or term(UNASSIGNED_LABEL)
            parts.append(_(word, basis=lower(basis.label), values=values))
    if not query.hide_zero:
        parts.append(_("zero expenditures shown"))
    if (period := comparison_range(query.start, query.end, query.compare)) is not None:
        parts.append(_("compared with %(start)s to %(end)s", start=day(period[0]), end=day(period[1])))
    return _("; ").join(parts)
