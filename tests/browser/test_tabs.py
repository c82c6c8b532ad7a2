"""Each tab in headless Chromium, on the small two-partner data placed in last month: change the
range, grouping and settings and see the chart and table change; the Overview's cards equal
`flask stats overview`; links and the back button restore the view; no console errors.
Screenshots of every tab, wide and phone-sized, go to tests/artifacts/."""
from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

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
        # stdout alone: the output has stderr in it too, where the live server's access log
        # goes while the page's callbacks are still being answered
        return json.loads(result.stdout)

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
    board.expect_control(ids.RANGE_FROM, str(setup.first))
    board.expect_control(ids.RANGE_TO, str(setup.last))
    cards = {"amount": "CNY 12,677.82", "cash_coupon": "CNY 20.00", "amount_paid": "CNY 12,657.82"}
    assert setup.cli_overview(setup.first, setup.last) == cards
    board.expect_cards(cards)
    # the data goes up to the 28th: the forecast continues from it to the month's end (if any is left);
    # the series stop there rather than fall to zero
    left = (setup.last - (setup.first + timedelta(days=27))).days
    forecast = ["Forecast low", "Forecast range", "Forecast"] if left else []
    board.expect_trace_names(["Amount", "Amount paid", *forecast], ids.OVERVIEW_GRAPH)
    board.expect_points([28] * 2 + [left + 1] * len(forecast), ids.OVERVIEW_GRAPH)
    board.screenshot("overview-1280")

    board.search("alpha")
    board.expect_suggestions(["alpha-games", "alpha-labs", "alpha-retail"])
    board.search("alpha-labs")
    cards = setup.cli_overview(setup.first, setup.last, "alpha-labs")
    assert cards["amount"] == "CNY 3,303.03"
    board.expect_cards(cards)

    board.search("")
    tenth = setup.first + timedelta(days=9)
    board.set_days(setup.first, tenth)
    board.expect_control(ids.RANGE_PRESET, "custom")
    cards = setup.cli_overview(setup.first, tenth)
    assert cards["amount"] == "CNY 8,974.58"  # A-R1 and A-R2
    board.expect_cards(cards)

    board.granularity("Month")
    board.expect_points([1, 1], ids.OVERVIEW_GRAPH)
    assert console_errors == []


def test_overview_says_why_it_is_empty_and_rejects_a_backwards_range(setup, console_errors):
    board = setup.board
    board.open("?range=this_month")
    board.expect_message(ids.OVERVIEW_MESSAGE, re.compile(r"^\s*No expenditures from "))
    board.expect_cards({"amount": "CNY 0.00"})
    board.open("?range=last_month&search=nobody")
    board.expect_message(ids.OVERVIEW_MESSAGE, "excluded by the search \u201cnobody\u201d", whole=False)

    board.open("?range=last_month")
    board.expect_cards({"amount": "CNY 12,677.82"})
    board.page.fill(f"#{ids.RANGE_TO}", str(setup.first - timedelta(days=1)))
    board.expect_message(ids.VIEW_MESSAGE, "is after to", whole=False)
    board.expect_cards({"amount": "\u2014"})  # no stale figures under settings that cannot be used
    assert console_errors == []


def test_trend_follows_grouping_granularity_sorting_top_n_and_range(setup, console_errors):
    board = setup.board
    board.open("?tab=trend&range=last_month")
    board.expect_trace_names(["Object Storage Service", "Elastic Cloud Server", "Total"])  # by amount
    board.expect_grid_total(5)

    board.group_by("Account manager")
    board.expect_trace_names(["Bob Baker", "Unassigned", "Alice Able", "Total"])
    board.expect_group_row(0, ["Bob Baker", "CNY 7,771.17", "CNY 0.00", "CNY 7,771.17"])
    board.expect_total(1, "CNY 12,677.82")
    board.expect_grid_record_ids(["A-R2", "A-R4", "A-R1", "A-R3", "A-R5"])  # by amount

    board.sort("Name", "Ascending")
    board.expect_group_column(0, ["Alice Able", "Bob Baker", "Unassigned"])
    board.expect_total(0, "Total")
    board.expect_trace_names(["Alice Able", "Bob Baker", "Unassigned", "Total"])

    board.granularity("Month")
    board.expect_points([1, 1, 1, 1])
    board.screenshot("trend-1280")

    board.top_n(1)
    board.expect_trace_names(["Bob Baker", "Others", "Total"])

    board.set_days(setup.first, setup.first + timedelta(days=9))
    board.expect_grid_record_ids(["A-R1", "A-R2"], any_order=True)
    board.expect_grid_total(2)
    board.expect_total(1, "CNY 8,974.58")
    assert console_errors == []


