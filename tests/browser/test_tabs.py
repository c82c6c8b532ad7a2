"""Each tab in headless Chromium, on the small two-partner data placed in last month: change the
range, grouping and settings and see the chart and table change; the Overview's cards equal
`flask stats overview`; links and the back button restore the view; no console errors.
Screenshots of every tab, wide and phone-sized, go to tests/artifacts/."""
from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest

from dashboard import ids
from dashboard.time_range import Preset, preset_range, today_in
from data_access.export_tasks import utc_now
from tests.browser.pages import Dashboard
from tests.helpers import SmallData, make_app, seed_small, sign_in
from tests.helpers.database import empty

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@dataclasses.dataclass
class Setup:
    board: Dashboard
    app: object
    data: SmallData
    first: date  # last month, where the data is
    last: date

    def cli(self, view: str, first: date, last: date, *options: str) -> dict:
        """`flask stats VIEW --format json` for partner A."""
        with self.app.app_context():
            result = self.app.test_cli_runner().invoke(args=[
                "stats", view, "--partner", "A", "--from", str(first), "--to", str(last),
                "--format", "json", *options])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def cli_overview(self, first: date, last: date, search: str = "") -> dict[str, str]:
        """`flask stats overview` for the same query, as the cards would show it."""
        document = self.cli("overview", first, last, "--search", search)
        return {key: f"{document['currency']} {_grouped(value)}" for key, value in document["total"].items()}


def _grouped(decimal_text: str) -> str:
    """'12677.82' -> '12,677.82', on the text (no float)."""
    whole, _, cents = decimal_text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    groups = []
    while digits:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    return f"{sign}{','.join(groups) or '0'}.{cents}"


@pytest.fixture
def setup(duckdb_database, tmp_path, live_server, page) -> Setup:
    engine = empty(duckdb_database)  # one engine: what the browser shows does not depend on it
    first, last = preset_range(Preset.LAST_MONTH, today_in("+08:00", utc_now()))
    data = seed_small(engine, start=first)
    app = make_app(engine, tmp_path)
    base_url = live_server(app)
    sign_in(page, base_url, data.admin_a.login, data.admin_a.password)
    return Setup(Dashboard(page, base_url), app, data, first, last)


def test_overview_cards_equal_the_command_line_through_range_and_search(setup, console_errors):
    board = setup.board
    board.open()
    board.choose_range("Last month")
    assert (board.control(ids.RANGE_FROM), board.control(ids.RANGE_TO)) == (str(setup.first), str(setup.last))
    assert board.cards() == setup.cli_overview(setup.first, setup.last) == {
        "amount": "CNY 12,677.82", "cash_coupon": "CNY 20.00", "amount_paid": "CNY 12,657.82"}
    assert board.trace_names(ids.OVERVIEW_GRAPH) == ["Amount", "Amount paid"]
    assert len(board.traces(ids.OVERVIEW_GRAPH)[0]["x"]) == (setup.last - setup.first).days + 1
    board.screenshot("overview-1280")

    board.page.fill(f"#{ids.SEARCH}", "alpha")
    board.settle()
    assert board.suggestions() == ["alpha-games", "alpha-labs", "alpha-retail"]
    board.search("alpha-labs")
    assert board.cards() == setup.cli_overview(setup.first, setup.last, "alpha-labs")
    assert board.cards()["amount"] == "CNY 3,303.03"

    board.search("")
    tenth = setup.first + timedelta(days=9)
    board.set_days(setup.first, tenth)
    assert board.control(ids.RANGE_PRESET) == "custom"
    assert board.cards() == setup.cli_overview(setup.first, tenth)
    assert board.cards()["amount"] == "CNY 8,974.58"  # A-R1 and A-R2

    board.granularity("Month")
    assert len(board.traces(ids.OVERVIEW_GRAPH)[0]["x"]) == 1
    assert console_errors == []


def test_overview_says_why_it_is_empty_and_rejects_a_backwards_range(setup, console_errors):
    board = setup.board
    board.open("?range=this_month")
    assert board.message(ids.OVERVIEW_MESSAGE).startswith("No expenditures from ")
    assert board.cards()["amount"] == "CNY 0.00"
    board.open("?range=last_month&search=nobody")
    assert "excluded by the search \u201cnobody\u201d" in board.message(ids.OVERVIEW_MESSAGE)

    board.open("?range=last_month")
    board.page.fill(f"#{ids.RANGE_TO}", str(setup.first - timedelta(days=1)))
    board.settle()
    assert "is after to" in board.message(ids.VIEW_MESSAGE)
    assert board.cards()["amount"] == "CNY 12,677.82"  # the last good view stays
    assert console_errors == []


def test_trend_follows_grouping_granularity_sorting_top_n_and_range(setup, console_errors):
    board = setup.board
    board.open("?tab=trend&range=last_month")
    assert board.trace_names() == ["Object Storage Service", "Elastic Cloud Server"]  # by amount
    board.expect_grid_total(5)

    board.group_by("Account manager")
    assert board.trace_names() == ["Bob Baker", "Unassigned", "Alice Able"]
    assert board.group_rows()[0][:4] == ["Bob Baker", "CNY 7,771.17", "CNY 0.00", "CNY 7,771.17"]
    assert board.group_rows()[-1][1] == "CNY 12,677.82"
    assert board.grid_record_ids() == ["A-R2", "A-R4", "A-R1", "A-R3", "A-R5"]  # by amount

    board.sort("Name", "Ascending")
    assert [row[0] for row in board.group_rows()] == ["Alice Able", "Bob Baker", "Unassigned", "Total"]
    assert board.trace_names() == ["Alice Able", "Bob Baker", "Unassigned"]

    board.granularity("Month")
    assert {len(trace["x"]) for trace in board.traces()} == {1}
    board.screenshot("trend-1280")

    board.top_n(1)
    assert board.trace_names() == ["Bob Baker", "Others"]

    board.set_days(setup.first, setup.first + timedelta(days=9))
    assert sorted(board.grid_record_ids()) == ["A-R1", "A-R2"]
    board.expect_grid_total(2)
    assert board.group_rows()[-1][1] == "CNY 8,974.58"
    assert console_errors == []


