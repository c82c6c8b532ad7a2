"""The dashboard's callbacks, called as plain functions with the real app's runtime and a scope:
every control, the URL, the tabs' answers, the grid's pages, and what a forged or bad input
gets (a message, never a traceback, never another scope's data)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from dash.exceptions import PreventUpdate

from callbacks.breakdown import NO_ROWS, breakdown_view, detail_rows
from callbacks.common import UNUSABLE, UNUSABLE_MESSAGE
from callbacks.overview import overview_view
from callbacks.view import (
    CONTROLS,
    MORE_OPTIONS,
    filter_options,
    filter_titles,
    link_filter_options,
    page_header,
    search_suggestions,
    sync_view,
    tab_view,
)
from dashboard import ids
from dashboard.colors import OTHERS_COLOR
from dashboard.view_state import NAMES, from_search, to_controls
from data_access import breakdowns
from data_access.query import Basis, ExpenditureQuery, QueryError, Scope
from tests.helpers import make_app, seed_small
from tests.helpers.builders import load
from tests.helpers.components import find, texts, tree
from tests.helpers.database import empty

ADMIN_A, ALICE, ADMIN_B = Scope("A"), Scope("A", "A-M1"), Scope("B")
TODAY = date(2025, 2, 10)  # "last month" is January 2025, the small data's month
JANUARY = "?range=custom&from=2025-01-01&to=2025-01-31"
JANUARY_PARAMS = {"start": "2025-01-01", "end": "2025-01-31"}


# The callbacks only read: one dataset per module and engine (seeding hashes passwords: slow).
@pytest.fixture(scope="module")
def data(database):
    return seed_small(empty(database))


@pytest.fixture(scope="module")
def runtime(database, data, tmp_path_factory):
    return make_app(database, tmp_path_factory.mktemp("app")).extensions["runtime"]


def params(search: str, scope: Scope = ADMIN_A) -> dict:
    """The store's value for a link, as the view callback would set it."""
    view, problems = from_search(scope, TODAY, search)
    assert problems == []
    return view.shown_query().to_params()


def controls(search: str = "") -> dict:
    return to_controls(from_search(ADMIN_A, TODAY, search)[0])




# --- the view: URL <-> controls -> query store ------------------------------------------------

def test_every_view_setting_has_its_control():
    assert tuple(CONTROLS) == NAMES
    assert len({component_id for component_id, _prop in CONTROLS.values()}) == len(NAMES)


def test_a_link_sets_every_control_and_the_query(runtime):
    link = JANUARY + "&tab=trend&group_by=account_manager&top_n=2&sort_by=name&order=asc"
    search, changes, shown, message = sync_view(runtime, ADMIN_A, None, link, controls(), None, TODAY)
    assert search is None and message is None  # the URL is not rewritten: back stays back
    assert changes == {"tab": "trend", "range": "custom", "from": "2025-01-01", "to": "2025-01-31",
                       "group_by": "account_manager", "top_n": 2, "sort_by": "name", "order": "asc"}
    assert ExpenditureQuery.from_params(ADMIN_A, shown) == from_search(ADMIN_A, TODAY, link)[0].query


def test_a_bad_link_is_explained_and_shows_the_rest(runtime):
    _search, changes, shown, message = sync_view(
        runtime, ADMIN_A, None, JANUARY + "&top_n=lots&tab=nope", controls(), None, TODAY)
    assert message == ("Some settings in this link could not be used and were reset: "
                       "tab: unknown value 'nope'; top N must be a whole number, not 'lots'.")
    assert shown["start"] == "2025-01-01" and "tab" not in changes


def test_choosing_a_preset_sets_the_days_and_the_url(runtime):
    current = {**controls(JANUARY), "range": "last_7_days"}
    search, changes, shown, message = sync_view(runtime, ADMIN_A, "range", JANUARY, current, None, TODAY)
    assert search == "?range=last_7_days" and message is None
    assert changes == {"from": "2025-02-04", "to": "2025-02-10"}
    assert (shown["start"], shown["end"]) == ("2025-02-04", "2025-02-10")


