"""The view's state: the URL's query string is its one source. Controls write the URL; the
URL (on load, and on back / forward) sets the controls; both set the query store the tabs draw
from. One callback does both directions, so there is no cycle between callbacks."""
from __future__ import annotations

import json
from datetime import date

import flask_login
from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from answers import partner_facts, partner_today
from answers.partner import data_up_to
from auth.csrf import csrf_token
from auth.identity import current_scope
from callbacks.common import UNUSABLE
from dashboard import ids, shell
from dashboard.controls import SIDE_DRAWER, filter_title
from dashboard.time_range import CUSTOM
from dashboard.view_state import (
    FILTER_KINDS,
    TABS,
    View,
    drill_texts,
    filter_name,
    from_controls,
    from_search,
    to_controls,
    to_search,
)
from data_access import options
from data_access.query import (
    MAX_FILTER_VALUE_LENGTH,
    MAX_FILTER_VALUES,
    MAX_SEARCH_LENGTH,
    Basis,
    QueryError,
    Scope,
    SortKey,
)
from data_access.users import set_language
from i18n import LANGUAGES, N_, _, current_language, number, translated
from i18n.terms import term
from runtime import Runtime

# Each view setting's control (component id, property), by its URL name.
CONTROLS = {
    "tab": (ids.TABS, "active_tab"), "range": (ids.RANGE_PRESET, "value"),
    "from": (ids.RANGE_FROM, "value"), "to": (ids.RANGE_TO, "value"), "search": (ids.SEARCH, "value"),
    "group_by": (ids.GROUP_BY, "value"), "granularity": (ids.GRANULARITY, "value"),
    "compare": (ids.COMPARE, "value"),
    "sort_by": (ids.SORT_BY, "value"), "order": (ids.SORT_ORDER, "value"),
    "measure": (ids.MEASURE, "value"), "chart": (ids.CHART_TYPE, "value"), "hide_zero": (ids.HIDE_ZERO, "value"),
    "top_n": (ids.TOP_N, "value"),
    **{filter_name(kind, basis): (ids.filter_values(kind, basis), "value")
       for kind in FILTER_KINDS for basis in Basis},
}
CONTROL_NAMES = {component_id: name for name, (component_id, _) in CONTROLS.items()}
FILTERS = [(kind, basis) for kind in FILTER_KINDS for basis in Basis]
MAX_FILTER_OPTIONS = 100
MORE_OPTIONS = "__more__"  # the disabled last option saying how many more there are
LINK_MESSAGE = N_("Some settings in this link could not be used and were reset: %(problems)s.")
# What choosing a sorting dimension implies for the order: names A to Z, money largest first.
NATURAL_ORDER = {SortKey.NAME.value: "asc"}


def _changes(view: View, controls: dict, keep: str | None = None) -> dict:
    """The control values that differ from the view's (never the one the user is editing)."""
    return {name: value for name, value in to_controls(view).items()
            if name != keep and value != controls.get(name)}


def sync_view(runtime: Runtime, scope: Scope, trigger: str | None, url_search: str | None,
              controls: dict, params: dict | None, today: date | None = None) -> tuple:
    """-> (new URL search or None, {control: new value}, new query params or None, message or
    None). `trigger` is the name of the control the user changed, or None for the URL;
    `today` defaults to today in the partner's time zone."""
    today = today or partner_today(partner_facts(runtime.answers, scope))
    if trigger is None:
        view, problems = from_search(scope, today, url_search)
        search, message = None, _(LINK_MESSAGE, problems=_("; ").join(map(translated, problems))) if problems else None
    else:
        values = {**controls, "range": CUSTOM} if trigger in ("from", "to") else controls
        if trigger == "sort_by":
            values = {**values, "order": NATURAL_ORDER.get(values.get("sort_by"), "desc")}
        values = {**values, "drill": drill_texts(url_search)}
        try:
            view = from_controls(scope, today, values)
        except QueryError as error:  # the controls keep what was typed; nothing is lost
            return None, {}, UNUSABLE if params != UNUSABLE else None, translated(error)
        search, message = to_search(view), None
        if search == (url_search or ""):
            search = None
    shown = view.shown_query().to_params()
    return search, _changes(view, controls, keep=trigger), shown if shown != params else None, message


