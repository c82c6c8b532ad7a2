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
from dashboard.figures import graph_config, group_labels
from dashboard.format import (
    MEASURE_LABELS,
    ROUNDED_NOTE,
    amount_text,
    change_color,
    exact_amount_text,
    exact_money_text,
    measure_label,
    money_text,
    percent_text,
    rounded_parts_add_up,
    share_text,
    signed_amount,
)
from dashboard.loading import loading
from data_access.breakdowns import Breakdown
from data_access.comparison import percent
from data_access.details import DETAIL_COLUMN_KEYS, DETAIL_COLUMNS
from data_access.forecast import Forecast
from data_access.money import share
from i18n import N_, _, day, month, pgettext, short_day
from i18n.terms import column_term, lower, term

TITLES = {ids.TAB_TREND: N_("Expenditure trend"), ids.TAB_DISTRIBUTION: N_("Expenditure distribution")}
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
NO_ROWS_TEXT = N_("No records to list.")


def layout(tab: str) -> html.Div:
    return html.Div([
        dbc.Card([
            dbc.CardHeader(_(TITLES[tab]), className="fw-semibold"),
            dbc.CardBody([
                html.Nav(id=ids.DRILL_BREADCRUMB, **{"aria-label": _("Drill-down path")}),
                dbc.Alert(id=ids.BREAKDOWN_MESSAGE, color="light", is_open=False),
                loading([dcc.Graph(id=ids.BREAKDOWN_GRAPH, config=graph_config(), className="chart"),
                         html.Div(id=ids.BREAKDOWN_GROUPS), html.Div(id=ids.BREAKDOWN_FORECAST)]),
            ]),
        ], className="shadow-sm mb-3"),
        loading(html.Div(id=ids.SCORECARD)),
        dbc.Card([
            dbc.CardHeader(titled(_("Detailed fees"), html.Div([
                html.Span(id=ids.SELECTED_COUNT, className="small text-muted text-nowrap"),
                column_chooser(), export_menu(tab)], className="d-flex flex-wrap gap-2 align-items-center"))),
            dbc.CardBody(loading(html.Div(id=ids.DETAIL_GRID_BOX, className="detail-grid-box")),
                         className="p-0"),
        ], className="shadow-sm"),
    ])


