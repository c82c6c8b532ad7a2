"""The console as a designer would sign it off (issue 12), in headless Chromium on the small data
of last month (data up to its 28th): readable trend charts, a distribution that says something,
the money in view, phones, incomplete periods, the Export History and the finish. Screenshots
of every tab at 1280 and 390 px go to tests/artifacts/."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from dashboard import ids
from dashboard.colors import OTHERS_COLOR, PALETTE
from dashboard.loading import PRIMARY
from data_access import export_tasks
from data_access.query import ExpenditureQuery, Scope
from tests.browser.drawn import traces
from tests.browser.test_tabs import DESKTOP, PHONE, setup  # noqa: F401  (the fixture)
from tests.helpers import sign_in

TABS = (("Overview", "overview", ids.OVERVIEW_GRAPH), ("Expenditure Trend", "trend", ids.BREAKDOWN_GRAPH),
        ("Expenditure Distribution", "distribution", ids.BREAKDOWN_GRAPH), ("Export History", "exports", None))


def graph_data(board, expression: str, graph_id: str = ids.BREAKDOWN_GRAPH):
    """`expression` of the drawn plotly graph element `g` (its data and layout)."""
    traces(board.page, graph_id)  # waits for plotly
    return board.page.evaluate(f"id => {{ const g = document.querySelector(`#${{id}} .js-plotly-plot`); "
                               f"return {expression}; }}", graph_id)


def swatches(board) -> dict[str, str]:
    """{group: colour} of the group table, the chart's legend."""
    return dict(board.page.eval_on_selector_all(
        f"#{ids.BREAKDOWN_GROUPS} tbody tr", "rows => rows.map(row => [row.cells[0].innerText.trim(), "
        "getComputedStyle(row.querySelector('.swatch')).backgroundColor])"))


def rgb(hex_color: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_color[i:i + 2], 16) for i in (1, 3, 5)))


