"""The view's controls: the toolbar above the tabs' content (time range, search, grouping,
granularity) and the side panel (Sorting Dimensions, Advanced Settings). One set serves every
tab; the shell shows the parts a tab uses. Values start at the defaults; the URL sets them."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.format import measure_label
from dashboard.time_range import CUSTOM, CUSTOM_LABEL, Preset
from dashboard.view_state import CHARTS, DEFAULTS, MEASURES
from data_access.periods import Compare
from data_access.query import MAX_SEARCH_LENGTH, MAX_TOP_N, Basis, Granularity, SortKey
from i18n import N_, _
from i18n.terms import granularity_label, term

# Marked for the catalog, translated where shown.
SORT_LABELS = {SortKey.AMOUNT: N_("Amount"), SortKey.AMOUNT_PAID: N_("Amount paid"),
               SortKey.CASH_COUPON: N_("Cash coupons used"), SortKey.NAME: N_("Name"),
               SortKey.CHANGE: N_("Change"), SortKey.CHANGE_PERCENT: N_("Change %")}
COMPARE_LABELS = {Compare.NONE: N_("Nothing"), Compare.PREVIOUS: N_("Previous period"),
                  Compare.YEAR: N_("Same period last year")}
FILTER_LABELS = {"include": N_("Only"), "exclude": N_("Exclude")}
CHART_LABELS = {"columns": (N_("Columns"), "bi-bar-chart-fill"), "lines": (N_("Lines"), "bi-graph-up"),
                "area": (N_("Area"), "bi-layers-fill")}
DATE_DEBOUNCE_MS = 600   # a typed date is complete only after its last digit
SEARCH_DEBOUNCE_MS = 300


PHONE_MORE = "phone-more"  # a toolbar part a phone shows only when asked (assets/app.css)


def _field(label: str, control, control_id: str | None = None, **col) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control_id, className="d-block small text-muted mb-1"),
                    control], **col)


def button_group(component_id: str, options: list[dict], value) -> dbc.RadioItems:
    """Radio buttons drawn as a Bootstrap button group."""
    return dbc.RadioItems(id=component_id, options=options, value=value, inline=True,
                          className="btn-group", inputClassName="btn-check",
                          labelClassName="btn btn-sm btn-outline-primary",
                          labelCheckedClassName="active")


def time_range() -> list[dbc.Col]:
    presets = [{"label": preset.label, "value": preset.value} for preset in Preset]
    days = html.Div([
        dbc.Label(_("First day"), html_for=ids.RANGE_FROM, className="visually-hidden"),
        dbc.Label(_("Last day"), html_for=ids.RANGE_TO, className="visually-hidden"),
        dbc.InputGroup([
            dbc.Input(id=ids.RANGE_FROM, type="date", debounce=DATE_DEBOUNCE_MS, required=True),
            dbc.InputGroupText(_("to")),
            dbc.Input(id=ids.RANGE_TO, type="date", debounce=DATE_DEBOUNCE_MS, required=True),
        ], size="sm", className="flex-nowrap"),
    ])
    return [
        _field(_("Time range"), dbc.Select(id=ids.RANGE_PRESET, size="sm", value=DEFAULTS["range"],
                                           options=presets + [{"label": _(CUSTOM_LABEL), "value": CUSTOM}]),
               ids.RANGE_PRESET, xs=True, md="auto"),
        _field(_("Days"), days, xs=12, sm=7, md="auto", className=PHONE_MORE),
    ]


def search() -> dbc.Col:
    box = html.Div([
        dbc.Input(id=ids.SEARCH, type="search", size="sm", list=ids.SEARCH_SUGGESTIONS,
                  placeholder=_("Account manager or customer account"), autocomplete="off",
                  maxlength=MAX_SEARCH_LENGTH, debounce=SEARCH_DEBOUNCE_MS, value=""),
        html.Datalist(id=ids.SEARCH_SUGGESTIONS),
    ])
    return _field(_("Search"), box, ids.SEARCH, xs=12, md=True, className=PHONE_MORE)


def grouping(class_name: str) -> dbc.Col:
    options = [{"label": term(basis.label), "value": basis.value} for basis in Basis]
    return dbc.Col(_field(_("Group by"), dbc.Select(id=ids.GROUP_BY, options=options, size="sm",
                                                 value=DEFAULTS["group_by"]), ids.GROUP_BY),
                   id=ids.GROUPING, xs=6, md="auto", className=class_name)


def granularity(class_name: str) -> dbc.Col:
    options = [{"label": granularity_label(g), "value": g.value} for g in Granularity]
    return dbc.Col(_field(_("Granularity"), button_group(ids.GRANULARITY, options, DEFAULTS["granularity"])),
                   id=ids.GRANULARITY_BOX, xs="auto", className=class_name)


def comparison() -> dbc.Col:
    options = [{"label": _(label), "value": compare.value} for compare, label in COMPARE_LABELS.items()]
    return _field(_("Compare with"), dbc.Select(id=ids.COMPARE, options=options, size="sm",
                                                value=DEFAULTS["compare"]), ids.COMPARE, xs=6, md="auto",
                  className=PHONE_MORE)


def chart_type(class_name: str) -> dbc.Col:
    options = [{"label": html.Span([html.I(className=f"bi {icon} me-1"), _(label)]), "value": chart}
               for chart in CHARTS for label, icon in [CHART_LABELS[chart]]]
    return dbc.Col(_field(_("Chart"), button_group(ids.CHART_TYPE, options, DEFAULTS["chart"])),
                   id=ids.CHART_TYPE_BOX, xs="auto", className=class_name)


def toolbar(classes: dict[str, str]) -> html.Div:
    """`classes`: the shown or hidden parts' classes (dashboard.shell.tab_classes). On a phone
    only the time range shows until "More" is pressed, so that the chart is on the first screen."""
    more = dbc.Col(dbc.Button([html.I(className="bi bi-funnel me-1"), _("More")], id=ids.TOOLBAR_TOGGLE,
                              size="sm", color="secondary", outline=True, className="d-md-none"),
                   xs="auto", className="align-self-end d-md-none")
    toggle = dbc.Col(dbc.Button([html.I(className="bi bi-sliders me-1"),
                                 html.Span(_("Sorting & settings"), className="d-none d-sm-inline"),
                                 html.Span(_("Settings"), className="d-sm-none")],
                                id=ids.SIDE_PANEL_TOGGLE, size="sm", color="secondary", outline=True,
                                className=classes[ids.SIDE_PANEL_TOGGLE]),
                     xs="auto", className="align-self-end")
    row = dbc.Row([*time_range(), more, toggle, comparison(), search(), grouping(classes[ids.GROUPING]),
                   granularity(classes[ids.GRANULARITY_BOX]), chart_type(classes[ids.CHART_TYPE_BOX])],
                  id=ids.TOOLBAR, className=classes[ids.TOOLBAR])
    return html.Div(row, id=ids.TOOLBAR_BOX, className="toolbar-box")


def _filter(kind: str, basis: Basis) -> html.Div:
    return html.Div([
        dbc.Label(_(FILTER_LABELS[kind]), className="small text-muted mb-0"),
        dcc.Dropdown(id=ids.filter_values(kind, basis), multi=True, value=[], options=[],
                     placeholder=_("Any") if kind == "include" else _("None"),
                     closeOnSelect=False, debounce=True, className="mb-2"),
    ])


def filter_title(basis: Basis, included: int, excluded: int) -> list:
    """A dimension's name, with how many values it is narrowed to or excludes."""
    badges = [dbc.Badge(text, color=color, pill=True, className="ms-2 fw-normal")
              for count, text, color in ((included, _("%(count)s only", count=included), "primary"),
                                         (excluded, _("%(count)s excluded", count=excluded), "secondary"))
              if count]
    return [term(Basis(basis).label), *badges]