def test_typing_a_day_makes_the_range_custom(runtime):
    current = {**controls("?range=last_month"), "from": "2025-01-05"}
    search, changes, shown, _ = sync_view(runtime, ADMIN_A, "from", "?range=last_month", current, None, TODAY)
    assert changes == {"range": "custom"}
    assert search == "?range=custom&from=2025-01-05&to=2025-01-31"
    assert shown["start"] == "2025-01-05"


@pytest.mark.parametrize("name, value, message", [
    ("to", "2024-12-01", "from (2025-01-01) is after to (2024-12-01)"),
    ("top_n", 99, "top N must be between 1 and 50, not 99"),
    ("top_n", None, "top N must be a whole number from 1 to 50"),  # what a number box sends for 0
    ("search", "x" * 101, "search is longer than 100 characters"),
    ("group_by", {"partner_id": "B"}, "group by: unknown value"),
])
def test_an_unusable_control_value_gets_a_message_and_no_stale_figures(runtime, name, value, message):
    link = JANUARY + "&tab=trend"
    current = {**controls(link), name: value}
    search, changes, shown, said = sync_view(runtime, ADMIN_A, name, link, current, params(link), TODAY)
    assert said.startswith(message)
    assert (search, changes, shown) == (None, {}, UNUSABLE)  # the URL and the controls are kept
    # The tabs draw nothing while the controls cannot be used, rather than the last view's figures.
    figure, style, groups, _forecast, grid, tab_message = breakdown_view(runtime, ADMIN_A, "trend", shown, "amount")
    assert (figure, style, groups, _forecast) == ({}, {"display": "none"}, None, None)
    assert tab_message == UNUSABLE_MESSAGE and texts(grid).endswith(UNUSABLE_MESSAGE)  # no rows, in words
    cards, _figure, style, _ = overview_view(runtime, ADMIN_A, shown)
    assert style == {"display": "none"} and "CNY" not in texts(cards)
    # Still unusable: nothing is sent again.
    assert sync_view(runtime, ADMIN_A, name, link, current, shown, TODAY)[2] is None


def test_choosing_name_sorts_a_to_z_and_an_amount_largest_first(runtime):
    link = JANUARY + "&tab=trend"
    current = {**controls(link), "sort_by": "name"}
    search, changes, shown, _ = sync_view(runtime, ADMIN_A, "sort_by", link, current, params(link), TODAY)
    assert changes == {"order": "asc"} and shown["descending"] is False
    assert "order=asc" in search
    back = {**current, "order": "asc", "sort_by": "amount_paid"}
    _, changes, shown, _ = sync_view(runtime, ADMIN_A, "sort_by", search, back, shown, TODAY)
    assert changes == {"order": "desc"} and shown["descending"] is True


def test_a_link_sends_the_filter_options_with_the_chosen_values(runtime):
    """A dropdown drops any value its options lack: a link's filter values must come with
    options that hold them, or the link loses them."""
    link = JANUARY + "&tab=trend&include.account_manager=A-M2&exclude.customer_account=A-C3"
    changes = sync_view(runtime, ADMIN_A, None, link, controls(), None, TODAY)[1]
    options = link_filter_options(runtime, ADMIN_A, None, changes, controls())
    assert set(options) == {f"{kind}.{basis.value}" for kind in ("include", "exclude") for basis in Basis}
    assert {"label": "Bob Baker", "value": "A-M2"} in options["include.account_manager"]
    assert {"label": "alpha-labs", "value": "A-C3"} in options["exclude.customer_account"]
    assert link_filter_options(runtime, ADMIN_A, "search", changes, controls()) == {}


def test_the_control_being_edited_is_never_rewritten(runtime):
    current = {**controls(), "search": "  alice   able "}
    search, changes, shown, _ = sync_view(runtime, ADMIN_A, "search", "", current, None, TODAY)
    assert "search" not in changes  # normalising it would move the caret while typing
    assert search == "?search=alice+able" and shown["search"] == "alice able"