def test_trend_chart_types_with_a_total_and_colours_that_stay(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?tab=trend&range=last_month&group_by=account_manager")
    drawn = graph_data(board, "g.data.map(t => [t.name, t.type, t.marker.color || null])")
    assert [name for name, *_ in drawn] == ["Bob Baker", "Unassigned", "Alice Able", "Total"]
    assert {kind for _, kind, _ in drawn[:3]} == {"bar"}  # stacked columns by default
    colors = {name: color for name, _, color in drawn[:3]}
    assert len(set(colors.values())) == 3 and set(colors.values()) <= set(PALETTE)  # three distinct hues
    assert graph_data(board, "g.data[3].showlegend") is False  # the legend names the groups only
    assert swatches(board) == {name: rgb(color) for name, color in colors.items()}
    board.screenshot("issue12-trend-columns-1280")

    board.page.locator(f"#{ids.CHART_TYPE}").get_by_text("Lines").click()
    expect(board.page.locator(f"#{ids.BREAKDOWN_GRAPH} .scatterlayer .trace")).to_have_count(4)
    board.expect_url_query("chart=lines")
    board.page.locator(f"#{ids.CHART_TYPE}").get_by_text("Area").click()
    expect(board.page.locator(f"#{ids.BREAKDOWN_GRAPH} .scatterlayer .js-fill")).not_to_have_count(0)
    assert graph_data(board, "g.data.slice(0, 3).map(t => t.stackgroup)") == ["groups"] * 3
    board.screenshot("issue12-trend-area-1280")

    # The same group, the same colour: on the other tab, and in another session.
    board.tab("Expenditure Distribution")
    board.page.wait_for_function("() => document.querySelector('#breakdown-graph .js-plotly-plot')"
                                 "?.data?.[0]?.type === 'pie'")
    pie = traces(board.page)[0]
    assert dict(zip(pie["labels"], graph_data(board, "g.data[0].marker.colors"), strict=True)) == colors
    other = board.page.context.browser.new_context()
    page = other.new_page()
    sign_in(page, board.base_url, setup.data.admin_a.login, setup.data.admin_a.password)
    page.goto(board.base_url + "/?tab=trend&range=last_month&group_by=account_manager&chart=lines")
    page.wait_for_function("() => document.querySelector('#breakdown-graph .js-plotly-plot')?.data?.length === 4")
    again = page.evaluate("() => document.querySelector('#breakdown-graph .js-plotly-plot').data"
                          ".slice(0, 3).map(t => [t.name, t.line.color])")
    assert dict(again) == colors
    other.close()
    assert console_errors == []


def test_distribution_is_a_donut_only_when_it_reads_and_its_hover_is_right(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?tab=distribution&range=last_month&group_by=account_manager")
    donut = traces(board.page)[0]
    assert donut["text"] == ["Bob Baker<br>61.30%", "Unassigned<br>26.05%", "Alice Able<br>12.65%"]
    # The first slice (Bob Baker, 61%) runs clockwise from 12 o'clock past 6: its box is the full
    # height of the ring, whose 3 o'clock point is in the middle of its right edge.
    box = board.page.locator(f"#{ids.BREAKDOWN_GRAPH} .slice path").first.bounding_box()
    radius = box["height"] / 2
    board.page.mouse.move(box["x"] + box["width"] - 0.2 * radius, box["y"] + radius)
    hover = board.page.locator(f"#{ids.BREAKDOWN_GRAPH} .hoverlayer .hovertext")
    expect(hover).to_contain_text("Amount: CNY 7,771.17")
    expect(hover).to_contain_text("Amount paid: CNY 7,771.17")
    expect(hover).not_to_contain_text(",CNY")  # not every slice's amounts in one box
    board.screenshot("issue12-distribution-donut-1280")

    # Top 1 by cash coupons (Alice Able): "Others" is most of it, so ranked bars with cumulative share.
    board.open("?tab=distribution&range=last_month&group_by=account_manager&sort_by=cash_coupon&top_n=1")
    bars, cumulative = traces(board.page)
    assert bars["y"] == ["Alice Able", "Others"]
    assert bars["text"] == ["CNY 1,603.62 \u00b7 12.65%", "CNY 11,074.20 \u00b7 87.35%"]
    assert cumulative["x"] == [12.65, 100.0]
    assert graph_data(board, "g.data[0].orientation") == "h"
    board.screenshot("issue12-distribution-ranked-1280")
    assert console_errors == []


def test_the_money_is_in_view_at_1280_with_a_column_chooser_and_the_selection_counted(setup, console_errors):  # noqa: F811
    board = setup.board
    board.page.set_viewport_size(DESKTOP)
    board.open("?tab=trend&range=last_month")
    board.expect_grid_total(5)
    viewport = board.page.locator(".ag-body-viewport").bounding_box()
    for column in ("amount", "cash_coupon", "amount_paid"):
        header = board.page.locator(f".ag-header-cell[col-id={column}]")
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert viewport["x"] <= box["x"] and box["x"] + box["width"] <= viewport["x"] + viewport["width"], column
    assert board.page.evaluate("document.documentElement.scrollWidth") <= 1280

    board.page.locator(f"#{ids.COLUMN_CHOOSER_BUTTON}").click()
    board.page.locator(f"#{ids.COLUMN_CHOOSER}").get_by_text("Region", exact=True).click()
    expect(board.page.locator(".ag-header-cell[col-id=region]")).to_have_count(1)
    board.page.locator(f"#{ids.COLUMN_CHOOSER}").get_by_text("Customer", exact=True).click()
    expect(board.page.locator(".ag-header-cell[col-id=customer_name]")).to_have_count(0)
    board.page.keyboard.press("Escape")
    board.page.locator(f"#{ids.COLUMN_CHOOSER_BUTTON}").click()  # closes the chooser

    expect(board.page.locator(f"#{ids.SELECTED_COUNT}")).to_have_text("Tick rows to export them")
    for record in ("A-R1", "A-R2"):
        board.page.locator(f".ag-row[row-id={record}] input[type=checkbox]").first.check()
    expect(board.page.locator(f"#{ids.SELECTED_COUNT}")).to_have_text("2 selected")
    board.screenshot("issue12-grid-1280")

    board.open("?tab=trend&range=last_month&search=nobody")
    expect(board.page.locator(f"#{ids.DETAIL_GRID_BOX}")).to_contain_text("No records to list.")
    expect(board.page.locator(f"#{ids.DETAIL_GRID_BOX}")).to_contain_text("excluded by the search")
    assert console_errors == []


def test_a_phone_sees_the_chart_first_reaches_every_tab_and_the_drawer(setup, console_errors):  # noqa: F811
    board = setup.board
    board.page.set_viewport_size(PHONE)
    board.open("?range=last_month&group_by=account_manager")
    for label, _name, graph in TABS:
        tab = board.page.get_by_role("tab", name=label)
        box = tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{label} is past the edge"
        board.tab(label)
        if graph:
            # Waited for, not read once: the chart is drawn again as its answer arrives.
            board.page.wait_for_function(
                """([selector, fold]) => { const plot = document.querySelector(selector);
                    const box = plot && plot.getBoundingClientRect();
                    return box && box.height > 0 && box.top + 100 <= fold; }""",
                arg=[f"#{graph} .main-svg", PHONE["height"]])  # else: the chart is below the fold

    board.tab("Expenditure Trend")
    more = board.page.locator(f"#{ids.TOOLBAR_TOGGLE}")
    expect(board.page.locator(f"#{ids.SEARCH}")).to_be_hidden()
    more.click()
    expect(board.page.locator(f"#{ids.SEARCH}")).to_be_visible()
    more.click()
    drawer = board.page.locator(f"#{ids.SIDE_PANEL_COLLAPSE}")
    expect(drawer).not_to_be_in_viewport()
    board.page.locator(f"#{ids.SIDE_PANEL_TOGGLE}").click()
    expect(drawer).to_be_in_viewport()
    expect(drawer.get_by_text("Advanced Settings")).to_be_visible()
    board.screenshot("issue12-drawer-390")
    board.page.locator(f"#{ids.SIDE_PANEL_CLOSE}").click()
    expect(drawer).not_to_be_in_viewport()
    assert console_errors == []


def test_days_after_the_data_are_not_zero_and_a_partial_month_is_marked(setup, console_errors):  # noqa: F811
    board = setup.board
    data_up_to = setup.first + timedelta(days=27)
    board.open("?range=last_month")
    amount = traces(board.page, ids.OVERVIEW_GRAPH)[0]
    assert amount["x"][-1] == str(data_up_to) and len(amount["x"]) == 28  # no fall to zero after it
    notes = graph_data(board, "g.layout.annotations.map(a => a.text)", ids.OVERVIEW_GRAPH)
    assert f"data up to {data_up_to}" in notes
    expect(board.page.locator(f"#{ids.OVERVIEW_GRAPH} .annotation-text").first).to_have_text(f"data up to {data_up_to}")

    board.open("?tab=trend&range=last_3_months&granularity=month")
    bars = graph_data(board, "g.data[0]")
    month = str(setup.first)[:7]
    assert bars["x"][-1] == month  # this month, with no data yet, is not drawn
    assert bars["marker"]["pattern"]["shape"][-1] == "/"  # last month stops on its 28th: partial
    assert bars["customdata"][-1][1].endswith("(partial month)")
    notes = graph_data(board, "g.layout.annotations.map(a => a.text)")
    assert "partial month" in notes and f"data up to {data_up_to}" in notes
    board.screenshot("issue12-partial-month-1280")
    assert console_errors == []


def test_the_export_history_tells_tasks_apart_and_can_cancel(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?tab=trend&range=last_month&group_by=account_manager&search=alpha")
    board.page.locator(".ag-row[row-id=A-R1] input[type=checkbox]").first.check()
    board.page.locator(".export-format").get_by_text(".csv").click()
    board.page.get_by_role("button", name="Export", exact=True).click()
    board.page.get_by_text("Export Selected").click()
    toast = board.page.locator(".export-toast")
    expect(toast).to_contain_text("Export task created.")
    sign_out = board.page.get_by_role("button", name="Sign out").bounding_box()
    box = toast.bounding_box()
    assert box["y"] > sign_out["y"] + sign_out["height"] or box["x"] + box["width"] < sign_out["x"]  # clear of it

    # A task still waiting, and one that failed, put there as a worker would leave them.
    engine = setup.app.extensions["runtime"].engine
    query = ExpenditureQuery(Scope("A"), setup.first, setup.last)
    with engine.begin() as conn:
        export_tasks.create(conn, "admin@a", query, "Overview \u00b7 waiting", "xlsx", timedelta(days=7))
        failed = export_tasks.create(conn, "admin@a", query, "Overview \u00b7 failed", "xlsx", timedelta(days=7))
        export_tasks.fail(conn, failed, "the export queue is unavailable; please retry")
    board.tab("Export History")
    rows = board.page.locator(f"#{ids.EXPORT_HISTORY} tbody tr")
    trend_row = rows.filter(has_text="Trend by account manager")
    expect(trend_row).to_contain_text(f"Trend by account manager \u00b7 1 selected \u00b7 {setup.first} to "
                                      f"{setup.last} \u00b7 \u201calpha\u201d \u00b7 .csv")
    expect(trend_row.locator(".export-download")).to_be_visible()
    expires = trend_row.locator(".export-expires")
    expect(expires).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    expect(rows.filter(has_text="failed")).to_contain_text("The export queue is unavailable; please retry.")
    waiting_row = rows.filter(has_text="Overview \u00b7 waiting")
    expect(waiting_row.locator(".export-status")).to_have_text("Pending")
    waiting_row.get_by_role("button", name="Cancel").click()
    expect(waiting_row.locator(".export-status")).to_have_text("Cancelled")
    expect(waiting_row.get_by_role("button", name="Retry")).to_be_visible()
    expect(board.page.locator(".export-toast").last).to_contain_text("Export cancelled.")
    board.screenshot("issue12-export-tasks-1280")

    board.page.set_viewport_size(PHONE)
    board.page.evaluate("window.scrollTo(0, 0)")
    for cell in (trend_row.locator(".export-status"), trend_row.locator(".export-download")):
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], "Status and Download reachable on a phone"
    board.screenshot("issue12-export-tasks-390")
    assert console_errors == []


def test_the_finish_loading_in_the_apps_colour_and_the_format_a_choice(setup, console_errors):  # noqa: F811
    board = setup.board
    board.open("?range=last_month")
    held = []  # the Overview's answer is held back, so its loading indicator shows until released

    def hold_the_overview(route):
        if ids.OVERVIEW_TOTALS in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()
    board.page.context.route(re.compile(r".*_dash-update-component.*"), hold_the_overview)
    board.page.select_option(f"#{ids.RANGE_PRESET}", label="Last 7 days")
    dot = board.page.locator(".dash-dot-spinner > div").first
    expect(dot).to_be_visible()
    assert dot.evaluate("d => getComputedStyle(d).backgroundColor") == rgb(PRIMARY)
    for route in held:
        route.continue_()
    board.page.context.unroute(re.compile(r".*_dash-update-component.*"))
    expect(board.page.locator(".dash-dot-spinner")).to_have_count(0)

    choice = board.page.locator(".export-format input[type=radio]")
    expect(choice).to_have_count(2)
    expect(choice.first).to_be_checked()
    assert OTHERS_COLOR not in PALETTE
    assert console_errors == []


def test_screenshots_of_every_tab_at_both_widths(setup, console_errors):  # noqa: F811
    board = setup.board
    for size in (DESKTOP, PHONE):
        board.page.set_viewport_size(size)
        board.open("?range=last_month&group_by=account_manager")
        for label, name, graph in TABS:
            board.tab(label)
            if graph:
                expect(board.page.locator(f"#{graph} .main-svg").first).to_be_visible()
            board.screenshot(f"issue12-{name}-{size['width']}")
            assert board.page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert console_errors == []
