"""The Overview tab: totals for the time range and search (against the comparison period when
one is chosen), the month-end forecast, their trend, Export, and the movers."""
from __future__ import annotations

from decimal import Decimal

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids, movers
from dashboard.export_menu import overview_export, titled
from dashboard.figures import graph_config
from dashboard.format import (
    ROUNDED_TOTALS_NOTE,
    change_badge,
    exact_money_text,
    measure_label,
    money_text,
    rounded_parts_add_up,
)
from dashboard.loading import loading
from data_access.comparison import Comparison
from data_access.forecast import Forecast
from data_access.money import Money
from i18n import N_, _, month, short_day
from i18n.terms import lower

CARDS = (("amount", "bi-receipt"), ("amount_paid", "bi-wallet2"), ("cash_coupon", "bi-ticket-perforated"))
CARD_NOTES = {"amount": N_("At list price"), "amount_paid": N_("Amount \u2212 cash coupons used"),
              "cash_coupon": N_("Deducted from Amount")}
CARD_WIDTHS = {"xs": 12, "sm": 6, "xl": 3}


def _card(card_id: str, title, value: str, notes: list, value_id: str | None = None,
          exact: str | None = None) -> dbc.Col:
    """`exact`: the value's exact text, shown on hover."""
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(title, className="text-muted small text-uppercase fw-semibold"),
        html.Div(value, id=value_id or card_id + "-value", title=exact,
                 className="fs-4 fw-semibold text-nowrap total-value"),
        *notes,
    ]), id=card_id, className="h-100 shadow-sm total-card"), **CARD_WIDTHS)


def _compared_note(current: Decimal, previous: Decimal, currency: str) -> html.Div:
    return html.Div([change_badge(current, previous, currency),
                     html.Span(_(" vs %(previous)s", previous=money_text(previous, currency)), className="text-muted")],
                    className="small", title=_("Change against the comparison period"))


def total_cards(total: Money | None, currency: str = "", compared: Comparison | None = None) -> list[dbc.Col]:
    """The three totals as cards, rounded to the cent with the exact value on hover, each with
    its change against the comparison period when there is one; a dash while there is nothing
    to show yet."""
    def notes(measure: str) -> list:
        if compared is None or total is None:
            return [html.Div(_(CARD_NOTES[measure]), className="small text-muted total-note")]
        return [_compared_note(total.measure(measure), compared.total.measure(measure), currency)]
    return [_card(ids.overview_total(measure), [html.I(className=f"bi {icon} me-2"), measure_label(measure)],
                  money_text(total.measure(measure), currency) if total is not None else "\u2014", notes(measure),
                  exact=exact_money_text(total.measure(measure), currency) if total is not None else None)
            for measure, icon in CARDS]


def rounded_note(total: Money | None) -> list[dbc.Col]:
    """Amount paid is Amount less coupons, exactly; rounded, the cards may not agree: say so."""
    if total is None or rounded_parts_add_up((total.amount, -total.cash_coupon), total.amount_paid):
        return []
    return [dbc.Col(html.Div(_(ROUNDED_TOTALS_NOTE), id=ids.OVERVIEW_ROUNDED, className="small text-muted"), xs=12)]


def forecast_card(forecast: Forecast | None, currency: str = "") -> dbc.Col:
    """"Forecast for MONTH": where Amount lands at the month's end, its range and the month
    to date."""
    title = [html.I(className="bi bi-graph-up-arrow me-2"),
             _("Forecast for %(month)s", month=month(forecast.month)) if forecast else _("Forecast")]
    if forecast is None:
        return _card(ids.OVERVIEW_FORECAST, title, "\u2014",
                     [html.Div(_("No data loaded yet"), className="small text-muted")])
    landing = forecast.total.amount
    return _card(ids.OVERVIEW_FORECAST, title, money_text(landing.forecast, currency), [
        html.Div(_("Range %(low)s \u2013 %(high)s", low=money_text(landing.low, currency),
                   high=money_text(landing.high, currency)),
                 className="small"),
        html.Div(_("%(actual)s to %(day)s", actual=money_text(landing.actual, currency),
                   day=short_day(forecast.data_up_to)),
                 className="small text-muted"),
    ])


def cards(total: Money | None, currency: str = "", compared: Comparison | None = None,
          forecast: Forecast | None = None) -> list[dbc.Col]:
    """The totals' cards and the forecast's, and the note on rounding where it is needed."""
    return [*total_cards(total, currency, compared), forecast_card(forecast, currency), *rounded_note(total)]


def breakdown_links(links: list[tuple[str, str]]) -> list:
    """"Break the total down: by account manager · ..." (label, href of the Distribution tab)."""
    items = [html.Span(_("Break the total down: "), className="text-muted")]
    for index, (label, href) in enumerate(links):
        if index:
            items.append(html.Span(" \u00b7 ", className="text-muted"))
        items.append(dcc.Link(_("by %(basis)s", basis=lower(label)), href=href))
    return items


def layout() -> html.Div:
    return html.Div([
        loading(dbc.Row(cards(None), id=ids.OVERVIEW_TOTALS, className="g-3 mb-2")),
        html.Div(id=ids.OVERVIEW_BREAKDOWNS, className="small mb-3"),
        dbc.Card([
            dbc.CardHeader(titled(_("Expenditure trend"), overview_export())),
            dbc.CardBody([
                dbc.Alert(id=ids.OVERVIEW_MESSAGE, color="light", is_open=False, className="mb-0"),
                loading(dcc.Graph(id=ids.OVERVIEW_GRAPH, config=graph_config(), className="chart")),
            ]),
        ], className="shadow-sm"),
        movers.layout(),
    ])
