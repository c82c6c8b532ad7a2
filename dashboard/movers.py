"""The Overview's movers: the customers whose spend changed most against the comparison period,
a tab per status (with its count), each customer a link to the Trend tab filtered to it. And the
account-manager scorecard of the Trend and Distribution tabs, grouped by account manager."""
from __future__ import annotations

import dataclasses

import dash_bootstrap_components as dbc
from dash import dcc, html

import i18n
from dashboard import ids
from dashboard.format import amount_text, money_text
from data_access.forecast import Forecast
from data_access.movers import Movers, Scorecard, Status
from i18n import N_, _, day, ngettext, number, short_month
from i18n.terms import term

SHOWN = 20  # customers listed per status
STATUS_ORDER = (Status.GROWING, Status.SHRINKING, Status.NEW, Status.LOST, Status.STEADY)
NO_CUSTOMERS = {Status.NEW: N_("No new customers."), Status.LOST: N_("No lost customers."),
                Status.GROWING: N_("No growing customers."), Status.SHRINKING: N_("No shrinking customers."),
                Status.STEADY: N_("No steady customers.")}


def layout() -> dbc.Card:
    return dbc.Card([
        dbc.CardHeader(_("Movers"), className="fw-semibold"),
        dbc.CardBody(dcc.Loading(html.Div(id=ids.MOVERS))),
    ], className="shadow-sm mt-3")


def _change(value, currency: str) -> html.Td:
    color = "text-success" if value > 0 else "text-danger" if value < 0 else ""
    return html.Td(i18n.money(value, currency, signed=True), className=f"text-end text-nowrap {color}")


def _table(movers, currency: str, links: dict[str, str]) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(_("Customer account")),
                               html.Th(_("Account manager"), className="d-none d-md-table-cell"),
                               html.Th(_("Current"), className="text-end"),
                               html.Th(_("Previous"), className="text-end d-none d-sm-table-cell"),
                               html.Th(_("Change"), className="text-end")]))
    body = html.Tbody([html.Tr([
        html.Td(dcc.Link(mover.account_name, href=links[mover.customer_id], className="mover-link",
                         title=_("Trend of %(customer)s", customer=mover.account_name))),
        html.Td(term(mover.account_manager), className="d-none d-md-table-cell"),
        html.Td(money_text(mover.current.amount, currency), className="text-end text-nowrap"),
        html.Td(money_text(mover.previous.amount, currency), className="text-end text-nowrap d-none d-sm-table-cell"),
        _change(mover.change, currency),
    ]) for mover in movers])
    return dbc.Table([head, body], size="sm", hover=True, responsive=True, className="movers-table mb-0 align-middle")


def shown(result: Movers) -> tuple[Movers, dict[Status, int]]:
    """What the panel draws of `result`: the first SHOWN movers of each status, and how many
    each status has. (A partner's movers are all its customers, 5,000 at 10 million records:
    unpickling them all on every warm Overview request cost more than drawing the panel.)"""
    listed = {mover.customer_id for status in STATUS_ORDER for mover in result.of(status)[:SHOWN]}
    return dataclasses.replace(result, movers=tuple(mover for mover in result.movers
                                                    if mover.customer_id in listed)), result.counts


def movers_panel(result: Movers, counts: dict[Status, int], status: Status, listed: list) -> list:
    """What changed, against which period, and a tab per status with its count; under them
    `listed` (status_list) of `status`, the active tab's. `result` as `shown` leaves it."""
    intro = html.P(_("Customers whose Amount changed against %(start)s to %(end)s.",
                     start=day(result.compare_start), end=day(result.compare_end)),
                   className="small text-muted mb-2")
    if not result.movers:
        return [intro, html.P(_("No customer spent in either period."), className="mb-0")]
    # Only the active tab's customers are drawn: the five tables together were most of the
    # components of the Overview, and the browser drew the chart only after them.
    tabs = dbc.Tabs([dbc.Tab(label=f"{term(each.label)} {number(counts[each])}", tab_id=tab_id(each))
                     for each in STATUS_ORDER], id=ids.MOVERS_TABS, active_tab=tab_id(status),
                    className="movers-tabs")
    return [intro, tabs, html.Div(listed, id=ids.MOVERS_LIST, className="pt-2")]


