"""The Expenditure Trend and Expenditure Distribution tabs: one builder for both. They differ
only in the chart (lines over time, or a donut), which the callback draws."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.export_menu import export_menu, titled
from dashboard.figures import CONFIG, group_labels
from dashboard.format import MEASURE_LABELS, amount_text, money_text, share_text
from dashboard.loading import loading
from data_access.breakdowns import Breakdown
from data_access.details import DETAIL_COLUMN_KEYS, DETAIL_COLUMNS
from data_access.money import share

TITLES = {ids.TAB_TREND: "Expenditure trend", ids.TAB_DISTRIBUTION: "Expenditure distribution"}
PAGE_SIZE = 20
MONEY_MEASURES = ("amount", "cash_coupon", "amount_paid")
# A phone has room for two amounts: the coupons column shows from the small breakpoint up.
MONEY_CLASSES = {"amount": "", "cash_coupon": "d-none d-sm-table-cell", "amount_paid": ""}
COLUMN_WIDTHS = {"date": 116, "money": 200, "text": 170}
FIRST_TEXT_WIDTH = 150  # the account name beside the money: the three amounts fit 934 px
# The grid's columns: the money right after the day and account, so that at 1280 px all three
# amounts are in view without scrolling sideways; the other columns follow.
FIRST_COLUMNS = ("day", "account_name", "amount", "cash_coupon", "amount_paid")
GRID_COLUMNS = (*(column for key in FIRST_COLUMNS for column in DETAIL_COLUMNS if column.key == key),
                *(column for column in DETAIL_COLUMNS if column.key not in FIRST_COLUMNS))
ALWAYS_SHOWN = ("day", "amount", "amount_paid")
DEFAULT_SHOWN = tuple(column.key for column in GRID_COLUMNS if column.key not in ("region", "resource_id"))
NO_ROWS_TEXT = "No records to list."


def layout(tab: str) -> html.Div:
    return html.Div([
        dbc.Card([
            dbc.CardHeader(TITLES[tab], className="fw-semibold"),
            dbc.CardBody([
                dbc.Alert(id=ids.BREAKDOWN_MESSAGE, color="light", is_open=False),
                loading([dcc.Graph(id=ids.BREAKDOWN_GRAPH, config=CONFIG, className="chart"),
                             html.Div(id=ids.BREAKDOWN_GROUPS)]),
            ]),
        ], className="shadow-sm mb-3"),
        dbc.Card([
            dbc.CardHeader(titled("Detailed fees", html.Div([
                html.Span(id=ids.SELECTED_COUNT, className="small text-muted text-nowrap"),
                column_chooser(), export_menu(tab)], className="d-flex flex-wrap gap-2 align-items-center"))),
            dbc.CardBody(loading(html.Div(id=ids.DETAIL_GRID_BOX, className="detail-grid-box")),
                         className="p-0"),
        ], className="shadow-sm"),
    ])


def column_chooser() -> html.Div:
    """Which of the grid's columns show (a popover of ticks); remembered in the browser."""
    options = [{"label": column.header, "value": column.key, "disabled": column.key in ALWAYS_SHOWN}
               for column in GRID_COLUMNS]
    checklist = dbc.Checklist(id=ids.COLUMN_CHOOSER, options=options, value=list(DEFAULT_SHOWN),
                              persistence=True, persistence_type="local", className="column-chooser")
    return html.Div([
        dbc.Button([html.I(className="bi bi-layout-three-columns me-1"), "Columns"], id=ids.COLUMN_CHOOSER_BUTTON,
                   size="sm", color="secondary", outline=True),
        dbc.Popover(dbc.PopoverBody(checklist), target=ids.COLUMN_CHOOSER_BUTTON, trigger="legacy",
                    placement="bottom-end"),
    ])


def shown_columns(chosen) -> set[str]:
    """The column keys to show, from the chooser's value (from the browser: checked)."""
    keys = {key for key in chosen if key in DETAIL_COLUMN_KEYS} if isinstance(chosen, list) else set(DEFAULT_SHOWN)
    return keys | set(ALWAYS_SHOWN)