def test_every_control_reaches_the_url_and_the_query(runtime):
    link = JANUARY + "&tab=trend"
    changed = {"group_by": "customer_account", "granularity": "month", "sort_by": "cash_coupon",
               "order": "asc", "measure": "amount_paid", "hide_zero": False, "top_n": 3,
               "include.service_type": ["Elastic Cloud Server"], "exclude.account_manager": [""]}
    current = controls(link)
    for name, value in changed.items():
        current[name] = value
        search, _changes, shown, message = sync_view(runtime, ADMIN_A, name, link, current, None, TODAY)
        assert message is None and search is not None
        view = from_search(ADMIN_A, TODAY, search)[0]
        assert to_controls(view)[name] == value, name
        assert view.shown_query().to_params() == shown
        link = search
    assert {part.split("=")[0] for part in link.lstrip("?").split("&")} == {
        *changed, "tab", "range", "from", "to"}


def test_switching_between_overview_and_trend_changes_what_is_asked(runtime):
    link = JANUARY + "&group_by=billing_mode&exclude.service_type=Elastic+Cloud+Server"
    current = {**controls(link), "tab": "trend"}
    search, _changes, shown, _ = sync_view(runtime, ADMIN_A, "tab", link, current, params(link), TODAY)
    assert "tab=trend" in search
    assert shown["exclude"] == {"service_type": ["Elastic Cloud Server"]}
    assert params(link)["exclude"] == {}  # the overview does not answer the side panel's filters


def test_nothing_is_sent_again_when_nothing_changed(runtime):
    link = "?tab=trend&range=custom&from=2025-01-01&to=2025-01-31"  # as the app writes it
    search, changes, shown, _ = sync_view(runtime, ADMIN_A, "tab", link, controls(link), params(link), TODAY)
    assert (search, changes, shown) == (None, {}, None)


def test_today_is_the_partners_today_by_default(runtime):
    _search, _changes, shown, _ = sync_view(runtime, ADMIN_A, None, "?range=this_year", controls(), None)
    assert shown["start"].endswith("-01-01")


# --- the page around the view ------------------------------------------------------------------

def test_the_header_names_the_partner_freshness_time_zone_and_user(runtime, data):
    header = page_header(runtime, ADMIN_A, "admin@a", "token-1")
    text = texts(header)
    for part in ("Alpha Partners", f"Data up to {data.start + timedelta(days=27)}",  # A-R5's day
                 "UTC+08:00", "admin@a", "Sign out"):
        assert part in text
    form = header[-1]
    assert (form.action, form.method) == ("/logout", "POST")
    assert form.children[0].value == "token-1"


def test_an_account_manager_is_named_in_the_header(runtime):
    assert "Alice Able \u00b7 alice@a" in texts(page_header(runtime, ALICE, "alice@a", "token-1"))
    assert "Alice Able" not in texts(page_header(runtime, ADMIN_A, "admin@a", "token-1"))


def labels(options: list[dict]) -> list[str]:
    return [option["label"] for option in options]


def test_filters_offer_the_partners_values_in_label_order(runtime):
    assert filter_options(runtime, ADMIN_A, Basis.ACCOUNT_MANAGER, None, []) == [
        {"label": "Alice Able", "value": "A-M1"}, {"label": "Bob Baker", "value": "A-M2"},
        {"label": "Unassigned", "value": ""}]
    assert labels(filter_options(runtime, ADMIN_A, Basis.CUSTOMER_ACCOUNT, "", [])) == [
        "alpha-games", "alpha-labs", "alpha-retail"]


def test_typing_in_a_filter_narrows_its_options_and_keeps_the_chosen_ones(runtime):
    assert labels(filter_options(runtime, ADMIN_A, Basis.CUSTOMER_ACCOUNT, " LABS ", [])) == ["alpha-labs"]
    games = filter_options(runtime, ADMIN_A, Basis.CUSTOMER_ACCOUNT, "games", [])[0]["value"]
    kept = filter_options(runtime, ADMIN_A, Basis.CUSTOMER_ACCOUNT, "labs", [games])
    assert labels(kept) == ["alpha-games", "alpha-labs"]  # the chosen first, then the matches


def test_a_long_list_of_filter_values_is_cut_and_says_how_many_more(runtime, monkeypatch):
    monkeypatch.setattr("callbacks.view.MAX_FILTER_OPTIONS", 2)
    options = filter_options(runtime, ADMIN_A, Basis.CUSTOMER_ACCOUNT, "", [])
    assert labels(options) == ["alpha-games", "alpha-labs", "1 more: type to narrow"]
    assert options[-1] == {"label": "1 more: type to narrow", "value": MORE_OPTIONS, "disabled": True}