def test_distribution_follows_the_amount_shown_and_the_filters(setup, console_errors):
    board = setup.board
    board.open("?tab=distribution&range=last_month&group_by=account_manager")
    donut = board.traces()[0]
    assert donut["labels"] == ["Bob Baker", "Unassigned", "Alice Able"]
    assert "CNY 12,677.82" in board.annotation()
    # How much did each account manager's customers spend last month, and what did they pay:
    # the same as the command line says.
    document = setup.cli("distribution", setup.first, setup.last, "--group-by", "account_manager")
    assert [[row[0], row[1], row[3]] for row in board.group_rows()[:-1]] == [
        [group["label"], f"CNY {_grouped(group['amount'])}", f"CNY {_grouped(group['amount_paid'])}"]
        for group in document["groups"]]

    board.measure("Amount paid")
    assert "Amount paid" in board.annotation() and "CNY 12,657.82" in board.annotation()

    board.filter("exclude", "account_manager", "Account manager", ["Bob Baker"])
    assert board.traces()[0]["labels"] == ["Unassigned", "Alice Able"]
    assert "CNY 4,886.65" in board.annotation()
    board.expect_grid_total(4)
    assert "exclude.account_manager=A-M2" in board.query_string()
    board.screenshot("distribution-1280")
    assert console_errors == []


def test_charts_draw_with_the_vendored_plotly_bundle_alone(setup, console_errors):
    """dcc.Graph draws with assets/vendor/plotly-basic.min.js (scatter, bar and pie): the full
    plotly.js bundle, four times its size, is never fetched."""
    fetched = []
    setup.board.page.on("request", lambda request: fetched.append(request.url))
    board = setup.board.open("?tab=distribution&range=last_month")
    assert board.traces()[0]["labels"]  # the donut
    board.tab("Expenditure Trend")
    assert board.trace_names() == ["Object Storage Service", "Elastic Cloud Server"]
    scripts = [url for url in fetched if "plotly" in url]
    assert scripts and all("/assets/vendor/plotly-basic.min.js" in url for url in scripts), scripts
    assert console_errors == []


def test_the_url_holds_the_view_and_the_back_button_restores_it(setup, console_errors):
    board = setup.board
    board.open("?tab=trend&range=last_month")
    board.group_by("Billing mode")
    assert board.trace_names() == ["Pay-per-use", "Yearly/Monthly"]
    board.tab("Expenditure Distribution")
    link = board.page.url

    board.page.go_back()
    board.settle()
    assert board.active_tab() == "Expenditure Trend"
    assert board.control(ids.GROUP_BY) == "billing_mode"
    assert board.trace_names() == ["Pay-per-use", "Yearly/Monthly"]

    board.page.go_back()
    board.settle()
    assert board.control(ids.GROUP_BY) == "service_type"
    assert board.trace_names() == ["Object Storage Service", "Elastic Cloud Server"]

    board.page.goto(link)  # a copied link opens the same view
    board.settle()
    assert board.active_tab() == "Expenditure Distribution"
    assert board.traces()[0]["labels"] == ["Pay-per-use", "Yearly/Monthly"]
    assert console_errors == []


def test_a_bad_link_is_explained_and_the_rest_of_it_used(setup, console_errors):
    board = setup.board
    board.open("?tab=trend&range=last_month&top_n=zero&group_by=account_manager")
    assert board.message(ids.VIEW_MESSAGE) == (
        "Some settings in this link could not be used and were reset: "
        "top N must be a whole number, not 'zero'.")
    assert board.trace_names() == ["Bob Baker", "Unassigned", "Alice Able"]
    assert console_errors == []


def test_every_tab_at_desktop_and_phone_width(setup, console_errors):
    board = setup.board
    for size in (DESKTOP, PHONE):
        width, suffix = size["width"], str(size["width"])
        board.page.set_viewport_size(size)
        board.open("?range=last_month&group_by=account_manager")
        for label, name in (("Overview", "overview"), ("Expenditure Trend", "trend"),
                            ("Expenditure Distribution", "distribution"), ("Export History", "exports")):
            board.tab(label)
            board.screenshot(f"tab-{name}-{suffix}")
            overflow = board.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{label} is wider than the {width} px screen"
    panel = board.page.locator(f"#{ids.SIDE_PANEL_COLLAPSE}")
    board.tab("Expenditure Trend")
    assert not panel.is_visible()  # folded away on a phone
    board.page.locator(f"#{ids.SIDE_PANEL_TOGGLE}").click()
    panel.get_by_text("Advanced Settings").wait_for()
    board.page.wait_for_timeout(400)  # the panel's opening slide
    board.screenshot("trend-settings-390")
    assert console_errors == []


def test_the_header_names_partner_freshness_time_zone_and_signs_out(setup, console_errors):
    board = setup.board
    board.open()
    header = board.page.inner_text(f"#{ids.HEADER}")
    for part in ("Alpha Partners", f"Data up to {setup.first + timedelta(days=27)}", "UTC+08:00", "admin@a"):
        assert part in header
    with board.page.expect_navigation():
        board.page.get_by_role("button", name="Sign out").click()
    assert board.page.url.split("?")[0].endswith("/login")
    board.page.goto(board.base_url + "/")
    assert board.page.url.split("?")[0].endswith("/login")  # signed out for real
    assert console_errors == []
