"""Drill-down in headless Chromium on the small data of last month: from the Overview's total to
the team, to a manager (a donut slice), to a customer (a row, by keyboard), to a service, and back by the breadcrumb
and the back button; a line's legend entry drills too."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from dashboard import ids
from tests.browser.test_tabs import setup  # noqa: F401  (the fixture)


def rows(board):
    return board.page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody tr td:first-child")


def crumbs(board):
    return board.page.locator(f"#{ids.DRILL_BREADCRUMB} .breadcrumb-item")


def test_from_the_team_to_a_service_and_back(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?range=last_month")  # the Overview: the team's total
    board.page.locator(f"#{ids.OVERVIEW_BREAKDOWNS}").get_by_role("link", name="by account manager").click()
    expect(rows(board)).to_have_text(["Bob Baker", "Unassigned", "Alice Able"])
    board.expect_traces("labels", [["Bob Baker", "Unassigned", "Alice Able"]])  # the donut is drawn
    box = board.page.locator(f"#{ids.BREAKDOWN_GRAPH} g.slice path.surface").nth(2).bounding_box()
    board.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # Alice Able's slice
    expect(rows(board)).to_have_text(["alpha-retail", "alpha-games"])
    expect(crumbs(board)).to_have_text(["All account managers", "Alice Able \u2014 by customer account"])
    expect(board.page.locator(f"#{ids.GROUP_BY}")).to_have_value("customer_account")

    row = board.page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody tr").nth(1)
    row.focus()
    board.page.keyboard.press("Enter")  # alpha-games, by keyboard
    expect(rows(board)).to_have_text(["Elastic Cloud Server"])
    expect(crumbs(board)).to_have_text(["All account managers", "Alice Able",
                                        "alpha-games \u2014 by service type"])
    board.screenshot("drilldown-1280")

    board.page.go_back()
    expect(rows(board)).to_have_text(["alpha-retail", "alpha-games"])
    crumbs(board).get_by_role("link", name="All account managers").click()
    expect(rows(board)).to_have_text(["Bob Baker", "Unassigned", "Alice Able"])
    expect(crumbs(board)).to_have_count(0)
    assert "drill=" not in board.page.url
    assert console_errors == []


def test_a_legend_entry_and_others_drill_on_the_trend(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?tab=trend&range=last_month&group_by=account_manager")
    expect(rows(board)).to_have_text(["Bob Baker", "Unassigned", "Alice Able"])
    board.expect_trace_names(["Bob Baker", "Unassigned", "Alice Able", "Total"])
    board.page.locator(f"#{ids.BREAKDOWN_GRAPH} g.legend g.traces").nth(0).click()  # Bob Baker
    expect(rows(board)).to_have_text(["alpha-games"])
    expect(board.page).to_have_url(re.compile("drill="))

    # A click on a line: with the unified hover every line at that month answers; the nearest
    # drawn to the pointer is the one clicked (Unassigned, the middle one).
    board.open("?tab=trend&range=last_month&group_by=account_manager&granularity=month&chart=lines")
    expect(rows(board)).to_have_text(["Bob Baker", "Unassigned", "Alice Able"])
    board.expect_trace_names(["Bob Baker", "Unassigned", "Alice Able", "Total"])
    box = board.page.locator(f"#{ids.BREAKDOWN_GRAPH} g.trace.scatter").nth(1).locator(".points path").bounding_box()
    board.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(rows(board)).to_have_text(["alpha-labs"])

    board.open("?tab=trend&range=last_month&group_by=customer_account&top_n=1")
    expect(rows(board)).to_have_text(["alpha-games", "Others"])
    rows(board).nth(1).click()
    expect(rows(board)).to_have_text(["alpha-labs", "Others"])
    expect(crumbs(board).last).to_have_text("Others (customer account) \u2014 by customer account")
    assert console_errors == []


def test_movers_on_the_overview_open_the_customers_trend(setup, console_errors):  # noqa: F811
    board = setup.board
    board.page.set_viewport_size({"width": 390, "height": 844})
    board.open("?range=last_month")
    panel = board.page.locator(f"#{ids.MOVERS}")
    expect(panel.get_by_role("tab")).to_have_text(["Growing 0", "Shrinking 0", "New 3", "Lost 0", "Steady 0"])
    board.screenshot("movers-390")
    board.page.set_viewport_size({"width": 1280, "height": 900})
    board.page.wait_for_function(  # the chart follows the wider window (Plotly's resize waits a little)
        f"() => document.querySelector('#{ids.OVERVIEW_GRAPH} .main-svg').getBoundingClientRect().width > 800")
    board.screenshot("movers-1280")
    panel.get_by_role("tab", name="Lost 0").click()  # another tab's list, drawn when chosen
    expect(panel.get_by_text("No lost customers.")).to_be_visible()
    expect(panel.get_by_role("link", name="alpha-games")).to_have_count(0)
    panel.get_by_role("tab", name="New 3").click()
    panel.get_by_role("link", name="alpha-games").click()
    expect(board.page.get_by_role("tab", name="Expenditure Trend")).to_have_class(re.compile(r"\bactive\b"))
    expect(rows(board)).to_have_text(["Object Storage Service", "Elastic Cloud Server"])
    expect(crumbs(board)).to_have_text(["All customer accounts", "alpha-games \u2014 by service type"])
    assert console_errors == []


def test_the_scorecard_is_shown_by_account_manager(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?tab=trend&range=last_month&group_by=account_manager")
    table = board.page.locator(f"#{ids.SCORECARD} tbody tr td:first-child")
    expect(table).to_have_text(["Bob Baker", "Unassigned", "Alice Able"])  # by Amount
    board.screenshot("scorecard-1280")
    board.page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody tr").first.click()  # Bob Baker: by customer
    expect(rows(board)).to_have_text(["alpha-games"])
    expect(table).to_have_count(0)
    assert console_errors == []
