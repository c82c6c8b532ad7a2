"""The Overview tab: totals for the time range and search, their trend, Export, and the movers."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids, movers
from dashboard.export_menu import overview_export, titled
from dashboard.figures import CONFIG
from dashboard.format import MEASURE_LABELS, money_text
from data_access.money import Money

CARDS = (("amount", "bi-receipt"), ("amount_paid", "bi-wallet2"), ("cash_coupon", "bi-ticket-perforated"))
CARD_NOTES = {"amount": "At list price", "amount_paid": "Amount \u2212 cash coupons used",
              "cash_coupon": "Deducted from Amount"}


def total_cards(total: Money | None, currency: str = "") -> list[dbc.Col]:
    """The three totals as cards; a dash while there is nothing to show yet."""
    return [dbc.Col(dbc.Card(dbc.CardBody([
        html.Div([html.I(className=f"bi {icon} me-2"), MEASURE_LABELS[measure]],
                 className="text-muted small text-uppercase fw-semibold"),
        html.Div(money_text(total.measure(measure), currency) if total is not None else "\u2014",
                 id=ids.overview_total(measure) + "-value", className="fs-4 fw-semibold text-nowrap"),
        html.Div(CARD_NOTES[measure], className="small text-muted"),
    ]), id=ids.overview_total(measure), className="h-100 shadow-sm"), xs=12, md=4)
        for measure, icon in CARDS]


def breakdown_links(links: list[tuple[str, str]]) -> list:
    """"Break the total down: by account manager · ..." (label, href of the Distribution tab)."""
    items = [html.Span("Break the total down: ", className="text-muted")]
    for index, (label, href) in enumerate(links):
        if index:
            items.append(html.Span(" \u00b7 ", className="text-muted"))
        items.append(dcc.Link(f"by {label.lower()}", href=href))
    return items


def layout() -> html.Div:
    return html.Div([
        dcc.Loading(dbc.Row(total_cards(None), id=ids.OVERVIEW_TOTALS, className="g-3 mb-2"),
                    type="dot"),
        html.Div(id=ids.OVERVIEW_BREAKDOWNS, className="small mb-3"),
        dbc.Card([
            dbc.CardHeader(titled("Expenditure trend", overview_export())),
            dbc.CardBody([
                dbc.Alert(id=ids.OVERVIEW_MESSAGE, color="light", is_open=False, className="mb-0"),
                dcc.Loading(dcc.Graph(id=ids.OVERVIEW_GRAPH, config=CONFIG, className="chart")),
            ]),
        ], className="shadow-sm"),
        movers.layout(),
    ])