def test_an_account_manager_sees_only_their_own_options(runtime):
    assert filter_options(runtime, ALICE, Basis.ACCOUNT_MANAGER, "", []) == [
        {"label": "Alice Able", "value": "A-M1"}]
    assert "alpha-labs" not in labels(filter_options(runtime, ALICE, Basis.CUSTOMER_ACCOUNT, "", []))


def test_a_chosen_value_the_user_may_not_see_gets_no_label_from_the_data(runtime):
    """A value from a link (another manager's customer) is shown as its key, never its name."""
    admin_keys = [option["value"] for option in filter_options(runtime, ADMIN_A, Basis.CUSTOMER_ACCOUNT, "labs", [])]
    options = filter_options(runtime, ALICE, Basis.CUSTOMER_ACCOUNT, "labs", admin_keys)
    assert options == [{"label": admin_keys[0], "value": admin_keys[0]}]


def test_a_partner_without_data_yet(runtime, database):
    load(database, "C", name="Charlie Partners")
    assert "No data loaded yet" in texts(page_header(runtime, Scope("C"), "admin@c", "t"))
    assert all(filter_options(runtime, Scope("C"), basis, "", []) == [] for basis in Basis)


def test_search_suggestions_come_from_the_users_own_data(runtime, data):
    def suggested(scope, text):
        return [option.value for option in search_suggestions(runtime, scope, text)]

    assert suggested(ADMIN_A, "al") == ["Alice Able", "alpha-games", "alpha-labs", "alpha-retail"]
    assert suggested(ADMIN_A, "ba") == ["Bob Baker"]
    assert suggested(ADMIN_A, "bravo") == []
    assert suggested(ALICE, "bob") == []
    for nothing in ("", "   ", None, ["al"], "a" * 101):
        assert suggested(ADMIN_A, nothing) == []


def test_filter_titles_count_the_chosen_values():
    titles = filter_titles({("include", "account_manager"): ["", "A-M1"],
                            ("exclude", "account_manager"): ["A-M2"], ("exclude", "service_type"): None})
    assert texts(titles["account_manager"]) == "Account manager 2 only 1 excluded"
    assert texts(titles["service_type"]) == "Service type"
    assert texts(titles["billing_mode"]) == "Billing mode"


@pytest.mark.parametrize("tab, content_id, hidden", [
    (ids.TAB_OVERVIEW, ids.OVERVIEW_GRAPH, {ids.GROUPING, ids.CHART_TYPE_BOX, ids.SIDE_PANEL,
                                            ids.SIDE_PANEL_TOGGLE}),
    (ids.TAB_TREND, ids.BREAKDOWN_GRAPH, set()),
    (ids.TAB_DISTRIBUTION, ids.BREAKDOWN_GRAPH, {ids.GRANULARITY_BOX, ids.CHART_TYPE_BOX}),
    (ids.TAB_EXPORTS, ids.EXPORT_HISTORY, {ids.TOOLBAR, ids.GROUPING, ids.GRANULARITY_BOX, ids.CHART_TYPE_BOX,
                                           ids.SIDE_PANEL, ids.SIDE_PANEL_TOGGLE}),
])
def test_each_tab_shows_its_content_and_the_controls_it_uses(tab, content_id, hidden):
    content, classes = tab_view(tab)
    assert find(content, content_id) is not None
    assert {component for component, names in classes.items() if "d-none" in names.split()} == hidden


def test_the_trend_and_distribution_tabs_carry_the_export_menu():
    for tab in (ids.TAB_TREND, ids.TAB_DISTRIBUTION):
        content, _ = tab_view(tab)
        assert find(content, ids.export_selected(tab)) is not None
        assert find(content, ids.view_export(tab)) is not None
    assert find(tab_view(ids.TAB_OVERVIEW)[0], ids.OVERVIEW_EXPORT) is not None


@pytest.mark.parametrize("tab", [None, "admin", ["overview"], {"tab": "trend"}])
def test_an_unknown_tab_changes_nothing(tab):
    with pytest.raises(PreventUpdate):
        tab_view(tab)


