"""Drill-down: the next basis of each grouping, "Others" as the following page of groups, the
way back to any step, the steps in the URL; and the callbacks, with the small two-partner data
(a forged or stale key drills nowhere)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlencode

import pytest
from dash.exceptions import PreventUpdate

from callbacks.drilldown import crumbs, drill_search, overview_links
from callbacks.movers import movers_drawn, movers_view, scorecard_view
from callbacks.view import sync_view
from dashboard import ids
from dashboard import movers as movers_panel
from dashboard.drilldown import NEXT_BASIS, Step, back, drill
from dashboard.movers import status_of_tab
from dashboard.view_state import from_search, to_controls, to_search
from data_access import breakdowns
from data_access.movers import Status
from data_access.query import OTHERS_KEY, UNASSIGNED_KEY, Basis, ExpenditureQuery, QueryError, Scope
from i18n import speaking
from tests.helpers import make_app, seed_small
from tests.helpers.database import empty

ADMIN_A, ALICE = Scope("A"), Scope("A", "A-M1")
TODAY = date(2025, 2, 10)
JANUARY = "?range=custom&from=2025-01-01&to=2025-01-31"
QUERY = ExpenditureQuery(ADMIN_A, "2025-01-01", "2025-01-31", group_by="account_manager")


def test_the_path_of_spec():
    assert NEXT_BASIS == {
        Basis.ACCOUNT_MANAGER: Basis.CUSTOMER_ACCOUNT, Basis.CUSTOMER_ACCOUNT: Basis.SERVICE_TYPE,
        Basis.SERVICE_TYPE: Basis.CUSTOMER_ACCOUNT, Basis.BILLING_MODE: Basis.SERVICE_TYPE,
        Basis.ASSOCIATION_TYPE: Basis.ACCOUNT_MANAGER}


def test_drilling_narrows_to_the_group_and_goes_on_along_the_path():
    manager, first = drill(QUERY, "m1", ["m1", "m2"])
    assert manager.include == ((Basis.ACCOUNT_MANAGER, ("m1",)),)
    assert manager.group_by is Basis.CUSTOMER_ACCOUNT
    customer, second = drill(manager, "c7", [])
    assert customer.include == ((Basis.ACCOUNT_MANAGER, ("m1",)), (Basis.CUSTOMER_ACCOUNT, ("c7",)))
    assert customer.group_by is Basis.SERVICE_TYPE
    service, third = drill(customer, "Elastic IP", [])
    assert service.group_by is Basis.BILLING_MODE  # not back to the one customer
    assert drill(QUERY.replace(group_by="service_type"), "Elastic IP", [])[0].group_by is Basis.CUSTOMER_ACCOUNT
    assert drill(QUERY.replace(group_by="billing_mode"), "Pay-per-use", [])[0].group_by is Basis.SERVICE_TYPE
    assert drill(QUERY.replace(group_by="association_type"), "Referral", [])[0].group_by is Basis.ACCOUNT_MANAGER
    # Back to any step: the filters and grouping of that moment.
    steps = (first, second, third)
    assert back(service, steps, 2) == (customer, (first, second))
    assert back(service, steps, 1) == (manager, (first,))
    assert back(service, steps, 0) == (QUERY, ())


def test_unassigned_is_a_group_like_any_other():
    unassigned, _ = drill(QUERY, UNASSIGNED_KEY, [])
    assert unassigned.include == ((Basis.ACCOUNT_MANAGER, (UNASSIGNED_KEY,)),)


def test_others_shows_the_following_page_of_groups_and_back_restores_the_filters():
    before = QUERY.replace(exclude={"account_manager": ["m9"]}, include={"account_manager": ["m1", "m2", "m3"]})
    others, step = drill(before, OTHERS_KEY, ["m1", "m2"])
    assert others.group_by is Basis.ACCOUNT_MANAGER  # the same grouping, its next groups
    assert others.exclude == ((Basis.ACCOUNT_MANAGER, ("m1", "m2", "m9")),)
    assert step.is_others
    one, step_two = drill(others, "m3", [])
    assert one.include == ((Basis.ACCOUNT_MANAGER, ("m3",)),)
    assert back(one, (step, step_two), 0)[0] == before  # the include of three, again


def test_steps_travel_in_the_url_and_bad_ones_are_refused():
    step = Step(Basis.ACCOUNT_MANAGER, "include", ("m&1",), ("a", "b"))
    assert Step.from_text(step.to_text()) == step
    for text in ("nonsense", '["account_manager","include",[],[]]', '["colour","include",["x"],[]]',
                 '["account_manager","merge",["x"],[]]', '["account_manager","include",[1],[]]'):
        with pytest.raises(QueryError):
            Step.from_text(text)
    view, problems = from_search(ADMIN_A, TODAY, JANUARY + "&tab=trend&" + urlencode({"drill": step.to_text()}))
    assert problems == [] and view.drill == (step,)
    assert from_search(ADMIN_A, TODAY, to_search(view))[0] == view
    view, problems = from_search(ADMIN_A, TODAY, JANUARY + "&drill=oops")
    assert view.drill == () and list(map(str, problems)) == ["drill: 'oops' is not a drill-down step"]


# --- the callbacks -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runtime(database, tmp_path_factory):
    seed_small(empty(database))
    return make_app(database, tmp_path_factory.mktemp("app")).extensions["runtime"]


def shown(runtime, scope, search):
    view, problems = from_search(scope, TODAY, search)
    assert problems == []
    return view, runtime.answers.answer(breakdowns.breakdown, view.query, False)


def test_from_the_team_to_a_manager_to_a_customer_to_a_service_and_back(runtime):
    link = JANUARY + "&tab=distribution&group_by=account_manager"
    to_manager = drill_search(runtime, ADMIN_A, link, "A-M1", TODAY)
    view, answer = shown(runtime, ADMIN_A, to_manager)
    assert view.tab == "distribution" and view.query.group_by is Basis.CUSTOMER_ACCOUNT
    # Alice's spend: alpha-retail all month, alpha-games from the 16th.
    assert [(g.label, g.money.amount) for g in answer.groups] == [
        ("alpha-retail", Decimal("1153.36")), ("alpha-games", Decimal("450.26"))]
    to_customer = drill_search(runtime, ADMIN_A, to_manager, "A-C2", TODAY)
    view, answer = shown(runtime, ADMIN_A, to_customer)
    assert view.query.group_by is Basis.SERVICE_TYPE
    assert [(g.label, g.money.amount) for g in answer.groups] == [("Elastic Cloud Server", Decimal("450.26"))]
    assert crumbs(runtime, ADMIN_A, to_customer, TODAY) == [
        ("All account managers", to_search(from_search(ADMIN_A, TODAY, link)[0])),
        ("Alice Able", to_manager),
        ("alpha-games \u2014 by service type", None),
    ]


def test_others_drills_into_the_groups_it_holds(runtime):
    link = JANUARY + "&tab=trend&group_by=customer_account&top_n=1"
    _, answer = shown(runtime, ADMIN_A, link)
    assert [g.label for g in answer.groups] == ["alpha-games", "Others"]
    view, answer = shown(runtime, ADMIN_A, drill_search(runtime, ADMIN_A, link, OTHERS_KEY, TODAY))
    assert view.query.group_by is Basis.CUSTOMER_ACCOUNT
    assert [g.label for g in answer.groups] == ["alpha-labs", "Others"]  # the second page
    assert crumbs(runtime, ADMIN_A, to_search(view), TODAY)[-1] == (
        "Others (customer account) \u2014 by customer account", None)


def test_a_key_not_on_screen_drills_nowhere(runtime):
    link = JANUARY + "&tab=trend&group_by=account_manager"
    for key in ("B-M1", "A-C1", None, ["A-M1"]):  # another partner's, another grouping's, junk
        with pytest.raises(PreventUpdate):
            drill_search(runtime, ADMIN_A, link, key, TODAY)
    with pytest.raises(PreventUpdate):  # Bob's spend is not Alice's to see
        drill_search(runtime, ALICE, link, "A-M2", TODAY)
    with pytest.raises(PreventUpdate):  # the overview has no groups
        drill_search(runtime, ADMIN_A, JANUARY + "&group_by=account_manager", "A-M1", TODAY)


def test_a_control_changed_after_drilling_keeps_the_path(runtime):
    drilled = drill_search(runtime, ADMIN_A, JANUARY + "&tab=trend&group_by=account_manager", "A-M1", TODAY)
    values = to_controls(from_search(ADMIN_A, TODAY, drilled)[0])
    search, *_ = sync_view(runtime, ADMIN_A, "top_n", drilled, {**values, "top_n": 3}, None, TODAY)
    assert parse_qs(search.lstrip("?"))["drill"] == parse_qs(drilled.lstrip("?"))["drill"]


# --- the movers panel ----------------------------------------------------------------------------

def test_the_movers_panel_lists_customers_linked_to_their_trend(runtime):
    link = "?range=custom&from=2025-01-11&to=2025-01-20"  # against 01-01..01-10
    params = from_search(ADMIN_A, TODAY, link)[0].shown_query().to_params()
    panel = movers_view(runtime, ADMIN_A, params, link, TODAY)
    tabs = {tab.tab_id: tab for tab in panel[1].children}
    assert [tab.label for tab in tabs.values()] == ["Growing 0", "Shrinking 1", "New 0", "Lost 1", "Steady 0"]
    assert panel[1].active_tab == "movers-shrinking"  # the first status with customers
    assert panel[2].id == ids.MOVERS_LIST  # drawn with the panel: the active tab's list only
    shrinking = panel[2].children[0].children[1].children
    assert [row.children[0].children.children for row in shrinking] == ["alpha-games"]
    assert all(tab.children is None for tab in tabs.values())
    lost = movers_view(runtime, ADMIN_A, params, link, TODAY, status=Status.LOST)[0]  # the Lost tab chosen
    row = lost.children[1].children[0]
    target = from_search(ADMIN_A, TODAY, row.children[0].children.href)[0]
    assert target.tab == "trend" and target.query.group_by is Basis.SERVICE_TYPE
    assert target.query.include == ((Basis.CUSTOMER_ACCOUNT, ("A-C1",)),)
    assert (target.query.start, target.query.end) == (date(2025, 1, 11), date(2025, 1, 20))
    # Alice sees only her own: alpha-games is new to her (hers from the 16th: Bob's 7771.17 of
    # the 10th does not count), alpha-retail lost.
    alice = movers_view(runtime, ALICE, params, link, TODAY)
    assert [tab.label for tab in alice[1].children] == ["Growing 0", "Shrinking 0", "New 1", "Lost 1", "Steady 0"]


def test_the_movers_panel_is_drawn_once_for_a_question_and_language_then_read_back(runtime, monkeypatch):
    link = "?range=custom&from=2025-01-11&to=2025-01-20"
    params = from_search(ADMIN_A, TODAY, link)[0].shown_query().to_params()
    drawn = []
    status_list = movers_panel.status_list
    monkeypatch.setattr(movers_panel, "status_list", lambda *args: drawn.append(args[2]) or status_list(*args))

    first = movers_drawn(runtime, ADMIN_A, params, link)
    assert movers_drawn(runtime, ADMIN_A, params, link) == first and drawn == [Status.SHRINKING]
    assert "alpha-games" in str(first)  # plain JSON, as the browser receives it
    lost = movers_drawn(runtime, ADMIN_A, params, link, Status.LOST)  # another tab: drawn once too
    assert movers_drawn(runtime, ADMIN_A, params, link, Status.LOST) == lost and drawn[1:] == [Status.LOST]
    with speaking("zh-CN"):
        assert movers_drawn(runtime, ADMIN_A, params, link) != first
    assert drawn[2:] == [Status.SHRINKING]


def test_a_movers_tab_is_known_by_its_id_and_nothing_else():
    assert status_of_tab("movers-lost") is Status.LOST
    assert [status_of_tab(value) for value in ("movers-x", "lost", None, 5, ["movers-lost"])] == [None] * 5


def test_the_scorecard_shows_when_grouped_by_account_manager(runtime):
    by_service = from_search(ADMIN_A, TODAY, JANUARY + "&tab=trend")[0].query.to_params()
    assert scorecard_view(runtime, ADMIN_A, by_service) is None
    link = "?range=custom&from=2025-01-11&to=2025-01-20&tab=trend&group_by=account_manager"
    card = scorecard_view(runtime, ADMIN_A, from_search(ADMIN_A, TODAY, link)[0].query.to_params())
    body = card.children[1].children[1].children[1]
    # Alice: alpha-games new (from the 16th), alpha-retail lost; Bob: alpha-games lost. The
    # forecast is of January, data up to the 28th: the month's actual and 3 days at the pace of
    # the last 30 (Alice: 1603.62 + 3 x 1603.62 / 30; Bob: 7771.17 + 3 x 7771.17 / 30).
    assert [[cell.children for cell in row.children] for row in body.children] == [
        ["Alice Able", "1", "1", "1", "CNY 450.26", "CNY 1,203.41", "CNY -753.15", "-62.58%", "CNY 1,763.98"],
        ["Bob Baker", "0", "0", "1", "CNY 0.00", "CNY 7,771.17", "CNY -7,771.17", "-100.00%", "CNY 8,548.29"],
    ]
    assert card.children[1].children[1].children[0].children.children[-1].children == "Forecast Jan 2025"


def test_the_overview_links_its_total_to_its_breakdowns(runtime):
    links = overview_links(runtime, ADMIN_A, JANUARY + "&search=alpha", TODAY)
    assert [label for label, _ in links] == ["Account manager", "Customer account", "Service type"]
    view = from_search(ADMIN_A, TODAY, links[0][1])[0]
    assert (view.tab, view.query.group_by, view.query.search) == ("distribution", Basis.ACCOUNT_MANAGER, "alpha")