def no_rows(reason: str) -> html.Div:
    """The detail table's empty state, in words."""
    return html.Div([html.I(className="bi bi-inbox me-2"), NO_ROWS_TEXT, " ", reason],
                    className="text-muted p-4 text-center detail-empty")


def _swatch(color: str) -> html.Span:
    return html.Span(className="swatch me-2", style={"backgroundColor": color})


def group_table(breakdown: Breakdown, measure: str, currency: str, colors: dict[str, str]) -> dbc.Table:
    """The groups' totals in the chart's order and colours, with the total: the numbers
    behind the chart, and its legend. Share is of the amount the chart shows."""
    labels = group_labels(breakdown.groups)
    whole = breakdown.total.measure(measure)
    head = html.Thead(html.Tr([html.Th("Group"),
                               *(html.Th(MEASURE_LABELS[m], className=f"text-end {MONEY_CLASSES[m]}")
                                 for m in MONEY_MEASURES),
                               html.Th("Share", className="text-end")]))

    def row(label, money, share_value, color=None, **props):
        return html.Tr([html.Td([_swatch(color) if color else None, label]),
                        *(html.Td(money_text(money.measure(m), currency),
                                  className=f"text-end text-nowrap {MONEY_CLASSES[m]}")
                          for m in MONEY_MEASURES),
                        html.Td(share_text(share_value), className="text-end")], **props)

    body = html.Tbody([row(labels[g.key], g.money, share(g.money.measure(measure), whole), colors[g.key])
                       for g in breakdown.groups])
    foot = html.Tfoot(row("Total", breakdown.total, share(whole, whole), className="fw-semibold"))
    return dbc.Table([head, body, foot], size="sm", hover=True, responsive=True,
                     className="group-table mt-3 mb-0 align-middle")


def _column(column, currency: str, shown: set[str]) -> dict:
    width = FIRST_TEXT_WIDTH if column.key in FIRST_COLUMNS and column.kind == "text" else COLUMN_WIDTHS[column.kind]
    definition = {"field": column.key, "headerName": column.header, "width": width, "hide": column.key not in shown}
    if column.kind == "money":
        definition.update(headerName=f"{column.header} ({currency})", type="rightAligned",
                          cellClassRules={"text-danger": "params.value && params.value.startsWith('-')"})
    return definition


def grid_key(params: dict) -> str:
    """Names the grid of one query: a new query gets a new grid, which asks for its rows."""
    return json.dumps(params, sort_keys=True)


def grid_columns(currency: str, chosen) -> list[dict]:
    shown = shown_columns(chosen)
    return [_column(column, currency, shown) for column in GRID_COLUMNS]


def detail_grid(tab: str, params: dict, currency: str, chosen=None) -> html.Div:
    """The detail fees of the query `params`, paged and sorted on the server (infinite row
    model: the grid asks for rows through getRowsRequest, with `params` as its context).
    `chosen`: the column chooser's value."""
    columns = grid_columns(currency, chosen)
    grid = dag.AgGrid(
        id=ids.detail_grid(tab), rowModelType="infinite", columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "suppressHeaderMenuButton": True},
        getRowId="params.data.record_id",
        dashGridOptions={
            "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": False,
                             "enableClickSelection": False},
            "pagination": True, "paginationPageSize": PAGE_SIZE, "paginationPageSizeSelector": False,
            "cacheBlockSize": PAGE_SIZE, "maxBlocksInCache": 50, "context": params,
            "domLayout": "autoHeight",  # a page of rows, no inner scrolling
            "suppressColumnVirtualisation": True,  # fourteen columns at most: all in the page
        })
    return html.Div(grid, key=grid_key(params))


def grid_row(row: dict) -> dict:
    """A detail row for the browser: days as ISO text, money as exact text ("1,234.50")."""
    return {key: value.isoformat() if isinstance(value, date) else
            amount_text(value) if isinstance(value, Decimal) else value
            for key, value in row.items()}