def test_distribution_follows_the_amount_shown_and_the_filters(setup, console_errors):
    board = setup.board
    board.open("?tab=distribution&range=last_month&group_by=account_manager")
    board.expect_traces("labels", [["Bob Baker", "Unassigned", "Alice Able"]])  # one donut
    board.expect_annotation("CNY 12,677.82")
    # How much did each account manager's customers spend last month, and what did they pay:
    # the same as the command line says.
    document = setup.cli("distribution", setup.first, setup.last, "--group-by", "account_manager")
    board.expect_group_column(0, [group["label"] for group in document["groups"]])
    board.expect_group_column(1, [f"CNY {_grouped(group['amount'])}" for group in document["groups"]])
    board.expect_group_column(3, [f"CNY {_grouped(group['amount_paid'])}" for group in document["groups"]])

    board.measure("Amount paid")
    board.expect_annotation("Amount paid")
    board.expect_annotation("CNY 12,657.82")

    board.filter("exclude", "account_manager", "Account manager", ["Bob Baker"])
    board.expect_traces("labels", [["Unassigned", "Alice Able"]])
    board.expect_annotation("CNY 4,886.65")
    board.expect_grid_total(4)
    board.expect_url_query("exclude.account_manager=A-M2")
    board.screenshot("distribution-1280")
    assert console_errors == []


def test_charts_draw_with_the_vendored_plotly_bundle_alone(setup, console_errors):
    """dcc.Graph draws with assets/vendor/plotly-basic.min.js (scatter, bar and pie), beside
    the small zh-CN locale: the full plotly.js bundle, four times its size, is never fetched."""
    fetched = []
    setup.board.page.on("request", lambda request: fetched.append(request.url))
    board = setup.board.open("?tab=distribution&range=last_month")
    board.expect_traces("labels", [["Object Storage Service", "Elastic Cloud Server"]])  # the donut
    board.tab("Expenditure Trend")
    board.expect_trace_names(["Object Storage Service", "Elastic Cloud Server", "Total"])
    scripts = [url for url in fetched if "plotly" in url]
    vendored = ("/assets/vendor/plotly-basic.min.js", "/assets/vendor/plotly-locale-zh-cn.js")
    assert scripts and all(any(name in url for name in vendored) for url in scripts), scripts
    assert console_errors == []


def test_the_url_holds_the_view_and_the_back_button_restores_it(setup, console_errors):
    board = setup.board
    board.open("?tab=trend&range=last_month")
    board.group_by("Billing mode")
    board.expect_trace_names(["Pay-per-use", "Yearly/Monthly", "Total"])
    board.tab("Expenditure Distribution")
    board.expect_url_query("tab=distribution")
    link = board.page.url

    board.page.go_back()
    board.expect_active_tab("Expenditure Trend")
    board.expect_control(ids.GROUP_BY, "billing_mode")
    board.expect_trace_names(["Pay-per-use", "Yearly/Monthly", "Total"])

    board.page.go_back()
    board.expect_control(ids.GROUP_BY, "service_type")
    board.expect_trace_names(["Object Storage Service", "Elastic Cloud Server", "Total"])

    board.page.goto(link)  # a copied link opens the same view
    board.expect_active_tab("Expenditure Distribution")
    board.expect_traces("labels", [["Pay-per-use", "Yearly/Monthly"]])
    assert console_errors == []


def test_a_bad_link_is_explained_and_the_rest_of_it_used(setup, console_errors):
    board = setup.board
    board.open("?tab=trend&range=last_month&top_n=zero&group_by=account_manager")
    board.expect_message(ids.VIEW_MESSAGE, (
        "Some settings in this link could not be used and were reset: "
        "top N must be a whole number, not 'zero'."))
    board.expect_trace_names(["Bob Baker", "Unassigned", "Alice Able", "Total"])
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
    expect(panel).to_be_hidden()  # folded away on a phone
    board.page.locator(f"#{ids.SIDE_PANEL_TOGGLE}").click()
    expect(panel).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # opened: its slide has ended
    expect(panel.get_by_text("Advanced Settings")).to_be_visible()
    board.screenshot("trend-settings-390")
    assert console_errors == []


def test_the_header_names_partner_freshness_time_zone_and_signs_out(setup, console_errors):
    board = setup.board
    board.open()
    header = board.page.locator(f"#{ids.HEADER}")
    for part in ("Alpha Partners", f"Data up to {setup.first + timedelta(days=27)}", "UTC+08:00", "admin@a"):
        expect(header).to_contain_text(part)
    # Its lazily loaded chart code too: signing out before that ends the page's requests with 401s.
    expect(board.page.locator(f"#{ids.OVERVIEW_GRAPH} .js-plotly-plot")).to_be_attached()
    board.page.get_by_role("button", name="Sign out").click()
    expect(board.page).to_have_url(re.compile(r"/login(\?|$)"))
    board.page.goto(board.base_url + "/")
    expect(board.page).to_have_url(re.compile(r"/login(\?|$)"))  # signed out for real
    assert console_errors == []