# --- overview --------------------------------------------------------------------------------

def card_values(cards) -> dict[str, str]:
    return {measure: texts(find(cards, ids.overview_total(measure) + "-value"))
            for measure in ("amount", "amount_paid", "cash_coupon")}


def test_overview_cards_and_trend(runtime):
    cards, figure, style, message = overview_view(runtime, ADMIN_A, params(JANUARY))
    assert card_values(cards) == {"amount": "CNY 12,677.82", "amount_paid": "CNY 12,657.82",
                                  "cash_coupon": "CNY 20.00"}
    assert message is None and style == {}
    # the data goes up to 2025-01-28: the forecast continues from it to the month's end
    assert [line["name"] for line in figure["data"]] == ["Amount", "Amount paid", "Forecast low",
                                                         "Forecast range", "Forecast"]
    # The series stop there rather than fall to zero, and the chart says so.
    assert figure["data"][0]["x"][-1] == "2025-01-28" and len(figure["data"][0]["x"]) == 28
    assert figure["layout"]["xaxis"]["range"] == ["2025-01-01", "2025-02-01"]
    assert "data up to 2025-01-28" in [note["text"] for note in figure["layout"]["annotations"]]
    assert figure["data"][-1]["x"] == ["2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"]
    assert texts(find(cards, ids.OVERVIEW_FORECAST)).strip().startswith("Forecast for January 2025")
    assert "CNY 12,677.82 to 28 Jan" in texts(find(cards, ids.OVERVIEW_FORECAST))


