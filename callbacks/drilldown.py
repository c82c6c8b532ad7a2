"""Drill-down: a click on a chart's group (assets/drilldown.js) or a row of the groups' table
writes the drilled view into the URL, which the view's callback then shows; the breadcrumb
links back to each step. The clicked key comes from the browser: only a group on screen for
the signed-in user's query can be drilled into."""
from __future__ import annotations

import dataclasses
from datetime import date

from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from answers import partner_facts, partner_today
from auth.identity import current_scope
from dashboard import breakdown_tab, ids, overview
from dashboard.drilldown import MAX_STEPS, back, crumb_text, drill
from dashboard.view_state import BREAKDOWN_TABS, View, from_search, to_search
from data_access import breakdowns, options
from data_access.query import OTHERS_KEY, Basis, Scope
from i18n import N_, _
from runtime import Runtime

# The first crumb: every group of the basis the path started from.
ALL_GROUPS = {Basis.SERVICE_TYPE: N_("All service types"), Basis.BILLING_MODE: N_("All billing modes"),
              Basis.ASSOCIATION_TYPE: N_("All association types"),
              Basis.ACCOUNT_MANAGER: N_("All account managers"),
              Basis.CUSTOMER_ACCOUNT: N_("All customer accounts")}


def _view(runtime: Runtime, scope: Scope, url_search, today: date | None) -> View:
    view, _problems = from_search(scope, today or partner_today(partner_facts(runtime.answers, scope)), url_search)
    return view


def _href(view: View) -> str:
    return to_search(view) or "?"


def drill_search(runtime: Runtime, scope: Scope, url_search, key, today: date | None = None) -> str:
    """The URL search of the view drilled into group `key` of the view `url_search` names."""
    view = _view(runtime, scope, url_search, today)
    if view.tab not in BREAKDOWN_TABS or not isinstance(key, str):
        raise PreventUpdate
    keys = [group.key for group in runtime.answers.answer(breakdowns.breakdown, view.query, False).groups]
    if key not in keys:  # not a group on screen: a stale click, or a forged one
        raise PreventUpdate
    query, step = drill(view.query, key, [k for k in keys if k != OTHERS_KEY])
    return to_search(dataclasses.replace(view, query=query, drill=(*view.drill, step)[-MAX_STEPS:]))


def customer_trend_searches(view: View, customer_ids) -> dict[str, str]:
    """{customer id: the URL search of its Trend tab (by service type), as a drill from all
    customer accounts}. (The movers panel links some 70 customers on every draw: the grouping
    is changed once.)"""
    by_customer = view.query.replace(group_by=Basis.CUSTOMER_ACCOUNT)
    searches = {}
    for customer_id in customer_ids:
        query, step = drill(by_customer, customer_id, [])
        searches[customer_id] = to_search(dataclasses.replace(view, tab=ids.TAB_TREND, query=query, drill=(step,)))
    return searches


BREAKDOWN_LINKS = (Basis.ACCOUNT_MANAGER, Basis.CUSTOMER_ACCOUNT, Basis.SERVICE_TYPE)


def overview_links(runtime: Runtime, scope: Scope, url_search, today: date | None = None) -> list[tuple[str, str]]:
    """(basis label, link) of the Distribution tab of the Overview's total by each basis of
    BREAKDOWN_LINKS, where the drill-down starts."""
    view = _view(runtime, scope, url_search, today)
    return [(basis.label, _href(dataclasses.replace(view, tab=ids.TAB_DISTRIBUTION, drill=(),
                                                    query=view.query.replace(group_by=basis))))
            for basis in BREAKDOWN_LINKS]


def crumbs(runtime: Runtime, scope: Scope, url_search, today: date | None = None) -> list[tuple[str, str | None]]:
    """(text, link) of each step of the drill-down path; the last, the view shown, has no link."""
    view = _view(runtime, scope, url_search, today)
    if not view.drill:
        return []
    first = view.drill[0].basis
    texts = [_(ALL_GROUPS[first])]
    for step in view.drill:
        labels = dict(runtime.answers.answer(options.dimension_values, scope, step.basis)) if not step.is_others else {}
        texts.append(crumb_text(step, labels))
    links = []
    for level in range(len(view.drill)):
        query, steps = back(view.query, view.drill, level)
        links.append(_href(dataclasses.replace(view, query=query, drill=steps)))
    texts[-1] += f" \u2014 by {view.query.group_by.label.lower()}"
    return list(zip(texts, [*links, None], strict=True))


def register(app, runtime: Runtime) -> None:
    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.DRILL_REQUEST, "data"), Input(ids.group_row(ALL), "n_clicks"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def _drill(request, _clicks, url_search):
        if ctx.triggered_id == ids.DRILL_REQUEST:
            key = request.get("key") if isinstance(request, dict) else None
        elif isinstance(ctx.triggered_id, dict) and ctx.triggered and ctx.triggered[0]["value"]:
            key = ctx.triggered_id["key"]  # a click, not a row drawn anew
        else:
            raise PreventUpdate
        return drill_search(runtime, current_scope(), url_search, key)

    @app.callback(Output(ids.OVERVIEW_BREAKDOWNS, "children"), Input(ids.URL, "search"))
    def _overview_links(url_search):
        return overview.breakdown_links(overview_links(runtime, current_scope(), url_search))

    @app.callback(Output(ids.DRILL_BREADCRUMB, "children"), Input(ids.URL, "search"))
    def _breadcrumb(url_search):
        return breakdown_tab.breadcrumb(crumbs(runtime, current_scope(), url_search))
