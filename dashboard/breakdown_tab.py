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
from data_access.breakdowns import Breakdown
from data_access.details import DETAIL_COLUMNS
from data_access.money import share

TITLES = {ids.TAB_TREND: "Expenditure trend", ids.TAB_DISTRIBUTION: "Expenditure distribution"}
PAGE_SIZE = 20
MONEY_MEASURES = ("amount", "cash_coupon", "amount_paid")
# A phone has room for two amounts: the coupons column shows from the small breakpoint up.
MONEY_CLASSES = {"amount": "", "cash_coupon": "d-none d-sm-table-cell", "amount_paid": ""}
COLUMN_WIDTHS = {"date": 120, "money": 150, "text": 170}


def layout(tab: str) -> html.Div:
    return html.Div([
        dbc.Card([
            dbc.CardHeader(TITLES[tab], className="fw-semibold"),
            dbc.CardBody([
                dbc.Alert(id=ids.BREAKDOWN_MESSAGE, color="light", is_open=False),
                dcc.Loading([dcc.Graph(id=ids.BREAKDOWN_GRAPH, config=CONFIG, className="chart"),
                             html.Div(id=ids.BREAKDOWN_GROUPS)]),
            ]),
        ], className="shadow-sm mb-3"),
        dbc.Card([
            dbc.CardHeader(titled("Detailed fees", export_menu(tab))),
            dbc.CardBody(dcc.Loading(html.Div(id=ids.DETAIL_GRID_BOX, className="detail-grid-box")),
                         className="p-0"),
        ], className="shadow-sm"),
    ])


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


def _column(column, currency: str) -> dict:
    definition = {"field": column.key, "headerName": column.header, "width": COLUMN_WIDTHS[column.kind]}
    if column.kind == "money":
        definition.update(headerName=f"{column.header} ({currency})", type="rightAligned",
                          cellClassRules={"text-danger": "params.value && params.value.startsWith('-')"})
    return definition


def grid_key(params: dict) -> str:
    """Names the grid of one query: a new query gets a new grid, which asks for its rows."""
    return json.dumps(params, sort_keys=True)


def detail_grid(tab: str, params: dict, currency: str) -> html.Div:
    """The detail fees of the query `params`, paged and sorted on the server (infinite row
    model: the grid asks for rows through getRowsRequest, with `params` as its context)."""
    columns = [_column(column, currency) for column in DETAIL_COLUMNS]
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
        })
    return html.Div(grid, key=grid_key(params))


def grid_row(row: dict) -> dict:
    """A detail row for the browser: days as ISO text, money as exact text ("1,234.50")."""
    return {key: value.isoformat() if isinstance(value, date) else
            amount_text(value) if isinstance(value, Decimal) else value
            for key, value in row.items()}
