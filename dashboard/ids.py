"""Component ids, shared by layout, callbacks and tests. Repeated parts (one per tab) use
pattern-matching ids built by the functions below."""
from enum import StrEnum


class Tab(StrEnum):
    OVERVIEW = "overview"
    TREND = "trend"
    DISTRIBUTION = "distribution"
    EXPORTS = "exports"


TABS = "tabs"                  # dbc.Tabs / dcc.Tabs; values: the Tab members, also named TAB_* here
TAB_OVERVIEW, TAB_TREND, TAB_DISTRIBUTION, TAB_EXPORTS = Tab
URL = "url"                    # dcc.Location: the view's state lives in the query string
QUERY_PARAMS = "query-params"  # dcc.Store: ExpenditureQuery.to_params() of the view shown
TOASTS = "toasts"              # container the toasts go into
OVERVIEW_EXPORT = "overview-export"  # button: export everything the overview's query matches


def detail_grid(tab: str) -> dict:
    """The dash-ag-grid of detail fees on the trend / distribution tab; rows carry record_id."""
    return {"type": "detail-grid", "tab": tab}


def export_selected(tab: str) -> dict:
    """Export > Export Selected menu item."""
    return {"type": "export-selected", "tab": tab}


def export_shown(tab: str) -> dict:
    """Export > Export This View menu item: the tab's group table and series as shown."""
    return {"type": "export-shown", "tab": tab}


def view_export(tab: str) -> dict:
    """Export > View Export menu item: switches TABS to TAB_EXPORTS."""
    return {"type": "view-export", "tab": tab}


def export_format(tab: str) -> dict:
    """dbc.RadioItems next to the Export menu: "xlsx" (the default) or "csv"."""
    return {"type": "export-format", "tab": tab}


# The Export History tab (dashboard.export_history.layout()).
EXPORT_HISTORY = "export-history"    # the table of tasks
EXPORT_REFRESH = "export-refresh"    # dcc.Interval: enabled only while a task is Pending/Processing
EXPORT_RETRIED = "export-retried"    # dcc.Store: bumped by a Retry or Cancel, so the table refreshes


def export_retry(task_id: str) -> dict:
    """The Retry button of a Failed task in the Export History."""
    return {"type": "export-retry", "task": task_id}


def export_cancel(task_id: str) -> dict:
    """The Cancel button of a Pending or Processing task in the Export History."""
    return {"type": "export-cancel", "task": task_id}


# --- The page shell and the view's controls (dashboard/shell.py, dashboard/controls.py) ------
HEADER = "header"                    # partner, data freshness, time zone, sign-in: filled on load
LANGUAGE = "language"                # the header's language switch (a language code)
LANGUAGE_SAVED = "language-saved"    # the language just stored: the page reloads in it
SELECTION_WORDS = "selection-words"  # the words of the grid's "N selected", in the page's language
TAB_CONTENT = "tab-content"          # the active tab's content, rendered when the tab is chosen
VIEW_MESSAGE = "view-message"        # dbc.Alert: a control or link value that cannot be used
TOOLBAR = "toolbar"                  # time range, search, grouping: hidden on the export history
RANGE_PRESET = "range-preset"        # dbc.Select: a time range preset or "custom"
RANGE_FROM, RANGE_TO = "range-from", "range-to"  # date inputs: the range's first and last day
SEARCH = "search"                    # account manager or customer account name
SEARCH_SUGGESTIONS = "search-suggestions"  # html.Datalist of SEARCH
GROUPING = "grouping"                # container of GROUP_BY: trend and distribution only
GROUP_BY = "group-by"
GRANULARITY_BOX = "granularity-box"  # container of GRANULARITY: overview and trend only
GRANULARITY = "granularity"
CHART_TYPE_BOX = "chart-type-box"    # container of CHART_TYPE: trend only
CHART_TYPE = "chart-type"            # stacked columns, lines or stacked area
COMPARE = "compare"                  # dbc.Select: compare with none / the previous period / a year before
MAIN_COLUMN = "main-column"
SIDE_PANEL = "side-panel"            # Sorting Dimensions and Advanced Settings (right column)
SIDE_PANEL_TOGGLE = "side-panel-toggle"      # button shown on narrow screens
SIDE_PANEL_COLLAPSE = "side-panel-collapse"  # a drawer on narrow screens, the right column on wide ones
SIDE_PANEL_CLOSE = "side-panel-close"        # the drawer's close button (narrow screens)
SIDE_PANEL_BACKDROP = "side-panel-backdrop"  # behind the open drawer; a click closes it
TOOLBAR_TOGGLE = "toolbar-toggle"    # on a phone: shows the toolbar's controls past the time range
TOOLBAR_BOX = "toolbar-box"          # wraps TOOLBAR; "toolbar-open" when they show
SORT_BY, SORT_ORDER = "sort-by", "sort-order"
MEASURE = "measure"                  # the amount the breakdown charts draw
HIDE_ZERO = "hide-zero"
TOP_N = "top-n"


