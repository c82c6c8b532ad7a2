"""The view in the URL: every setting round-trips, links stay short, and a bad link is reported
and falls back value by value, never an error page."""
from datetime import date

import pytest

from answers.empty import empty_reason
from dashboard import ids
from dashboard.view_state import DEFAULTS, NAMES, from_controls, from_search, to_controls, to_search
from data_access.periods import Compare
from data_access.query import Basis, ExpenditureQuery, Granularity, QueryError, Scope, SortKey

SCOPE = Scope("P1")
TODAY = date(2025, 3, 15)


def view_of(search):
    view, problems = from_search(SCOPE, TODAY, search)
    assert problems == []
    return view


def test_no_query_string_is_the_default_view():
    view = view_of("")
    assert (view.tab, view.preset, view.measure) == (ids.TAB_OVERVIEW, "last_30_days", "amount")
    assert (view.query.start, view.query.end) == (date(2025, 2, 14), TODAY)
    assert view.query == ExpenditureQuery(SCOPE, date(2025, 2, 14), TODAY)
    assert to_search(view) == ""


def test_every_setting_round_trips_through_the_url():
    search = ("?tab=distribution&range=custom&from=2025-01-01&to=2025-02-28&search=Li+Na"
              "&group_by=account_manager&granularity=month&sort_by=name&order=asc"
              "&measure=amount_paid&hide_zero=false&top_n=3&compare=year"
              "&include.account_manager=&include.account_manager=M1&exclude.service_type=Elastic+IP")
    view = view_of(search)
    q = view.query
    assert (view.tab, view.preset, view.measure) == (ids.TAB_DISTRIBUTION, "custom", "amount_paid")
    assert (q.start, q.end, q.search) == (date(2025, 1, 1), date(2025, 2, 28), "Li Na")
    assert (q.group_by, q.granularity, q.sort_by, q.descending, q.hide_zero, q.top_n) == (
        Basis.ACCOUNT_MANAGER, Granularity.MONTH, SortKey.NAME, False, False, 3)
    assert q.include == ((Basis.ACCOUNT_MANAGER, ("", "M1")),)  # "" is Unassigned
    assert q.exclude == ((Basis.SERVICE_TYPE, ("Elastic IP",)),)
    assert q.compare is Compare.YEAR
    assert view_of(to_search(view)) == view


def test_a_preset_stays_relative_and_custom_days_stay_fixed():
    assert to_search(view_of("?range=last_month")) == "?range=last_month"
    later = from_search(SCOPE, date(2025, 7, 2), "?range=last_month")[0]
    assert (later.query.start, later.query.end) == (date(2025, 6, 1), date(2025, 6, 30))
    assert "from=2025-01-01" in to_search(view_of("?range=custom&from=2025-01-01&to=2025-01-31"))


def test_controls_and_url_use_the_same_names():
    view = view_of("?tab=trend&top_n=4")
    controls = to_controls(view)
    assert tuple(controls) == NAMES
    assert from_controls(SCOPE, TODAY, controls) == view


@pytest.mark.parametrize("search, problem", [
    ("?tab=admin", "tab: unknown value 'admin'"),
    ("?range=yesterday", "time range: unknown value 'yesterday'"),
    ("?range=custom&from=2025-02-01&to=2025-01-01", "from (2025-02-01) is after to (2025-01-01)"),
    ("?range=custom&from=2025-01-01", "custom range: choose the first and the last day"),
    ("?range=custom&from=1/2/2025&to=2025-01-05", "from: '1/2/2025' is not a day (YYYY-MM-DD)"),
    ("?group_by=colour", "group by: unknown value 'colour'"),
    ("?top_n=many", "top N must be a whole number, not 'many'"),
    ("?top_n=0", "top N must be between 1 and 50, not 0"),
    ("?hide_zero=maybe", "hide zero must be true or false"),
    ("?order=up", "order: unknown value 'up'"),
    ("?measure=profit", "chart amount: unknown value 'profit'"),
    ("?compare=later", "compare: unknown value 'later'"),
    ("?partner_id=B", "unknown setting 'partner_id'"),
    ("?include.colour=red", "unknown setting 'include.colour'"),
    ("?search=" + "x" * 101, "search is longer than 100 characters"),
])
def test_a_bad_value_in_a_link_is_reported_and_replaced_by_its_default(search, problem):
    view, problems = from_search(SCOPE, TODAY, search + "&granularity=month")
    assert len(problems) == 1 and str(problems[0]).startswith(problem)
    assert view.query.granularity is Granularity.MONTH  # the good values are kept
    assert view.query.scope == SCOPE