def column_chooser() -> html.Div:
    """Which of the grid's columns show (a popover of ticks); remembered in the browser."""
    options = [{"label": term(column.header), "value": column.key, "disabled": column.key in ALWAYS_SHOWN}
               for column in GRID_COLUMNS]
    checklist = dbc.Checklist(id=ids.COLUMN_CHOOSER, options=options, value=list(DEFAULT_SHOWN),
                              persistence=True, persistence_type="local", className="column-chooser")
    return html.Div([
        dbc.Button([html.I(className="bi bi-layout-three-columns me-1"), pgettext("grid", "Columns")],
                   id=ids.COLUMN_CHOOSER_BUTTON,
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
    return html.Div([html.I(className="bi bi-inbox me-2"), _(NO_ROWS_TEXT), " ", reason],
                    className="text-muted p-4 text-center detail-empty")


def _swatch(color: str) -> html.Span:
    return html.Span(className="swatch me-2", style={"backgroundColor": color})


def group_table(breakdown: Breakdown, measure: str, currency: str, colors: dict[str, str]) -> html.Div:
    """The groups' totals in the chart's order and colours, with the total: the numbers
    behind the chart, and its legend. Share is of the amount the chart shows; with a
    comparison, Previous, Change and Change % are of it too. A group's row drills into it, by
    click or by Enter (it is focusable: assets/drilldown.js). Money is rounded to the cent with
    the exact value on hover; a note says so where the rounded groups of a column do not add up
    to its rounded total."""
    labels = group_labels(breakdown.groups)
    whole = breakdown.total.measure(measure)
    compared = breakdown.comparison
    shown = lower(MEASURE_LABELS[measure])
    head = html.Thead(html.Tr([html.Th(_("Group")),
                               *(html.Th(measure_label(m), className=f"text-end {MONEY_CLASSES[m]}")
                                 for m in MONEY_MEASURES),
                               html.Th(_("Share"), className="text-end"),
                               *((html.Th(_("Previous"), className="text-end",
                                          title=_("%(measure)s, %(start)s to %(end)s", measure=measure_label(measure),
                                                  start=day(compared.start), end=day(compared.end))),
                                  html.Th(_("Change"), className="text-end",
                                          title=_("Change of %(measure)s", measure=shown)),
                                  html.Th(_("Change %"), className="text-end",
                                          title=_("Change of %(measure)s, in %%", measure=shown)))
                                 if compared else ())]))

    def comparison_cells(money, key):
        if compared is None:
            return []
        now = money.measure(measure)
        before = (compared.total if key is None else compared.previous(key)).measure(measure)
        color = change_color(now - before)
        return [html.Td(amount_text(before), title=exact_amount_text(before), className="text-end text-nowrap"),
                html.Td(signed_amount(now - before), title=exact_amount_text(now - before),
                        className=f"text-end text-nowrap {color}"),
                html.Td(percent_text(percent(now, before)), className=f"text-end text-nowrap {color}")]

    def row(label, money, share_value, color=None, key=None, **props):
        return html.Tr([html.Td([_swatch(color) if color else None, label]),
                        *(html.Td(money_text(money.measure(m), currency),
                                  title=exact_money_text(money.measure(m), currency),
                                  className=f"text-end text-nowrap {MONEY_CLASSES[m]}")
                          for m in MONEY_MEASURES),
                        html.Td(share_text(share_value), className="text-end"),
                        *comparison_cells(money, key)], **props)

    body = html.Tbody([row(labels[g.key], g.money, share(g.money.measure(measure), whole), colors[g.key], g.key,
                           id=ids.group_row(g.key), n_clicks=0, tabIndex=0, role="button",
                           className="drillable", title=_("Drill into %(group)s", group=labels[g.key]))
                       for g in breakdown.groups])
    foot = html.Tfoot(row(_("Total"), breakdown.total, share(whole, whole), className="fw-semibold"))
    table = dbc.Table([head, body, foot], size="sm", hover=True, responsive=True,
                      className="group-table mt-3 mb-0 align-middle")
    adds_up = all(rounded_parts_add_up((g.money.measure(m) for g in breakdown.groups),
                                       breakdown.total.measure(m)) for m in MONEY_MEASURES)
    return html.Div([table, None if adds_up else
                     html.Div(_(ROUNDED_NOTE), id=ids.BREAKDOWN_ROUNDED, className="small text-muted mt-2")])


def forecast_table(forecast: Forecast, basis_label: str, currency: str) -> html.Div:
    """Where the top groups' Amount lands at the end of the month of data up to."""
    def row(label, landing, **props):
        return html.Tr([html.Td(label), html.Td(money_text(landing.actual, currency), className="text-end text-nowrap"),
                        html.Td(money_text(landing.forecast, currency), className="text-end text-nowrap fw-semibold"),
                        html.Td(f"{amount_text(landing.low)} \u2013 {amount_text(landing.high)}",
                                className="text-end text-nowrap d-none d-sm-table-cell")], **props)
    head = html.Thead(html.Tr([html.Th(term(basis_label)),
                               html.Th(_("To %(day)s", day=short_day(forecast.data_up_to)),
                                       className="text-end text-nowrap"),
                               html.Th(_("Forecast"), className="text-end"),
                               html.Th(_("Range"), className="text-end d-none d-sm-table-cell")]))
    return html.Div([
        html.Div([html.I(className="bi bi-graph-up-arrow me-2"),
                  _("Forecast for %(month)s", month=month(forecast.month)),
                  html.Span(_(" \u2014 Amount, data up to %(day)s", day=day(forecast.data_up_to)),
                            className="text-muted fw-normal")],
                 className="fw-semibold small mt-4 mb-1"),
        dbc.Table([head, html.Tbody([row(term(group.label), group.amount) for group in forecast.groups]),
                   html.Tfoot(row(_("Total"), forecast.total.amount, className="fw-semibold"))],
                  size="sm", hover=True, responsive=True, className="group-table mb-0 align-middle"),
    ])


def breadcrumb(crumbs: list[tuple[str, str | None]]) -> dbc.Breadcrumb | None:
    """The drill-down path: (text, link back to it) per step, the last one the view shown."""
    if len(crumbs) < 2:
        return None
    return dbc.Breadcrumb(items=[{"label": text, "href": href, "active": href is None} for text, href in crumbs],
                          class_name="drill-breadcrumb mb-2 small")


def _column(column, currency: str, shown: set[str]) -> dict:
    width = FIRST_TEXT_WIDTH if column.key in FIRST_COLUMNS and column.kind == "text" else COLUMN_WIDTHS[column.kind]
    definition = {"field": column.key, "headerName": term(column.header), "width": width,
                  "hide": column.key not in shown}
    if column.kind == "money":
        definition.update(headerName=f"{term(column.header)} ({currency})", type="rightAligned",
                          tooltipField=exact_field(column.key),  # the exact value on hover
                          cellClassRules={"text-danger": "params.value && params.value.startsWith('-')"})
    return definition


def exact_field(key: str) -> str:
    """The row field holding a money column's exact text (its own shows it rounded)."""
    return f"{key}_exact"


# AG Grid's own words (its pager), in the user's language: by its localeText keys.
GRID_WORDS = {"page": N_("Page"), "of": N_("of"), "to": N_("to"), "more": N_("more"),
              "firstPage": N_("First Page"), "previousPage": N_("Previous Page"), "nextPage": N_("Next Page"),
              "lastPage": N_("Last Page"), "loadingOoo": N_("Loading…"), "noRowsToShow": N_("No rows to show")}


def grid_words() -> dict[str, str]:
    return {key: _(word) for key, word in GRID_WORDS.items()}


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
            "localeText": grid_words(),
            "cacheBlockSize": PAGE_SIZE, "maxBlocksInCache": 50, "context": params,
            "domLayout": "autoHeight",  # a page of rows, no inner scrolling
            "suppressColumnVirtualisation": True,  # fourteen columns at most: all in the page
            "tooltipShowDelay": 300,
        })
    return html.Div(grid, key=grid_key(params))


def grid_row(row: dict) -> dict:
    """A detail row for the browser: days as ISO text, money as text rounded to the cent
    ("1,234.50") and, for the tooltip, exact ("1,234.49876543")."""
    shown = {}
    for key, value in row.items():
        if isinstance(value, Decimal):
            shown[key], shown[exact_field(key)] = amount_text(value), exact_amount_text(value)
        else:
            shown[key] = value.isoformat() if isinstance(value, date) else column_term(key, value)
    return shown