def tab_view(tab) -> tuple:
    """The tab's content and the classes that show the parts of the page it uses."""
    if tab not in TABS:
        raise PreventUpdate
    return shell.tab_content(tab), shell.tab_classes(tab)


def page_header(runtime: Runtime, scope: Scope, login: str, token: str) -> list:
    """The header: partner, data freshness, time zone and the signed-in user."""
    facts = partner_facts(runtime.answers, scope)
    latest = data_up_to(runtime.answers, scope)
    return shell.header(facts.name, latest, facts.time_zone, login, token,
                        runtime.answers.answer(options.manager_name, scope))


def save_language(runtime: Runtime, login: str, chosen) -> str:
    """Store the language chosen in the header with the user; -> its code, after which the
    page reloads in it. The URL is untouched: its values are codes in every language."""
    # From the browser: one of the codes offered, else nothing happens.
    if not isinstance(chosen, str) or chosen not in LANGUAGES or chosen == current_language():
        raise PreventUpdate
    language = chosen
    with runtime.engine.begin() as conn:
        set_language(conn, login, language)
    return language


def filter_options(runtime: Runtime, scope: Scope, basis: Basis, search, chosen) -> list[dict]:
    """A filter dropdown's options: the values whose label or key contains `search` (the
    text typed in it), at most MAX_FILTER_OPTIONS of them, and the values already chosen.
    A large partner has thousands of customers: sending them all made the first page load
    seconds slower (docs/PERFORMANCE.md), and nobody scrolls through them."""
    text = search.strip().casefold() if isinstance(search, str) else ""
    values = runtime.answers.answer(options.dimension_values, scope, basis)
    matching = [(key, label) for key, label in values
                if not text or text in label.casefold() or text in key.casefold()]
    shown = matching[:MAX_FILTER_OPTIONS]
    keys = {key for key, _ in shown}
    labels = dict(values)
    # The chosen values come from the browser: only those a query could hold are shown back.
    chosen = [key for key in chosen[:MAX_FILTER_VALUES] if isinstance(key, str)
              and len(key) <= MAX_FILTER_VALUE_LENGTH] if isinstance(chosen, list) else []
    offered = [{"label": term(labels.get(key, key)), "value": key} for key in chosen if key not in keys]
    offered += [{"label": term(label), "value": key} for key, label in shown]
    if len(matching) > len(shown):
        offered.append({"label": _("%(count)s more: type to narrow", count=number(len(matching) - len(shown))),
                        "value": MORE_OPTIONS, "disabled": True})
    return offered


def filter_titles(values: dict) -> dict:
    """{basis: accordion title} from the filter dropdowns' values {(kind, basis): [keys]}."""
    def count(kind, basis):
        chosen = values.get((kind, basis))
        return len(chosen) if isinstance(chosen, list) else 0
    return {basis: filter_title(basis, count("include", basis), count("exclude", basis)) for basis in Basis}


