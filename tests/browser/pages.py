"""The dashboard as a person uses it, for browser tests: controls to operate and what the page
shows, found by the ids of dashboard/ids.py. Every action waits until the callbacks it set off
have answered."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from dashboard import ids

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # ignored by git
CALLBACK_PATH = "/_dash-update-component"
QUIET_MS = 900  # longer than the longest debounce (dates: 600 ms), so typing has been sent


class Dashboard:
    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self._in_flight = 0
        page.on("request", lambda request: self._count(request, 1))
        page.on("requestfinished", lambda request: self._count(request, -1))
        page.on("requestfailed", lambda request: self._count(request, -1))

    def _count(self, request, step: int) -> None:
        if request.method == "POST" and urlsplit(request.url).path == CALLBACK_PATH:
            self._in_flight += step

    def settle(self, timeout_s: float = 20) -> None:
        """Wait until no callback has been in flight, nor any component loading, for QUIET_MS."""
        deadline, quiet_since = time.monotonic() + timeout_s, None
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
            if self._in_flight or self.page.locator("[data-dash-is-loading=true]").count():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_MS / 1000:
                return
        raise AssertionError("the page's callbacks did not settle")

    # --- doing --------------------------------------------------------------------------------

    def open(self, query: str = "") -> Dashboard:
        self.page.goto(self.base_url + "/" + query)
        self.page.locator(f"#{ids.TAB_CONTENT} > *").first.wait_for()
        self.settle()
        return self

    def tab(self, label: str) -> None:
        self.page.get_by_role("tab", name=label).click()
        self.settle()

    def choose_range(self, label: str) -> None:
        self.page.select_option(f"#{ids.RANGE_PRESET}", label=label)
        self.settle()

    def set_days(self, first, last) -> None:
        self.page.fill(f"#{ids.RANGE_FROM}", str(first))
        self.page.fill(f"#{ids.RANGE_TO}", str(last))
        self.settle()

    def search(self, text: str) -> None:
        self.page.fill(f"#{ids.SEARCH}", text)
        self.settle()

    def group_by(self, label: str) -> None:
        self.page.select_option(f"#{ids.GROUP_BY}", label=label)
        self.settle()

    def _button(self, group_id: str, label: str) -> None:
        self.page.locator(f"#{group_id}").get_by_text(label, exact=True).click()
        self.settle()

    def granularity(self, label: str) -> None:
        self._button(ids.GRANULARITY, label)

    def measure(self, label: str) -> None:
        self._button(ids.MEASURE, label)

    def sort(self, by: str, order: str) -> None:
        self.page.locator(f"#{ids.SORT_BY}").get_by_text(by, exact=True).click()
        self._button(ids.SORT_ORDER, order)

    def top_n(self, number: int) -> None:
        self.page.fill(f"#{ids.TOP_N}", str(number))
        self.page.press(f"#{ids.TOP_N}", "Enter")
        self.settle()

    def hide_zero(self, on: bool) -> None:
        self.page.locator(f"#{ids.HIDE_ZERO}").set_checked(on)
        self.settle()

    def filter(self, kind: str, basis: str, dimension_label: str, option_labels: list[str]) -> None:
        """Choose options of the include ("include") or exclude filter of a dimension."""
        self.page.locator(".filters .accordion-button", has_text=dimension_label).click()
        dropdown = self.page.locator(f"#{ids.filter_values(kind, basis)}")
        dropdown.click()
        for label in option_labels:
            self.page.keyboard.type(label)  # the list's search box has the focus
            self.page.get_by_role("option", name=label, exact=True).click()
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Backspace")
        self.page.keyboard.press("Escape")
        self.settle()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn mid-page
        self.page.screenshot(path=path, full_page=True)
        return path

    # --- reading ------------------------------------------------------------------------------

    def query_string(self) -> str:
        return urlsplit(self.page.url).query

    def active_tab(self) -> str:
        return self.page.inner_text(f"#{ids.TABS} .nav-link.active")

    def control(self, component_id: str) -> str:
        return self.page.input_value(f"#{component_id}")

    def cards(self) -> dict[str, str]:
        return {measure: self.page.inner_text(f"#{ids.overview_total(measure)}-value")
                for measure in ("amount", "amount_paid", "cash_coupon")}

    def message(self, component_id: str) -> str | None:
        alert = self.page.locator(f"#{component_id}")
        return alert.inner_text().strip() if alert.count() and alert.is_visible() else None

    def suggestions(self) -> list[str]:
        return self.page.eval_on_selector_all(f"#{ids.SEARCH_SUGGESTIONS} option",
                                              "options => options.map(option => option.value)")

    def traces(self, graph_id: str = ids.BREAKDOWN_GRAPH) -> list[dict]:
        """The drawn figure's traces (name, x, y, labels, text, customdata)."""
        self.page.wait_for_function(  # plotly.js loads on the first chart
            "id => document.querySelector(`#${id} .js-plotly-plot`)?.data", arg=graph_id)
        return self.page.evaluate(
            """id => (document.querySelector(`#${id} .js-plotly-plot`)?.data || []).map(t => ({
                name: t.name, x: t.x, y: t.y, labels: t.labels, text: t.text,
                customdata: t.customdata}))""", graph_id)

    def annotation(self, graph_id: str = ids.BREAKDOWN_GRAPH) -> str:
        return self.page.evaluate(
            "id => document.querySelector(`#${id} .js-plotly-plot`).layout.annotations[0].text", graph_id)

    def trace_names(self, graph_id: str = ids.BREAKDOWN_GRAPH) -> list[str]:
        return [trace["name"] for trace in self.traces(graph_id)]

    def group_rows(self) -> list[list[str]]:
        """The groups' table: one list of cell texts per group, then the total."""
        return self.page.eval_on_selector_all(
            f"#{ids.BREAKDOWN_GROUPS} tbody tr, #{ids.BREAKDOWN_GROUPS} tfoot tr",
            "rows => rows.map(row => Array.from(row.cells).map(cell => cell.innerText.trim()))")

    def grid_record_ids(self) -> list[str]:
        """The record ids on the grid's current page, top to bottom."""
        self.page.locator(".ag-center-cols-container .ag-row[row-id]").first.wait_for()
        return self.page.eval_on_selector_all(
            ".ag-center-cols-container .ag-row[row-id]",
            """rows => rows.sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))
                         .map(row => row.getAttribute('row-id'))""")

    def expect_grid_total(self, total: int) -> None:
        """Wait until the grid's summary reads '... of TOTAL': its script loads on first use and
        it redraws the summary while it fetches rows, so a single read can catch it empty."""
        expect(self.page.locator(".ag-paging-row-summary-panel:visible").first).to_contain_text(
            f"of {total}", timeout=15_000)