def filters() -> dbc.Accordion:
    return dbc.Accordion([
        dbc.AccordionItem([_filter(kind, basis) for kind in ("include", "exclude")],
                          title=filter_title(basis, 0, 0), item_id=basis.value,
                          id=ids.filter_section(basis))
        for basis in Basis], start_collapsed=True, always_open=True, flush=True, className="filters")


def side_panel() -> html.Div:
    sorting = dbc.Card([
        dbc.CardHeader(_("Sorting Dimensions"), className="fw-semibold"),
        dbc.CardBody([
            dbc.RadioItems(id=ids.SORT_BY, value=DEFAULTS["sort_by"],
                           options=[{"label": _(label), "value": key.value}
                                    for key, label in SORT_LABELS.items()]),
            html.Div(button_group(ids.SORT_ORDER, [{"label": _("Descending"), "value": "desc"},
                                                   {"label": _("Ascending"), "value": "asc"}],
                                  DEFAULTS["order"]), className="mt-2"),
        ]),
    ], className="mb-3")
    settings = dbc.Card([
        dbc.CardHeader(_("Advanced Settings"), className="fw-semibold"),
        dbc.CardBody([
            dbc.Label(_("Amount shown in the charts"), className="small text-muted mb-1"),
            html.Div(button_group(ids.MEASURE, [{"label": measure_label(m), "value": m.value} for m in MEASURES],
                                  DEFAULTS["measure"]), className="mb-3"),
            dbc.Switch(id=ids.HIDE_ZERO, label=_("Hide zero expenditures"), value=DEFAULTS["hide_zero"],
                       className="mb-3"),
            dbc.Label(_("Top N groups"), html_for=ids.TOP_N, className="small text-muted mb-1"),
            dbc.Input(id=ids.TOP_N, type="number", min=1, max=MAX_TOP_N, step=1, size="sm",
                      value=DEFAULTS["top_n"], debounce=True, className="mb-3"),
            dbc.Label(_("Filters"), className="small text-muted mb-1"),
            filters(),
        ]),
    ])
    # Bootstrap's responsive offcanvas: a drawer from the right below the lg breakpoint, the
    # page's right column from it up (no Bootstrap script: a callback adds "show").
    header = html.Div([html.H5("Sorting & settings", className="offcanvas-title"),
                       html.Button(id=ids.SIDE_PANEL_CLOSE, className="btn-close", **{"aria-label": "Close"})],
                      className="offcanvas-header border-bottom")
    return html.Div([
        html.Div(id=ids.SIDE_PANEL_BACKDROP, className="offcanvas-backdrop fade show d-lg-none",
                 style={"display": "none"}),
        html.Div([header, html.Div([sorting, settings], className="offcanvas-body d-lg-block")],
                 id=ids.SIDE_PANEL_COLLAPSE, className=SIDE_DRAWER, tabIndex="-1"),
    ])


SIDE_DRAWER = "offcanvas-lg offcanvas-end side-drawer"