def filter_values(kind: str, basis: str) -> str:
    """Multi-select dropdown of an include / exclude filter on one grouping basis."""
    return f"{kind}-{basis}".replace("_", "-")


def filter_section(basis: str) -> str:
    """The accordion item holding one basis' filters; its title counts the chosen values."""
    return f"filter-section-{basis}".replace("_", "-")


# --- Overview -----------------------------------------------------------------------------
OVERVIEW_TOTALS = "overview-totals"  # the cards' row
OVERVIEW_GRAPH = "overview-graph"
OVERVIEW_MESSAGE = "overview-message"  # why nothing shows
OVERVIEW_ROUNDED = "overview-rounded"  # the note that rounded cards do not add up
OVERVIEW_FORECAST = "overview-forecast"  # the card "Forecast for MONTH"
OVERVIEW_BREAKDOWNS = "overview-breakdowns"  # links from the total to its breakdowns
MOVERS = "movers"                    # the movers panel (dashboard/movers.py)
MOVERS_TABS = "movers-tabs"          # a tab per status
MOVERS_LIST = "movers-list"          # the customers of the active tab


def overview_total(measure: str) -> str:
    """The card of one total: "amount", "amount_paid" or "cash_coupon"; its value in
    `overview_total(measure) + "-value"`."""
    return f"overview-total-{measure}".replace("_", "-")


# --- Trend and distribution (one of them is on screen at a time) ---------------------------
BREAKDOWN_GRAPH = "breakdown-graph"    # lines on the trend tab, donut on the distribution tab
BREAKDOWN_GROUPS = "breakdown-groups"  # table of the groups' totals (the charts' legend)
BREAKDOWN_MESSAGE = "breakdown-message"
BREAKDOWN_ROUNDED = "breakdown-rounded"  # the note that the table's rounded groups do not add up
BREAKDOWN_FORECAST = "breakdown-forecast"  # the top groups' month-end forecast
DETAIL_GRID_BOX = "detail-grid-box"    # holds detail_grid(tab), made anew for each query
COLUMN_CHOOSER = "column-chooser"      # dbc.Checklist of the grid's columns shown (kept in the browser)
COLUMN_CHOOSER_BUTTON = "column-chooser-button"  # opens the chooser's popover
SELECTED_COUNT = "selected-count"      # "N selected", beside the Export menu
SCORECARD = "scorecard"                # the account-manager scorecard, when grouped by manager
DRILL_BREADCRUMB = "drill-breadcrumb"  # the drill-down steps, each a link back to it
DRILL_REQUEST = "drill-request"        # dcc.Store: {"key": group key} of a chart or legend click


def group_row(key: str) -> dict:
    """A row of the groups' table: clicking it (or Enter on it) drills into the group."""
    return {"type": "group-row", "key": key}
