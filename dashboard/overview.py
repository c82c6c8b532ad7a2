"""The Overview tab: totals for the time range and search, their trend, and Export."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.export_menu import overview_export, titled
from dashboard.figures import CONFIG
from dashboard.format import MEASURE_LABELS, ROUNDED_TOTALS_NOTE, exact_money_text, money_text, rounded_parts_add_up
from data_access.money import Money

CARDS = (("amount", "bi-receipt"), ("amount_paid", "bi-wallet2"), ("cash_coupon", "bi-ticket-perforated"))
CARD_NOTES = {"amount": "At list price", "amount_paid": "Amount \u2212 cash coupons used",
              "cash_coupon": "Deducted from Amount"}


def total_cards(total: Money | None, currency: str = "") -> list[dbc.Col]:
    """The three totals as cards, rounded to the cent with the exact value on hover; a dash
    while there is nothing to show yet."""
    cards = [dbc.Col(dbc.Card(dbc.CardBody([
        html.Div([html.I(className=f"bi {icon} me-2"), MEASURE_LABELS[measure]],
                 className="text-muted small text-uppercase fw-semibold"),
        html.Div(money_text(total.measure(measure), currency) if total is not None else "\u2014",
                 title=exact_money_text(total.measure(measure), currency) if total is not None else None,
                 id=ids.overview_total(measure) + "-value", className="fs-4 fw-semibold text-nowrap"),
        html.Div(CARD_NOTES[measure], className="small text-muted"),
    ]), id=ids.overview_total(measure), className="h-100 shadow-sm"), xs=12, md=4)
        for measure, icon in CARDS]
    # Amount paid is Amount less coupons, exactly; rounded, the three cards may not agree.
    if total is not None and not rounded_parts_add_up((total.amount, -total.cash_coupon), total.amount_paid):
        note = html.Div(ROUNDED_TOTALS_NOTE, id=ids.OVERVIEW_ROUNDED, className="small text-muted")
        cards.append(dbc.Col(note, xs=12))
    return cards


def layout() -> html.Div:
    return html.Div([
        dcc.Loading(dbc.Row(total_cards(None), id=ids.OVERVIEW_TOTALS, className="g-3 mb-3"),
                    type="dot"),
        dbc.Card([
            dbc.CardHeader(titled("Expenditure trend", overview_export())),
            dbc.CardBody([
                dbc.Alert(id=ids.OVERVIEW_MESSAGE, color="light", is_open=False, className="mb-0"),
                dcc.Loading(dcc.Graph(id=ids.OVERVIEW_GRAPH, config=CONFIG, className="chart")),
            ]),
        ], className="shadow-sm"),
    ])