def first_status(counts: dict[Status, int]) -> Status:
    """The tab the panel opens on: the first status with customers."""
    return next((status for status in STATUS_ORDER if counts[status]), STATUS_ORDER[0])


def tab_id(status: Status) -> str:
    return f"movers-{status.value}"


def status_of_tab(value) -> Status | None:
    """The status of a tab id the browser sent, None if it is none of the panel's."""
    return next((status for status in STATUS_ORDER if tab_id(status) == value), None)


def status_list(result: Movers, counts: dict[Status, int], status: Status, currency: str,
                links: dict[str, str]) -> list:
    """The first SHOWN customers of `status` (largest change first), and how many more."""
    listed = result.of(status)[:SHOWN]
    content = [_table(listed, currency, links) if listed else
               html.P(_(NO_CUSTOMERS[status]), className="text-muted small my-2")]
    more = counts[status] - len(listed)
    if more > 0:
        content.append(html.P(ngettext("%(count)s more, with a smaller change.",
                                       "%(count)s more, with smaller changes.", more),
                              className="small text-muted mt-2 mb-0"))
    return content


def shown_customers(result: Movers, status: Status) -> list[str]:
    """The customers the panel lists for `status`, whose links it needs."""
    return [mover.customer_id for mover in result.of(status)[:SHOWN]]


def _percent(value) -> str:
    return "\u2014" if value is None else i18n.percent(value, signed=True)


def _forecast_cell(forecast: Forecast | None, key: str, currency: str) -> html.Td:
    landing = next((group.amount for group in forecast.groups if group.key == key), None) if forecast else None
    if landing is None:
        return html.Td("\u2014", className="text-end d-none d-md-table-cell")
    return html.Td(money_text(landing.forecast, currency), className="text-end text-nowrap d-none d-md-table-cell",
                   title=_("Range %(low)s \u2013 %(high)s", low=amount_text(landing.low),
                           high=amount_text(landing.high)))


def scorecard_card(card: Scorecard, currency: str, forecast: Forecast | None) -> dbc.Card | None:
    """One line per account manager: customers with spend, new and lost customers, the Amount
    and its change against the comparison period, and the month-end forecast of the Amount
    (of the month of data up to, by manager: `forecast`)."""
    if not card.managers:
        return None
    forecast_head = _("Forecast %(month)s", month=short_month(forecast.month)) if forecast else _("Forecast")
    numbers = (_("Customers"), _("New"), _("Lost"))
    head = html.Thead(html.Tr([html.Th(_("Account manager")),
                               *(html.Th(name, className="text-end") for name in numbers),
                               html.Th(_("Amount"), className="text-end"),
                               html.Th(_("Previous"), className="text-end d-none d-md-table-cell"),
                               html.Th(_("Change"), className="text-end"),
                               html.Th(_("Change %"), className="text-end d-none d-sm-table-cell"),
                               html.Th(forecast_head, className="text-end d-none d-md-table-cell")]))
    body = html.Tbody([html.Tr([
        html.Td(term(line.account_manager)),
        *(html.Td(number(value), className="text-end") for value in (line.customers, line.new, line.lost)),
        html.Td(money_text(line.current.amount, currency), className="text-end text-nowrap"),
        html.Td(money_text(line.previous.amount, currency), className="text-end text-nowrap d-none d-md-table-cell"),
        _change(line.change, currency),
        html.Td(_percent(line.change_percent), className="text-end d-none d-sm-table-cell"),
        _forecast_cell(forecast, line.manager_key, currency),
    ]) for line in card.managers])
    return dbc.Card([
        dbc.CardHeader(_("Account-manager scorecard"), className="fw-semibold"),
        dbc.CardBody([
            html.P(_("Only the spend attributed to each manager counts; compared with %(start)s to %(end)s. New "
                     "and lost: customers whose spend with the manager started or stopped. Forecast: the Amount "
                     "expected by the end of the month of data up to (range on hover).",
                     start=day(card.compare_start), end=day(card.compare_end)), className="small text-muted mb-2"),
            dbc.Table([head, body], size="sm", hover=True, responsive=True,
                      className="scorecard-table mb-0 align-middle"),
        ]),
    ], className="shadow-sm mb-3")
