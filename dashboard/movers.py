"""The Overview's movers: the customers whose spend changed most against the comparison period,
a tab per status (with its count), each customer a link to the Trend tab filtered to it. And the
account-manager scorecard of the Trend and Distribution tabs, grouped by account manager."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.format import amount_text, money_text
from data_access.forecast import Forecast
from data_access.movers import Movers, Scorecard, Status

SHOWN = 20  # customers listed per status
STATUS_ORDER = (Status.GROWING, Status.SHRINKING, Status.NEW, Status.LOST, Status.STEADY)


def layout() -> dbc.Card:
    return dbc.Card([
        dbc.CardHeader("Movers", className="fw-semibold"),
        dbc.CardBody(dcc.Loading(html.Div(id=ids.MOVERS))),
    ], className="shadow-sm mt-3")


def _change(value, currency: str) -> html.Td:
    color = "text-success" if value > 0 else "text-danger" if value < 0 else ""
    sign = "+" if value > 0 else ""
    return html.Td(sign + money_text(value, currency), className=f"text-end text-nowrap {color}")


def _table(movers, currency: str, links: dict[str, str]) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th("Customer account"),
                               html.Th("Account manager", className="d-none d-md-table-cell"),
                               html.Th("Current", className="text-end"),
                               html.Th("Previous", className="text-end d-none d-sm-table-cell"),
                               html.Th("Change", className="text-end")]))
    body = html.Tbody([html.Tr([
        html.Td(dcc.Link(mover.account_name, href=links[mover.customer_id], className="mover-link",
                         title=f"Trend of {mover.account_name}")),
        html.Td(mover.account_manager, className="d-none d-md-table-cell"),
        html.Td(money_text(mover.current.amount, currency), className="text-end text-nowrap"),
        html.Td(money_text(mover.previous.amount, currency), className="text-end text-nowrap d-none d-sm-table-cell"),
        _change(mover.change, currency),
    ]) for mover in movers])
    return dbc.Table([head, body], size="sm", hover=True, responsive=True, className="movers-table mb-0 align-middle")


def movers_panel(result: Movers, currency: str, links: dict[str, str]) -> list:
    """What changed, against which period, and a tab per status with its first SHOWN
    customers (largest change first). `links`: the Trend view of each customer listed."""
    counts = result.counts
    intro = html.P(f"Customers whose Amount changed against {result.compare_start} to {result.compare_end}.",
                   className="small text-muted mb-2")
    if not result.movers:
        return [intro, html.P("No customer spent in either period.", className="mb-0")]
    tabs = []
    for status in STATUS_ORDER:
        listed = result.of(status)[:SHOWN]
        more = counts[status] - len(listed)
        content = [_table(listed, currency, links) if listed else
                   html.P(f"No {status.label.lower()} customers.", className="text-muted small my-2")]
        if more > 0:
            content.append(html.P(f"{more:,} more, with smaller changes.", className="small text-muted mt-2 mb-0"))
        tabs.append(dbc.Tab(html.Div(content, className="pt-2"), label=f"{status.label} {counts[status]:,}",
                            tab_id=f"movers-{status.value}"))
    first = next((status for status in STATUS_ORDER if counts[status]), STATUS_ORDER[0])
    return [intro, dbc.Tabs(tabs, id=ids.MOVERS_TABS, active_tab=f"movers-{first.value}", className="movers-tabs")]


def shown_customers(result: Movers) -> list[str]:
    """The customers the panel lists, whose links it needs."""
    return [mover.customer_id for status in STATUS_ORDER for mover in result.of(status)[:SHOWN]]


def _percent(value) -> str:
    return "\u2014" if value is None else f"{'+' if value > 0 else ''}{value}%"


def _forecast_cell(forecast: Forecast | None, key: str, currency: str) -> html.Td:
    landing = next((group.amount for group in forecast.groups if group.key == key), None) if forecast else None
    if landing is None:
        return html.Td("\u2014", className="text-end d-none d-md-table-cell")
    return html.Td(money_text(landing.forecast, currency), className="text-end text-nowrap d-none d-md-table-cell",
                   title=f"Range {amount_text(landing.low)} \u2013 {amount_text(landing.high)}")


def scorecard_card(card: Scorecard, currency: str, forecast: Forecast | None) -> dbc.Card | None:
    """One line per account manager: customers with spend, new and lost customers, the Amount
    and its change against the comparison period, and the month-end forecast of the Amount
    (of the month of data up to, by manager: `forecast`)."""
    if not card.managers:
        return None
    forecast_head = f"Forecast {forecast.month:%b %Y}" if forecast else "Forecast"
    numbers = ("Customers", "New", "Lost")
    head = html.Thead(html.Tr([html.Th("Account manager"),
                               *(html.Th(name, className="text-end") for name in numbers),
                               html.Th("Amount", className="text-end"),
                               html.Th("Previous", className="text-end d-none d-md-table-cell"),
                               html.Th("Change", className="text-end"),
                               html.Th("Change %", className="text-end d-none d-sm-table-cell"),
                               html.Th(forecast_head, className="text-end d-none d-md-table-cell")]))
    body = html.Tbody([html.Tr([
        html.Td(line.account_manager),
        *(html.Td(f"{value:,}", className="text-end") for value in (line.customers, line.new, line.lost)),
        html.Td(money_text(line.current.amount, currency), className="text-end text-nowrap"),
        html.Td(money_text(line.previous.amount, currency), className="text-end text-nowrap d-none d-md-table-cell"),
        _change(line.change, currency),
        html.Td(_percent(line.change_percent), className="text-end d-none d-sm-table-cell"),
        _forecast_cell(forecast, line.manager_key, currency),
    ]) for line in card.managers])
    return dbc.Card([
        dbc.CardHeader("Account-manager scorecard", className="fw-semibold"),
        dbc.CardBody([
            html.P(f"Only the spend attributed to each manager counts; compared with {card.compare_start} to "
                   f"{card.compare_end}. New and lost: customers whose spend with the manager started or "
                   "stopped. Forecast: the Amount expected by the end of the month of data up to (range on "
                   "hover).", className="small text-muted mb-2"),
            dbc.Table([head, body], size="sm", hover=True, responsive=True,
                      className="scorecard-table mb-0 align-middle"),
        ]),
    ], className="shadow-sm mb-3")
