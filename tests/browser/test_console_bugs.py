"""The bugs found trying the console as a new user (issue 12), each as that user meets it in
headless Chromium: a shared link keeps its filters, a setting that cannot be used leaves no
stale figures, and the texts say what is true."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from dashboard import ids
from tests.browser.drawn import query_string, traces
from tests.browser.pages import Dashboard
from tests.browser.test_tabs import setup  # noqa: F401  (the fixture)
from tests.helpers import sign_in

TOTAL_ROW = f"#{ids.BREAKDOWN_GROUPS} tfoot tr"


def test_a_link_with_filters_gives_the_same_totals_in_a_new_page(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?tab=distribution&range=last_month&group_by=account_manager")
    board.filter("exclude", "account_manager", "Account manager", ["Bob Baker"])
    board.filter("include", "service_type", "Service type", ["Elastic Cloud Server"])
    expect(board.page.locator(TOTAL_ROW)).to_contain_text("CNY 4,886.65")
    board.expect_url_query("include.service_type=")
    link = board.page.url
    assert "exclude.account_manager=A-M2" in link and "include.service_type=" in link

    for opened in (board.page.context.new_page(), board.page):  # a new page, and a reload
        shared = Dashboard(opened, board.base_url)
        opened.goto(link)
        expect(opened.locator(TOTAL_ROW)).to_contain_text("CNY 4,886.65")
        expect(opened.locator(f"#{ids.filter_values('exclude', 'account_manager')}")).to_contain_text("Bob Baker")
        expect(opened.locator(f"#{ids.filter_section('service_type')}")).to_contain_text("1 only")
        assert query_string(shared.page) == link.split("?", 1)[1]  # not rewritten without them
        assert traces(shared.page)[0]["labels"] == ["Unassigned", "Alice Able"]
    assert console_errors == []


def test_an_unusable_setting_shows_no_stale_figures_and_says_why(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?range=last_month")
    expect(board.page.locator(f"#{ids.overview_total('amount')}-value")).to_have_text("CNY 12,677.82")
    board.page.fill(f"#{ids.RANGE_TO}", str(setup.first - timedelta(days=1)))
    expect(board.page.locator(f"#{ids.VIEW_MESSAGE}")).to_contain_text("is after to")
    expect(board.page.locator(f"#{ids.overview_total('amount')}-value")).to_have_text("\u2014")
    expect(board.page.locator(f"#{ids.OVERVIEW_GRAPH}")).to_be_hidden()
    expect(board.page.locator(f"#{ids.OVERVIEW_MESSAGE}")).to_contain_text("Correct the settings above")

    board.open("?tab=trend&range=last_month")
    board.page.fill(f"#{ids.TOP_N}", "0")
    board.page.press(f"#{ids.TOP_N}", "Enter")
    expect(board.page.locator(f"#{ids.VIEW_MESSAGE}")).to_contain_text("top N must be a whole number from 1 to 50")
    expect(board.page.locator(f"#{ids.BREAKDOWN_GRAPH}")).to_be_hidden()
    expect(board.page.locator(f"#{ids.BREAKDOWN_GROUPS}")).to_be_empty()
    board.page.fill(f"#{ids.TOP_N}", "2")
    board.page.press(f"#{ids.TOP_N}", "Enter")
    expect(board.page.locator(TOTAL_ROW)).to_contain_text("CNY 12,677.82")
    expect(board.page.locator(f"#{ids.VIEW_MESSAGE}")).to_be_hidden()
    assert console_errors == []


def test_the_overview_never_blames_a_switch_it_does_not_have(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?range=last_month&search=nobody")
    expect(board.page.locator(f"#{ids.OVERVIEW_MESSAGE}")).to_have_text(
        f"Every record from {setup.first} to {setup.last} is excluded by the search \u201cnobody\u201d.")
    assert console_errors == []


def test_sorting_by_name_starts_a_to_z(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?tab=trend&range=last_month&group_by=account_manager")
    board.page.locator(f"#{ids.SORT_BY}").get_by_text("Name", exact=True).click()
    names = board.page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody tr td:first-child")
    expect(names).to_have_text(["Alice Able", "Bob Baker", "Unassigned"])
    expect(board.page.locator(f"#{ids.SORT_ORDER} .active")).to_have_text("Ascending")
    board.expect_url_query("order=asc")
    assert console_errors == []


def test_an_account_manager_sees_their_own_name(setup, console_errors):  # noqa: F811
    context = setup.board.page.context.browser.new_context()  # a sign-in of its own
    page = context.new_page()
    sign_in(page, setup.board.base_url, setup.data.manager_a.login, setup.data.manager_a.password)
    expect(page.locator(f"#{ids.HEADER}")).to_contain_text("Alice Able \u00b7 alice@a")
    context.close()
    assert console_errors == []


def test_an_overview_export_is_named_and_described_by_what_it_holds(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?range=last_month&search=alpha")
    board.page.get_by_role("button", name="Export").click()
    expect(board.page.locator(".export-toast")).to_contain_text("Export task created.")
    board.tab("Export History")
    row = board.page.locator(f"#{ids.EXPORT_HISTORY} tbody tr").first
    expect(row).to_contain_text(f"Overview \u00b7 all records \u00b7 {setup.first} to {setup.last} "
                                f"\u00b7 \u201calpha\u201d \u00b7 .xlsx")
    expect(row).to_contain_text(f"{setup.first} to {setup.last}; search \u201calpha\u201d")
    expect(row).not_to_contain_text("by service type")
    assert console_errors == []