def test_several_bad_values_are_all_reported():
    view, problems = from_search(SCOPE, TODAY, "?tab=x&top_n=x&search=ok")
    assert len(problems) == 2 and view.query.search == "ok" and view.tab == ids.TAB_OVERVIEW


@pytest.mark.parametrize("search", [None, ["?tab=trend"], "?" + "&".join(["a=1"] * 3000), "%%%&&=="])
def test_unreadable_query_strings_give_the_default_view(search):
    view, _problems = from_search(SCOPE, TODAY, search)
    assert view.query == from_controls(SCOPE, TODAY, {}).query


@pytest.mark.parametrize("values, message", [
    ({"range": "custom", "from": "2025-03-01", "to": "2025-02-01"}, "is after"),
    ({"range": "custom", "from": None, "to": "2025-02-01"}, "choose the first and the last day"),
    ({"top_n": None}, "top N must be a whole number"),
    ({"top_n": 2.5}, "top N must be a whole number"),
    ({"search": ["x"]}, "search must be a text"),
    ({"include.service_type": "Elastic IP"}, "values must be a list of texts"),
    ({"hide_zero": {"x": 1}}, "hide zero must be true or false"),
])
def test_controls_with_unusable_values_raise_a_message(values, message):
    with pytest.raises(QueryError, match=message):
        from_controls(SCOPE, TODAY, values)


def test_cleared_filter_dropdowns_mean_no_filter():
    assert from_controls(SCOPE, TODAY, {"include.account_manager": None}).query.include == ()


def test_the_overview_answers_the_range_and_search_only():
    view = view_of("?range=custom&from=2025-01-01&to=2025-01-31&search=li&granularity=month"
                   "&group_by=billing_mode&top_n=2&exclude.service_type=Elastic+IP&hide_zero=false")
    assert view.shown_query() == ExpenditureQuery(SCOPE, date(2025, 1, 1), date(2025, 1, 31),
                                                  search="li", granularity=Granularity.MONTH)
    compared = view_of(to_search(view) + "&compare=previous")  # every tab compares
    assert compared.shown_query() == view.shown_query().replace(compare=Compare.PREVIOUS)
    trend = view_of(to_search(view) + "&tab=trend")
    assert trend.shown_query() == trend.query


def test_defaults_are_the_querys_defaults():
    default = ExpenditureQuery(SCOPE, TODAY, TODAY)
    assert DEFAULTS["top_n"] == default.top_n and DEFAULTS["hide_zero"] == default.hide_zero
    assert DEFAULTS["group_by"] == default.group_by.value


# --- why a view is empty -----------------------------------------------------------------

JAN = dict(start=date(2025, 1, 1), end=date(2025, 1, 31))


def test_empty_without_any_data():
    assert empty_reason(ExpenditureQuery(SCOPE, **JAN), None, False) == (
        "No expenditure data has been loaded yet.")


def test_empty_range_says_how_far_the_data_goes():
    query = ExpenditureQuery(SCOPE, **JAN)
    assert empty_reason(query, date(2024, 12, 20), False) == (
        "No expenditures from 2025-01-01 to 2025-01-31. The data goes up to 2024-12-20: "
        "choose an earlier range.")
    assert empty_reason(query, date(2025, 3, 1), False) == "No expenditures from 2025-01-01 to 2025-01-31."


def test_empty_by_search_and_filters_names_them():
    searched = ExpenditureQuery(SCOPE, search="zz", hide_zero=False, **JAN)
    assert empty_reason(searched, date(2025, 3, 1), True) == (
        "Every record from 2025-01-01 to 2025-01-31 is excluded by the search \u201czz\u201d.")
    filtered = ExpenditureQuery(SCOPE, search="zz", exclude={"service_type": ["ECS"]}, **JAN)
    assert empty_reason(filtered, date(2025, 3, 1), True).endswith(
        "excluded by the search \u201czz\u201d, the filters in Advanced Settings "
        "and hiding zero expenditures.")