def test_overview_compared_with_the_period_before(runtime, database):
    cards, figure, _style, message = overview_view(runtime, ADMIN_A, params(
        "?range=custom&from=2025-01-15&to=2025-01-28&compare=previous"))
    with database.connect() as conn:
        now, before = (breakdowns.overview(conn, ExpenditureQuery(ADMIN_A, start, end)).total.amount
                       for start, end in (("2025-01-15", "2025-01-28"), ("2025-01-01", "2025-01-14")))
    change = now - before
    percent = (change / before * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "+" if change > 0 else ""
    assert message is None
    assert texts(find(cards, ids.overview_total("amount"))).endswith(
        f"CNY {sign}{change:,.2f} ({sign}{percent}%)  vs CNY {before:,.2f}")
    compared = next(line for line in figure["data"] if line["name"] == "Amount 2025-01-01 to 2025-01-14")
    assert compared["x"][0] == "2025-01-15" and compared["customdata"][0].startswith("2025-01-01: CNY ")
    assert compared["line"]["dash"] == "dot" and len(compared["x"]) == 14


def test_a_zero_comparison_period_shows_no_percentage(runtime):
    cards, *_ = overview_view(runtime, ADMIN_A, params(JANUARY + "&compare=year"))
    assert texts(find(cards, ids.overview_total("amount"))).endswith("CNY +12,677.82  vs CNY 0.00")


def test_overview_answers_the_search(runtime, database):
    cards, *_ = overview_view(runtime, ADMIN_A, params(JANUARY + "&search=alpha-labs"))
    assert card_values(cards)["amount"] == "CNY 3,303.03"
    with database.connect() as conn:
        expected = breakdowns.overview(conn, ExpenditureQuery(ADMIN_A, date(2025, 1, 1), date(2025, 1, 31),
                                                         search="Bob")).total
    cards, *_ = overview_view(runtime, ADMIN_A, params(JANUARY + "&search=Bob"))
    assert card_values(cards)["amount"] == f"CNY {expected.amount:,.2f}" == "CNY 7,771.17"


def test_an_account_manager_overview_is_their_own_spend(runtime):
    cards, *_ = overview_view(runtime, ALICE, params(JANUARY, ALICE))
    assert card_values(cards)["amount"] == "CNY 1,603.62"


@pytest.mark.parametrize("link, reason", [
    ("?range=custom&from=2024-01-01&to=2024-01-31",
     "No expenditures from 2024-01-01 to 2024-01-31."),
    ("?range=custom&from=2026-01-01&to=2026-01-31",
     "No expenditures from 2026-01-01 to 2026-01-31. The data goes up to 2025-01-28: "
     "choose an earlier range."),
    (JANUARY + "&search=nobody",
     # The Overview has no "hide zero expenditures" switch: it is never blamed there.
     "Every record from 2025-01-01 to 2025-01-31 is excluded by the search \u201cnobody\u201d."),
])
def test_an_empty_overview_says_why(runtime, link, reason):
    cards, _figure, style, message = overview_view(runtime, ADMIN_A, params(link))
    assert message == reason and style == {"display": "none"}
    assert card_values(cards)["amount"] == "CNY 0.00"


@pytest.mark.parametrize("forged, message", [
    ({"start": "2025-02-01", "end": "2025-01-01"}, "from (2025-02-01) is after to"),
    ({**JANUARY_PARAMS, "partner_id": "B"}, "unknown query parameter(s): partner_id"),
    ({**JANUARY_PARAMS, "scope": {"partner_id": "B"}}, "unknown query parameter(s): scope"),
    ("?partner_id=B", "the query is not readable"),
    ([1, 2], "the query is not readable"),
])
def test_a_forged_query_gets_a_message(runtime, forged, message):
    cards, _figure, _style, said = overview_view(runtime, ADMIN_A, forged)
    assert said.startswith(message)
    assert card_values(cards)["amount"] == "\u2014"


def test_nothing_is_drawn_before_the_view_is_known(runtime):
    with pytest.raises(PreventUpdate):
        overview_view(runtime, ADMIN_A, None)


# --- trend and distribution -------------------------------------------------------------------

def test_trend_by_account_manager(runtime):
    link = JANUARY + "&tab=trend&group_by=account_manager"
    figure, style, groups, _forecast, grid, message = breakdown_view(runtime, ADMIN_A, "trend", params(link),
                                                                     "amount")
    assert message is None and style == {}
    # Stacked columns by default, the groups in the table's order, then their total.
    assert [bars["name"] for bars in figure["data"]] == ["Bob Baker", "Unassigned", "Alice Able", "Total"]
    assert {bars["type"] for bars in figure["data"][:-1]} == {"bar"} and figure["layout"]["barmode"] == "relative"
    total_line = next(trace for trace in figure["data"] if trace["name"] == "Total")
    assert [None, "CNY 7,771.17"] in total_line["customdata"]
    rows = texts(groups)
    for part in ("Bob Baker CNY 7,771.17", "Unassigned CNY 3,303.03", "Alice Able CNY 1,603.62",
                 "Total CNY 12,677.82 CNY 20.00 CNY 12,657.82 100.00%"):
        assert part in rows
    table = find(grid, ids.detail_grid("trend"))
    assert table.rowModelType == "infinite"
    assert table.dashGridOptions["context"] == params(link)
    assert table.dashGridOptions["rowSelection"]["checkboxes"] is True


def test_a_breakdown_compared_with_the_period_before(runtime, database):
    link = "?range=custom&from=2025-01-15&to=2025-01-28&tab=trend&group_by=account_manager&compare=previous"
    with database.connect() as conn:
        before = breakdowns.breakdown(conn, ExpenditureQuery(ADMIN_A, "2025-01-01", "2025-01-14",
                                                        group_by="account_manager"))
        now = breakdowns.breakdown(conn, ExpenditureQuery(ADMIN_A, "2025-01-15", "2025-01-28",
                                                     group_by="account_manager"))
    figure, _style, groups, forecast_box, _grid, message = breakdown_view(runtime, ADMIN_A, "trend", params(link),
                                                                          "amount")
    assert message is None
    table = tree(groups).children[0]  # a note on rounding may follow it
    assert [texts(cell).strip() for cell in table.children[0].children.children][-3:] == [
        "Previous", "Change", "Change %"]
    # Bob Baker spent before the 15th only: matched by key, he shows with nothing now
    bob_now = next((g.money.amount for g in now.groups if g.label == "Bob Baker"), Decimal(0))
    bob_before = next((g.money.amount for g in before.groups if g.label == "Bob Baker"), Decimal(0))
    bob = next(row for row in table.children[1].children if "Bob Baker" in texts(row.children[0]))
    assert texts(bob.children[-3]) == f"{bob_before:,.2f}"
    assert texts(bob.children[-2]) == f"{'+' if bob_now > bob_before else ''}{bob_now - bob_before:,.2f}"
    total = table.children[2].children
    assert texts(total.children[-3]) == f"{before.total.amount:,.2f}"
    compared = figure["data"][-1]
    assert compared["name"] == "Total amount 2025-01-01 to 2025-01-14" and compared["x"][0] == "2025-01-15"
    assert "Forecast for January 2025" in texts(forecast_box) and "Bob Baker" in texts(forecast_box)
    donut, *_ = breakdown_view(runtime, ADMIN_A, "distribution", params(link.replace("trend", "distribution")),
                               "amount")
    assert all(hover.split("<br>")[-1].startswith("Change: CNY ") for hover in donut["data"][0]["hovertext"])


def test_the_chart_draws_the_chosen_amount_and_a_bad_choice_falls_back(runtime):
    link = JANUARY + "&tab=trend&group_by=account_manager"
    paid, *_ = breakdown_view(runtime, ADMIN_A, "trend", params(link), "amount_paid")
    alice = next(line for line in paid["data"] if line["name"] == "Alice Able")
    assert "CNY 1,183.41" in (text for _, text in alice["customdata"])  # 1203.41 less the 20.00 coupon, on its day
    fallback, *_ = breakdown_view(runtime, ADMIN_A, "trend", params(link), {"x": 1})
    alice = next(line for line in fallback["data"] if line["name"] == "Alice Able")
    assert "CNY 1,203.41" in (text for _, text in alice["customdata"])


def test_top_n_puts_the_rest_in_others_with_the_same_colour_on_both_tabs(runtime):
    link = JANUARY + "&group_by=customer_account&top_n=1"
    trend, *_ = breakdown_view(runtime, ADMIN_A, "trend", params(link + "&tab=trend"), "amount")
    donut, *_ = breakdown_view(runtime, ADMIN_A, "distribution", params(link + "&tab=distribution"), "amount")
    assert [bars["name"] for bars in trend["data"]] == ["alpha-games", "Others", "Total"]
    pie = donut["data"][0]
    assert pie["labels"] == ["alpha-games", "Others"]
    assert pie["marker"]["colors"] == [bars["marker"]["color"] for bars in trend["data"][:2]]
    assert pie["marker"]["colors"][1] == OTHERS_COLOR


def test_the_trend_draws_the_chosen_chart_type_and_a_bad_choice_falls_back(runtime):
    link = params(JANUARY + "&tab=trend&group_by=account_manager")
    lines, *_ = breakdown_view(runtime, ADMIN_A, "trend", link, "amount", "lines")
    assert {line["type"] for line in lines["data"]} == {"scatter"} and "stackgroup" not in lines["data"][0]
    area, *_ = breakdown_view(runtime, ADMIN_A, "trend", link, "amount", "area")
    assert {trace.get("stackgroup") for trace in area["data"][:-1]} == {"groups"}
    forged, *_ = breakdown_view(runtime, ADMIN_A, "trend", link, "amount", {"x": 1})
    assert forged["data"][0]["type"] == "bar"


def test_include_and_exclude_filters(runtime):
    link = JANUARY + "&tab=distribution&group_by=account_manager"
    only = params(link + "&include.account_manager=&include.account_manager=A-M2")
    donut, *_ = breakdown_view(runtime, ADMIN_A, "distribution", only, "amount")
    assert sorted(donut["data"][0]["labels"]) == ["Bob Baker", "Unassigned"]
    without = params(link + "&exclude.service_type=Elastic+Cloud+Server")
    donut, *_ = breakdown_view(runtime, ADMIN_A, "distribution", without, "amount")
    assert donut["data"][0]["labels"] == ["Bob Baker"]


def test_an_empty_breakdown_says_why_and_shows_no_table(runtime):
    link = JANUARY + "&tab=trend" + "".join(f"&exclude.account_manager={key}" for key in ("", "A-M1", "A-M2"))
    figure, style, groups, _forecast, grid, message = breakdown_view(runtime, ADMIN_A, "trend", params(link),
                                                                     "amount")
    assert message == ("Every record from 2025-01-01 to 2025-01-31 is excluded by the filters in "
                       "Advanced Settings and hiding zero expenditures.")
    assert (style, groups, _forecast) == ({"display": "none"}, None, None)
    assert " ".join(texts(grid).split()) == "No records to list. " + message  # in words, not a blank box


def test_a_breakdown_only_for_its_tabs(runtime):
    for tab in (ids.TAB_OVERVIEW, "nope", None):
        with pytest.raises(PreventUpdate):
            breakdown_view(runtime, ADMIN_A, tab, params(JANUARY), "amount")


# --- the detail grid's pages -------------------------------------------------------------------

def request(link=JANUARY + "&tab=trend", scope=ADMIN_A, **changes):
    return {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {},
            "context": params(link, scope), **changes}


def test_rows_come_a_page_at_a_time_in_the_querys_order(runtime):
    first = detail_rows(runtime, ADMIN_A, request(endRow=2))
    assert first["rowCount"] == 5
    assert [row["record_id"] for row in first["rowData"]] == ["A-R2", "A-R4"]  # by amount, descending
    rest = detail_rows(runtime, ADMIN_A, request(startRow=2, endRow=20))
    assert [row["record_id"] for row in rest["rowData"]] == ["A-R1", "A-R3", "A-R5"]
    refund = rest["rowData"][-1]
    assert (refund["day"], refund["amount"], refund["amount_paid"], refund["account_manager"]) == (
        "2025-01-28", "-50.05", "-50.05", "Alice Able")


def test_rows_sorted_by_a_column_header(runtime):
    page = detail_rows(runtime, ADMIN_A, request(sortModel=[{"colId": "day", "sort": "asc"}]))
    assert [row["record_id"] for row in page["rowData"]] == ["A-R1", "A-R2", "A-R3", "A-R4", "A-R5"]
    page = detail_rows(runtime, ADMIN_A, request(sortModel=[{"colId": "amount", "sort": "asc"}]))
    assert page["rowData"][0]["record_id"] == "A-R5"


def test_rows_follow_the_sorting_dimension_and_the_filters(runtime):
    link = JANUARY + "&tab=trend&sort_by=amount&order=asc&exclude.service_type=Object+Storage+Service"
    page = detail_rows(runtime, ADMIN_A, request(link))
    assert [row["record_id"] for row in page["rowData"]] == ["A-R5", "A-R3", "A-R1", "A-R4"]


def test_an_account_manager_gets_only_their_rows_whatever_the_grid_asks(runtime):
    page = detail_rows(runtime, ALICE, request(scope=ADMIN_A))  # an admin's context, replayed
    assert sorted(row["record_id"] for row in page["rowData"]) == ["A-R1", "A-R3", "A-R5"]
    assert detail_rows(runtime, ADMIN_B, request())["rowCount"] == 2  # B's own, never A's


@pytest.mark.parametrize("changes, message", [
    ({"startRow": -1}, "the table asked for rows -1 to 20"), ({"startRow": 5, "endRow": 5}, "rows 5 to 5"),
    ({"endRow": 100000}, "at most 500 rows at once"), ({"startRow": "0"}, "rows '0' to 20"),
    ({"endRow": True}, "rows 0 to True"), ({"startRow": 2 ** 40, "endRow": 2 ** 40 + 1}, "from 0 to 2147483647"),
    ({"sortModel": [{"colId": "password_hash", "sort": "asc"}]}, "cannot sort by that column"),
    ({"sortModel": [{"colId": "day", "sort": "sideways"}]}, "cannot sort by that column"),
    ({"sortModel": "day"}, "cannot sort by that column"), ({"context": "?partner_id=B"}, "not readable"),
    ({"context": {"start": "2025-01-01", "end": "2025-01-31", "partner_id": "B"}},
     "unknown query parameter(s): partner_id"),
    ({"context": {"start": "9999-12-31", "end": "9999-12-31"}}, "from: 9999-12-31 is not between"),
])
def test_a_bad_row_request_is_told_what_is_wrong(runtime, changes, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        detail_rows(runtime, ADMIN_A, request(**changes))


def test_a_request_that_is_not_a_request(runtime):
    with pytest.raises(QueryError, match="not readable"):
        detail_rows(runtime, ADMIN_A, ["startRow", 0])
    assert detail_rows(runtime, ADMIN_A, request(context=None)) == NO_ROWS  # no query yet
