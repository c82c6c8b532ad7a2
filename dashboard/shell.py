"""The page: header, tabs, the view's controls and the active tab's content."""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from auth.csrf import FIELD_NAME
from dashboard import breakdown_tab, export_history, ids, overview
from dashboard.controls import PHONE_MORE, side_panel, toolbar
from dashboard.view_state import BREAKDOWN_TABS, DEFAULTS
from data_access.export_tasks import zone_label
from i18n import LANGUAGES, N_, _, current_language

TAB_LABELS = {ids.TAB_OVERVIEW: N_("Overview"), ids.TAB_TREND: N_("Expenditure Trend"),
              ids.TAB_DISTRIBUTION: N_("Expenditure Distribution"), ids.TAB_EXPORTS: N_("Export History")}


def layout() -> html.Div:
    classes = tab_classes(DEFAULTS["tab"])
    return html.Div([
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Store(id=ids.QUERY_PARAMS),
        dcc.Store(id=ids.DRILL_REQUEST),  # set by assets/drilldown.js
        dcc.Store(id=ids.LANGUAGE_SAVED),
        dcc.Store(id=ids.SELECTION_WORDS, data={"selected": _("%(count)s selected"),
                                                 "none": _("Tick rows to export them")}),
        # Bottom right: a toast never covers the header (Sign out) nor the tabs.
        html.Div(id=ids.TOASTS, className="toast-container position-fixed bottom-0 end-0 p-3"),
        html.Header(dbc.Container([
            html.Div([html.I(className="bi bi-bar-chart-line-fill text-primary me-2"),
                      html.Span(_("Expenditure Statistics"), className="fw-semibold")],
                     className="brand d-flex align-items-center"),
            html.Div(id=ids.HEADER, className="d-flex flex-wrap align-items-center gap-2 gap-md-3"),
        ], fluid=True, className="d-flex flex-wrap justify-content-between align-items-center gap-2 py-2"),
            className="app-header border-bottom bg-white"),
        dbc.Container([
            dbc.Tabs([dbc.Tab(label=_(label), tab_id=tab) for tab, label in TAB_LABELS.items()],
                     id=ids.TABS, active_tab=DEFAULTS["tab"], className="mt-2 flex-nowrap app-tabs"),
            toolbar(classes),
            dbc.Alert(id=ids.VIEW_MESSAGE, color="warning", is_open=False, dismissable=True),
            html.Div([
                html.Div(html.Div(id=ids.TAB_CONTENT), id=ids.MAIN_COLUMN,
                         className=classes[ids.MAIN_COLUMN]),
                html.Div(side_panel(), id=ids.SIDE_PANEL, className=classes[ids.SIDE_PANEL]),
            ], className="row g-3 mb-4"),
        ], fluid=True),
    ])


def language_switch() -> html.Div:
    """The languages, each in its own name; the choice is stored with the user."""
    return html.Div([
        dbc.Label([html.I(className="bi bi-translate"), html.Span(_("Language"), className="visually-hidden")],
                  html_for=ids.LANGUAGE, className="mb-0 text-muted"),
        dbc.Select(id=ids.LANGUAGE, size="sm", value=current_language(), class_name="w-auto",
                   options=[{"label": name, "value": code} for code, name in LANGUAGES.items()]),
    ], className="language-switch d-flex align-items-center gap-1")


def header(partner_name: str, latest_day: date | None, time_zone: str, login: str, csrf_token: str,
           manager_name: str | None = None) -> list:
    """Whose data, how fresh, in which time zone; who is signed in (an account manager by
    name: their spend is all they see), the language, and sign-out."""
    freshness = _("Data up to %(day)s", day=latest_day) if latest_day else _("No data loaded yet")
    sign_out = html.Form([
        dcc.Input(type="hidden", name=FIELD_NAME, value=csrf_token),
        html.Button([html.I(className="bi bi-box-arrow-right me-1"), _("Sign out")], type="submit",
                    className="btn btn-sm btn-outline-secondary"),
    ], action="/logout", method="POST", className="m-0")
    facts = ((partner_name, "bi-building", "partner-name fw-semibold"),
             (freshness, "bi-database-check", "freshness small text-muted"),
             (zone_label(time_zone), "bi-globe2", "time-zone small text-muted"),
             (f"{manager_name} \u00b7 {login}" if manager_name else login, "bi-person-circle", "login small"))
    return [*(html.Span([html.I(className=f"bi {icon} me-1"), text], className=class_name)
              for text, icon, class_name in facts), language_switch(), sign_out]


def tab_content(tab: str):
    if tab == ids.TAB_OVERVIEW:
        return overview.layout()
    if tab in BREAKDOWN_TABS:
        return breakdown_tab.layout(tab)
    return export_history.layout()


def tab_classes(tab: str) -> dict[str, str]:
    """The classes that show the parts of the page a tab uses, by component id (for dbc
    components, the classes added to their own)."""
    breakdown = tab in BREAKDOWN_TABS
    hidden = "d-none"
    return {
        ids.TOOLBAR: "g-2 align-items-end my-3" + (f" {hidden}" if tab == ids.TAB_EXPORTS else ""),
        ids.GROUPING: PHONE_MORE if breakdown else hidden,
        ids.GRANULARITY_BOX: PHONE_MORE if tab in (ids.TAB_OVERVIEW, ids.TAB_TREND) else hidden,
        ids.CHART_TYPE_BOX: PHONE_MORE if tab == ids.TAB_TREND else hidden,
        ids.SIDE_PANEL_TOGGLE: "d-lg-none" if breakdown else hidden,
        ids.MAIN_COLUMN: "col-12 col-lg-9" if breakdown else "col-12",
        ids.SIDE_PANEL: "col-12 col-lg-3 order-first order-lg-last" if breakdown else hidden,
    }
