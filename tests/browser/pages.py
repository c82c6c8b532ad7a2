"""The dashboard as a person uses it, for browser tests: controls to operate and what the page
shows, found by the ids of dashboard/ids.py.

Actions only act. What a test asserts it asserts with an `expect_...` method: Playwright's
auto-retrying assertions on the element that shows the outcome, which pass as soon as the
callbacks set off have answered and fail (saying what the page shows) if they never do. Nothing
here waits for the page to be quiet: polling intervals and slow callbacks make "quiet" a matter
of chance on a loaded machine."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from dashboard import ids

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # ignored by git
EMPTY_CARD = "\u2014"  # a card's value until the overview's callback has answered

# The figure a graph has drawn (plotly.js keeps it on its .js-plotly-plot element).
TRACES = """id => (document.querySelector(`#${id} .js-plotly-plot`)?.data || []).map(t => ({
    name: t.name, x: t.x, y: t.y, labels: t.labels, text: t.text, customdata: t.customdata}))"""
GRID_ROW_IDS = """sorted => {
    const rows = Array.from(document.querySelectorAll('.ag-center-cols-container .ag-row[row-id]'))
        .sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))
        .map(row => row.getAttribute('row-id'));
    return sorted ? rows.sort() : rows;
}"""
SUGGESTIONS = f"""() => Array.from(document.querySelectorAll('#{ids.SEARCH_SUGGESTIONS} option'))
    .map(option => option.value)"""


class Dashboard:
    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url

    # --- doing --------------------------------------------------------------------------------

    def open(self, query: str = "") -> Dashboard:
        """Load the dashboard (a link's query string, if given); return once its tab is drawn."""
        self.page.goto(self.base_url + "/" + query)
        self.expect_tab_drawn()
        return self

    def tab(self, label: str) -> None:
        """Choose a tab; return once it is drawn."""
        self.page.get_by_role("tab", name=label).click()
        self.expect_active_tab(label)
        self.expect_tab_drawn()

    def choose_range(self, label: str) -> None:
        self.page.select_option(f"#{ids.RANGE_PRESET}", label=label)

    def set_days(self, first, last) -> None:
        self.page.fill(f"#{ids.RANGE_FROM}", str(first))
        self.page.fill(f"#{ids.RANGE_TO}", str(last))

    def search(self, text: str) -> None:
        self.page.fill(f"#{ids.SEARCH}", text)

    def group_by(self, label: str) -> None:
        self.page.select_option(f"#{ids.GROUP_BY}", label=label)

    def _button(self, group_id: str, label: str) -> None:
        self.page.locator(f"#{group_id}").get_by_text(label, exact=True).click()

    def granularity(self, label: str) -> None:
        self._button(ids.GRANULARITY, label)

    def measure(self, label: str) -> None:
        self._button(ids.MEASURE, label)

    def sort(self, by: str, order: str) -> None:
        self._button(ids.SORT_BY, by)
        self._button(ids.SORT_ORDER, order)

    def top_n(self, number: int) -> None:
        self.page.fill(f"#{ids.TOP_N}", str(number))
        self.page.press(f"#{ids.TOP_N}", "Enter")

    def hide_zero(self, on: bool) -> None:
        self.page.locator(f"#{ids.HIDE_ZERO}").set_checked(on)

    def filter(self, kind: str, basis: str, dimension_label: str, option_labels: list[str]) -> None:
        """Choose options of the include ("include") or exclude filter of a dimension."""
        self.page.locator(".filters .accordion-button", has_text=dimension_label).click()
        # A click on the dropdown while its section still slides open could miss it: wait
        # until the section is open, then until the list is (its search box has the focus).
        section = self.page.locator(f"#{ids.filter_section(basis)} .accordion-collapse")
        expect(section).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        dropdown = self.page.locator(f"#{ids.filter_values(kind, basis)}")
        dropdown.click()
        # The list moves the focus to its search box a frame after it opens (only once it has
        # options): keys typed before that go to the dropdown's button, which passes them on,
        # and one typed as the focus moved was lost ("Eastic Cloud Server"). So wait for the
        # box, and fill it (which focuses it) at once.
        search = self.page.locator("input.dash-dropdown-search")
        expect(search).to_be_visible()
        for label in option_labels:
            search.fill(label)
            self.page.get_by_role("option", name=label, exact=True).click()
            expect(dropdown).to_contain_text(label)  # chosen: shown as a value of the dropdown
            search.fill("")
        self.page.keyboard.press("Escape")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn mid-page
        self.page.screenshot(path=path, full_page=True)
        return path

    # --- expecting what the page shows (each retries until it holds or times out) ---------------

    def expect_tab_drawn(self) -> None:
        """The active tab's content shows its answer: the cards' totals, the groups' table or
        why it is empty, or the export history's table."""
        content = self.page.locator(f"#{ids.TAB_CONTENT}")
        drawn = content.locator(
            f"#{ids.overview_total('amount')}-value:not(:text-is('{EMPTY_CARD}')), "
            f"#{ids.BREAKDOWN_GROUPS} tfoot, #{ids.BREAKDOWN_MESSAGE}:visible, "
            f"#{ids.EXPORT_HISTORY}:not(:has-text('Loading'))")
        expect(drawn.first).to_be_visible()

    def expect_url_query(self, pattern: str) -> None:
        """The address's query string contains `pattern` (a literal text)."""
        expect(self.page).to_have_url(re.compile(r"\?.*" + re.escape(pattern)))

    def expect_active_tab(self, label: str) -> None:
        expect(self.page.locator(f"#{ids.TABS} .nav-link.active")).to_have_text(label)

    def expect_control(self, component_id: str, value: str) -> None:
        expect(self.page.locator(f"#{component_id}")).to_have_value(value)

    def expect_cards(self, texts: dict[str, str]) -> None:
        """The overview's cards, by measure ("amount", "amount_paid", "cash_coupon")."""
        for measure, text in texts.items():
            expect(self.page.locator(f"#{ids.overview_total(measure)}-value")).to_have_text(text)

    def expect_message(self, component_id: str, text: str | re.Pattern, whole: bool = True) -> None:
        """The alert is shown and reads `text` (whole, or containing it)."""
        alert = self.page.locator(f"#{component_id}")
        expect(alert).to_be_visible()
        (expect(alert).to_have_text if whole else expect(alert).to_contain_text)(text)

    def expect_suggestions(self, values: list[str]) -> None:
        self._expect_js(SUGGESTIONS, None, values, "the search's suggestions")

    def expect_traces(self, field: str, values: list, graph_id: str = ids.BREAKDOWN_GRAPH) -> None:
        """The drawn figure's traces' `field` ("name", "x", "labels", ...), one per trace."""
        self._expect_js(f"id => ({TRACES})(id).map(trace => trace[{field!r}])", graph_id, values,
                        f"the {field} of the traces of #{graph_id}")

    def expect_trace_names(self, names: list[str], graph_id: str = ids.BREAKDOWN_GRAPH) -> None:
        self.expect_traces("name", names, graph_id)

    def expect_points(self, counts: list[int], graph_id: str = ids.BREAKDOWN_GRAPH) -> None:
        """How many points (x values) each trace has."""
        self._expect_js(f"id => ({TRACES})(id).map(trace => (trace.x || []).length)", graph_id,
                        counts, f"the points per trace of #{graph_id}")

    def expect_annotation(self, text: str, graph_id: str = ids.BREAKDOWN_GRAPH) -> None:
        """The chart's annotation (the donut's centre) contains `text`."""
        expect(self.page.locator(f"#{graph_id} .annotation-text").first).to_contain_text(text)

    def expect_group_column(self, column: int, texts: list[str]) -> None:
        """The groups' table: the cells of one column, one per group (the total row aside)."""
        cells = self.page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody tr > :nth-child({column + 1})")
        expect(cells).to_have_text(texts)

    def expect_group_row(self, index: int, texts: list[str]) -> None:
        """The groups' table: the first cells of the group row at `index`."""
        row = self.page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody tr").nth(index)
        for column, text in enumerate(texts):
            expect(row.locator(f":scope > :nth-child({column + 1})")).to_have_text(text)

    def expect_total(self, column: int, text: str) -> None:
        """The groups' table: a cell of the total row."""
        cell = self.page.locator(f"#{ids.BREAKDOWN_GROUPS} tfoot tr > :nth-child({column + 1})")
        expect(cell).to_have_text(text)

    def expect_grid_record_ids(self, record_ids: list[str], any_order: bool = False) -> None:
        """The record ids on the grid's current page, top to bottom (or sorted)."""
        self._expect_js(GRID_ROW_IDS, any_order, sorted(record_ids) if any_order else record_ids,
                        "the grid's record ids")

    def expect_grid_total(self, total: int) -> None:
        """The grid's summary reads '... of TOTAL' (it redraws the summary while it fetches
        rows, so a single read can catch it empty)."""
        expect(self.page.locator(".ag-paging-row-summary-panel:visible").first).to_contain_text(
            f"of {total}")

    def _expect_js(self, read: str, arg, expected, what: str) -> None:
        """Wait until the page function `read(arg)` returns `expected` (compared as JSON): for
        what no element's text shows, such as a chart's data."""
        try:
            self.page.wait_for_function(
                f"([arg, expected]) => JSON.stringify(({read})(arg)) === JSON.stringify(expected)",
                arg=[arg, expected])
        except PlaywrightTimeoutError:
            actual = self.page.evaluate(read, arg)
            raise AssertionError(f"{what}: expected {expected!r}, the page shows {actual!r}") from None