def search_suggestions(runtime: Runtime, scope: Scope, text) -> list:
    """The search box's datalist: manager and customer account names containing `text`."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_SEARCH_LENGTH:
        return []
    return [html.Option(value=name) for name in runtime.answers.answer(options.search_suggestions, scope, text)]


def link_filter_options(runtime: Runtime, scope: Scope, trigger: str | None, changes: dict,
                        controls: dict) -> dict:
    """{filter name: options} when the URL sets the view (on load, back and forward), else {}.
    The options go out with the values: a dropdown drops at once any value its options lack,
    so values sent ahead of their options were lost (and the URL rewritten without them)."""
    if trigger is not None:
        return {}
    return {name: filter_options(runtime, scope, basis, "", changes.get(name, controls.get(name)))
            for name, basis in ((filter_name(kind, basis), basis) for kind, basis in FILTERS)}


def register(app, runtime: Runtime) -> None:
    dropdowns = [ids.filter_values(kind, basis) for kind, basis in FILTERS]

    @app.callback(
        Output(ids.URL, "search"),
        *(Output(component_id, prop) for component_id, prop in CONTROLS.values()),
        *(Output(dropdown, "options") for dropdown in dropdowns),
        Output(ids.QUERY_PARAMS, "data"),
        Output(ids.VIEW_MESSAGE, "children"), Output(ids.VIEW_MESSAGE, "is_open"),
        Input(ids.URL, "search"), *(Input(component_id, prop) for component_id, prop in CONTROLS.values()),
        State(ids.QUERY_PARAMS, "data"))
    def _sync(url_search, *values):
        *control_values, params = values
        trigger = CONTROL_NAMES.get(ctx.triggered_id)
        controls = dict(zip(CONTROLS, control_values, strict=True))
        scope = current_scope()
        search, changes, shown, message = sync_view(runtime, scope, trigger, url_search, controls, params)
        choices = link_filter_options(runtime, scope, trigger, changes, controls)
        return (no_update if search is None else search,
                *(changes.get(name, no_update) for name in CONTROLS),
                *(choices.get(filter_name(kind, basis), no_update) for kind, basis in FILTERS),
                no_update if shown is None else shown, message, message is not None)

    classes = shell.tab_classes(ids.TAB_OVERVIEW)

    @app.callback(Output(ids.TAB_CONTENT, "children"),
                  *(Output(component_id, "className") for component_id in classes),
                  Input(ids.TABS, "active_tab"))
    def _tab(tab):
        content, tab_classes = tab_view(tab)
        return content, *(tab_classes[component_id] for component_id in classes)

    @app.callback(Output(ids.HEADER, "children"), Input(ids.URL, "pathname"))
    def _header(_pathname):
        return page_header(runtime, current_scope(), flask_login.current_user.login, csrf_token())

    @app.callback(Output(ids.LANGUAGE_SAVED, "data"), Input(ids.LANGUAGE, "value"), prevent_initial_call=True)
    def _language(chosen):
        return save_language(runtime, flask_login.current_user.login, chosen)

    # Reloaded, the page is drawn in the language stored (the view stays: it is in the URL).
    app.clientside_callback("(saved) => { if (saved) { window.location.reload(); } }",
                            Input(ids.LANGUAGE_SAVED, "data"), prevent_initial_call=True)

    # Typing in a filter narrows its options (the first ones come with the view, above).
    @app.callback(*(Output(dropdown, "options", allow_duplicate=True) for dropdown in dropdowns),
                  *(Input(dropdown, "search_value") for dropdown in dropdowns),
                  *(State(dropdown, "value") for dropdown in dropdowns), prevent_initial_call=True)
    def _filter_options(*inputs):
        searches, chosen = inputs[:len(FILTERS)], inputs[len(FILTERS):]
        changed = {prop_id.rsplit(".", 1)[0] for prop_id in ctx.triggered_prop_ids}
        scope = current_scope()
        rows = zip(dropdowns, FILTERS, searches, chosen, strict=True)
        return tuple(filter_options(runtime, scope, basis, search, values) if dropdown in changed else no_update
                     for dropdown, (_kind, basis), search, values in rows)

    @app.callback(*(Output(ids.filter_section(basis), "title") for basis in Basis),
                  *(Input(ids.filter_values(kind, basis), "value") for kind, basis in FILTERS))
    def _filter_titles(*values):
        titles = filter_titles(dict(zip(FILTERS, values, strict=True)))
        return tuple(titles[basis] for basis in Basis)

    @app.callback(Output(ids.SEARCH_SUGGESTIONS, "children"), Input(ids.SEARCH, "value"),
                  prevent_initial_call=True)
    def _suggestions(text):
        return search_suggestions(runtime, current_scope(), text)

    # Opening and closing the side panel's drawer, and the toolbar's "More", need no server.
    toggle = json.dumps(ids.SIDE_PANEL_TOGGLE)
    app.clientside_callback(
        f"""() => {{
            const opening = window.dash_clientside.callback_context.triggered_id === {toggle};
            return [{json.dumps(SIDE_DRAWER)} + (opening ? ' show' : ''), opening ? {{}} : {{display: 'none'}}];
        }}""",
        Output(ids.SIDE_PANEL_COLLAPSE, "className"), Output(ids.SIDE_PANEL_BACKDROP, "style"),
        Input(ids.SIDE_PANEL_TOGGLE, "n_clicks"), Input(ids.SIDE_PANEL_CLOSE, "n_clicks"),
        Input(ids.SIDE_PANEL_BACKDROP, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(
        "(clicks, name) => name.includes('toolbar-open') ? 'toolbar-box' : 'toolbar-box toolbar-open'",
        Output(ids.TOOLBAR_BOX, "className"), Input(ids.TOOLBAR_TOGGLE, "n_clicks"),
        State(ids.TOOLBAR_BOX, "className"), prevent_initial_call=True)
