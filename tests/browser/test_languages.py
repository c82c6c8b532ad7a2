"""Chinese in headless Chromium (SPEC.md, "Languages"): a browser that prefers Chinese signs in,
reads every tab without an English label left, exports and opens the file in Chinese; the
header's switch to English is stored, so a reload stays English. Screenshots of every tab in
Chinese, wide and phone-sized, go to tests/artifacts/."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import openpyxl
import pytest
from playwright.sync_api import expect

import i18n
from dashboard import ids
from dashboard.time_range import Preset, preset_range, today_in
from data_access import export_tasks
from data_access.export_tasks import utc_now
from data_access.query import MAX_TOP_N, ExpenditureQuery, Scope
from data_access.users import get_user
from exports.builder import build_export
from exports.service import task_name
from tests.browser.pages import Dashboard
from tests.helpers import make_app, seed_small, submit_sign_in
from tests.helpers.database import empty

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
TABS = ("概览", "消费趋势", "消费分布", "导出记录")
# Words of the interface that must not be left in English on a Chinese page (the data's own
# names, such as service types and customers, stay as they are).
ENGLISH = ("Overview", "Expenditure", "Export", "Amount", "Cash coupons", "Sorting", "Advanced Settings",
           "Time range", "Search", "Group by", "Granularity", "Compare", "Detailed fees", "Share", "Total",
           "Sign out", "Data up to", "Unassigned", "Others", "Hide zero", "Last 30 days", "Last month", "Movers",
           "Forecast", "Yearly/Monthly", "Pay-per-use", "Reserved instance", "Savings plan", "Reseller",
           "Referral", "Refund", "Adjustment", "Descending", "Ascending", "Account manager", "Customer account",
           "Service type", "Billing mode", "Association type", "Previous", "Change", "Range", "Filters",
           "Top N", "Download", "Completed", "Pending", "Processing", "Status", "Parameters", "Rows",
           "Created", "Operation", "records", "Day", "Month", "Name", "Nothing", "Growing", "Customers",
           "Page", "of", "to", "Format", "Columns", "Settings", "More", "Chart", "Tick rows", "selected",
           # what the errors say
           "Error", "Failed", "Retry", "Cancel", "cannot", "could not", "must be", "unknown", "is after", "Correct",
           "query", "link", "years", "top N")
# Every text a person reads: the page's, the stylesheet's (text put before or after an element,
# and the attributes it takes it from), the charts' (drawn as SVG) and their traces' names and
# hover texts.
READ = """() => [document.body.innerText,
    ...Array.from(document.querySelectorAll('body *')).flatMap(element => ['::before', '::after'].map(
        part => getComputedStyle(element, part).content).filter(content => !['none', 'normal'].includes(content))),
    ...Array.from(document.querySelectorAll('[data-label]')).map(element => element.dataset.label),
    ...Array.from(document.querySelectorAll('svg text')).map(text => text.textContent),
    ...Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(graph => (graph.data || []).flatMap(
        trace => [trace.name, trace.hovertemplate, ...[].concat(trace.hovertext || []),
                  // a point's customdata: its group's key (a code, not read), then its hover text
                  ...(trace.customdata || []).flatMap(item => Array.isArray(item) ? item.slice(1) : [item])]))
].filter(Boolean).join('\\n')"""


def english_left(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![a-z])", text)]


@pytest.fixture
def chinese(browser):
    """A page of a browser whose preferred language is Chinese (Accept-Language: zh-CN)."""
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def test_a_chinese_browser_reads_every_tab_exports_and_switches_to_english(duckdb_database, tmp_path, live_server,
                                                                          chinese):
    engine = empty(duckdb_database)
    first, _last = preset_range(Preset.LAST_MONTH, today_in("+08:00", utc_now()))
    data = seed_small(engine, start=first)
    base_url = live_server(make_app(engine, tmp_path))
    page, errors = chinese, []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(base_url + "/login")
    expect(page.locator("h1")).to_have_text("消费统计")
    expect(page.locator("button[type=submit]")).to_have_text("登录")
    submit_sign_in(page, data.admin_a.login, data.admin_a.password)

    board = Dashboard(page, base_url)
    board.open("?range=last_month&compare=previous")
    expect(page.locator(f"#{ids.OVERVIEW_BREAKDOWNS}")).to_contain_text("按客户经理")
    expect(page.locator(f"#{ids.overview_total('amount')}-value")).to_have_text("¥12,677.82")
    for tab in TABS:
        page.get_by_role("tab", name=tab).click()
        board.expect_active_tab(tab)
        content = page.locator(f"#{ids.TAB_CONTENT}")
        if tab == "导出记录":
            expect(content).to_contain_text("暂无导出")
        else:
            expect(content.locator(f"#{ids.OVERVIEW_GRAPH} .xtick, #{ids.BREAKDOWN_GRAPH} .slice, "
                                   f"#{ids.BREAKDOWN_GRAPH} .xtick").first).to_be_visible()
            if tab != "概览":
                expect(content.locator(".ag-header-cell-text", has_text="日期")).to_be_visible()  # the grid's header
                expect(content.locator(f"#{ids.BREAKDOWN_GROUPS} tfoot")).to_contain_text("合计")
        for size, name in ((DESKTOP, "wide"), (PHONE, "phone")):
            page.set_viewport_size(size)
            # the charts have followed the new width: nothing sticks out of the page
            page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth")
            board.screenshot(f"zh-{TABS.index(tab)}-{name}")
        page.set_viewport_size(DESKTOP)
        assert english_left(page.evaluate(READ)) == [], tab

    # Distribution by billing mode: the enumeration's labels in Chinese, the URL in codes.
    page.get_by_role("tab", name="消费分布").click()
    page.select_option(f"#{ids.GROUP_BY}", label="计费模式")
    board.expect_url_query("group_by=billing_mode")
    expect(page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody")).to_contain_text("按需")
    assert english_left(page.evaluate(READ)) == []

    # What cannot be used is said in Chinese: the days the wrong way round, then a link's unknown settings.
    page.get_by_role("tab", name="概览").click()
    board.expect_active_tab("概览")
    later, earlier = first.replace(day=20), first.replace(day=10)
    board.set_days(later, earlier)
    board.expect_message(ids.VIEW_MESSAGE, f"开始日期（{later}）晚于结束日期（{earlier}）")
    board.expect_message(ids.OVERVIEW_MESSAGE, "请先更正上方的设置：当前设置无法使用。")
    for size, name in ((DESKTOP, "wide"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth")
        board.screenshot(f"zh-error-{name}")
    page.set_viewport_size(DESKTOP)
    assert english_left(page.evaluate(READ)) == []
    board.open("?range=last_month&tab=nope&colour=red")
    board.expect_message(ids.VIEW_MESSAGE,
                         "此链接中的部分设置无法使用，已重置：未知的设置 'colour'；标签页：未知的值 'nope'。")
    assert english_left(page.evaluate(READ)) == []

    # Why a view is empty, and why an export was refused, in Chinese too.
    before = (first - timedelta(days=400), first - timedelta(days=370))
    board.open(f"?range=custom&from={before[0]}&to={before[1]}")
    board.expect_message(ids.OVERVIEW_MESSAGE, f"{before[0]} 至 {before[1]} 没有消费。")
    assert english_left(page.evaluate(READ)) == []
    board.open("?range=last_month&tab=trend")
    page.get_by_role("button", name="导出", exact=True).click()
    page.get_by_text("导出所选").click()  # nothing ticked
    expect(page.locator(".export-toast")).to_contain_text("请先选择要导出的记录：在表格中勾选。")
    assert english_left(page.evaluate(READ)) == []

    # An export that failed says why in Chinese: built from a query a later version refuses.
    query = ExpenditureQuery(Scope("A"), first, earlier)
    with engine.begin() as conn, i18n.speaking(i18n.CHINESE):
        failed = export_tasks.create(conn, data.admin_a.login, query, task_name(query, "xlsx"), "xlsx",
                                     timedelta(days=7), language=i18n.CHINESE)
        parameters = export_tasks.get(conn, failed).parameters
        parameters["query"]["top_n"] = MAX_TOP_N + 1
        conn.execute(export_tasks.t.update().where(export_tasks.t.c.task_id == failed)
                     .values(parameters=json.dumps(parameters)))
    assert build_export(engine, failed, tmp_path) == export_tasks.FAILED

    # Export from the Overview, then open the file: in Chinese.
    page.get_by_role("tab", name="概览").click()
    board.expect_active_tab("概览")
    export = page.locator(f"#{ids.OVERVIEW_EXPORT}")  # the Overview's own button, once it is drawn
    expect(export).to_have_text("导出")
    export.click()
    expect(page.get_by_text("导出任务已创建。")).to_be_visible()
    page.get_by_role("tab", name="导出记录").click()
    history = page.locator(f"#{ids.EXPORT_HISTORY}")
    expect(history.get_by_text("已完成")).to_be_visible()
    expect(history).to_contain_text("查询匹配的全部记录")
    expect(history.locator(".export-reason")).to_have_text(
        f"无法执行该查询：前 N 项必须在 1 到 {MAX_TOP_N} 之间，而不是 {MAX_TOP_N + 1}")
    for size, name in ((DESKTOP, "wide"), (PHONE, "phone")):
        page.set_viewport_size(size)
        board.screenshot(f"zh-failed-export-{name}")
    page.set_viewport_size(DESKTOP)
    assert english_left(page.evaluate(READ)) == []
    with page.expect_download() as download_info:
        history.get_by_text("下载").click()
    path = tmp_path / "download.xlsx"
    download_info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["分组", "趋势", "消费"] and book["分组"]["A1"].value == "当前视图的消费"
    cells = "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
                      if isinstance(cell, str))
    assert "按需" in cells and english_left(cells) == []  # the labels of the rows too

    # English in the header: stored with the user, so it stays after a reload; the view stays.
    page.select_option(f"#{ids.LANGUAGE}", "en")
    board.expect_active_tab("Export History")
    with engine.connect() as conn:
        assert get_user(conn, data.admin_a.login).language == "en"
    page.reload()
    board.expect_active_tab("Export History")
    expect(page.get_by_role("tab", name="Overview")).to_be_visible()
    expect(page.locator(f"#{ids.EXPORT_HISTORY}")).to_contain_text("Completed")
    assert errors == []
