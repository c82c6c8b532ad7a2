"""The view on screen — tab, time range, chart amount and query — and its two spellings: the
controls' values and the page's query string, so that a copied link or the back button brings
the same view back. Both use the same names: `tab`, `range`, `from`, `to`, `search`,
`group_by`, `granularity`, `compare`, `sort_by`, `order`, `measure`, `chart`, `hide_zero`, `top_n`,
`include.<basis>` / `exclude.<basis>` (lists), and `drill` (the drill-down steps, a list: only
in the URL, shown as the breadcrumb)."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from urllib.parse import parse_qs, urlencode

from dashboard import ids
from dashboard.drilldown import MAX_STEPS, Step
from dashboard.time_range import CUSTOM, DEFAULT_PRESET, Preset, preset_range
from data_access.errors import Message
from data_access.money import Measure
from data_access.query import MAX_TOP_N, Basis, ExpenditureQuery, QueryError, Scope, excerpt

TABS = tuple(ids.Tab)
BREAKDOWN_TABS = (ids.TAB_TREND, ids.TAB_DISTRIBUTION)
RANGES = (*(preset.value for preset in Preset), CUSTOM)
MEASURES = tuple(Measure)  # what the breakdown charts draw
CHARTS = ("columns", "lines", "area")  # how the trend draws its groups: stacked columns first
ORDERS = {"desc": True, "asc": False}
FILTER_KINDS = ("include", "exclude")
MAX_URL_FIELDS = 2000


def filter_name(kind: str, basis: Basis) -> str:
    return f"{kind}.{Basis(basis).value}"


FILTER_NAMES = tuple(filter_name(kind, basis) for kind in FILTER_KINDS for basis in Basis)
_QUERY = {field.name: field.default for field in dataclasses.fields(ExpenditureQuery)
          if field.default is not dataclasses.MISSING}
DEFAULTS = {
    "tab": ids.TAB_OVERVIEW, "range": DEFAULT_PRESET.value, "search": _QUERY["search"],
    "group_by": _QUERY["group_by"].value, "granularity": _QUERY["granularity"].value,
    "compare": _QUERY["compare"].value, "sort_by": _QUERY["sort_by"].value,
    "order": "desc" if _QUERY["descending"] else "asc",
    "measure": Measure.AMOUNT.value, "chart": CHARTS[0], "hide_zero": _QUERY["hide_zero"],
    "top_n": _QUERY["top_n"],
    **{name: [] for name in FILTER_NAMES},
}
NAMES = ("tab", "range", "from", "to", *(name for name in DEFAULTS if name not in ("tab", "range")))
URL_NAMES = (*NAMES, "drill")
LIST_NAMES = (*FILTER_NAMES, "drill")
# Validated together: a custom range is only as good as both its days.
_GROUPS = (("range", "from", "to"), *((name,) for name in URL_NAMES if name not in ("range", "from", "to")))


@dataclasses.dataclass(frozen=True)
class View:
    tab: str
    preset: str  # a Preset value, or CUSTOM
    measure: str
    chart: str  # one of CHARTS
    query: ExpenditureQuery  # everything the controls say
    drill: tuple[Step, ...] = ()  # the drill-down steps that led here

    def shown_query(self) -> ExpenditureQuery:
        """The query the tab answers. The overview answers the time range and search only
        (its totals are the command line's `stats overview`); the side panel's sorting and
        settings belong to the trend and distribution tabs. Every tab compares."""
        if self.tab != ids.TAB_OVERVIEW:
            return self.query
        q = self.query
        return ExpenditureQuery(q.scope, q.start, q.end, search=q.search, granularity=q.granularity,
                                compare=q.compare)


def _choice(value, choices, field: Message) -> str:
    if not isinstance(value, str) or value not in choices:
        raise QueryError("%(field)s: unknown value %(value)s", field=field, value=excerpt(value))
    return value


def from_controls(scope: Scope, today: date, values: Mapping) -> View:
    """The view the values name (missing ones take their defaults); QueryError says which
    value cannot be used. `today` is today in the partner's time zone, for the presets."""
    values = {**DEFAULTS, **values}
    tab = _choice(values["tab"], TABS, Message.in_context("field", "tab"))
    preset = _choice(values["range"], RANGES, Message.in_context("field", "time range"))
    if preset == CUSTOM:
        start, end = values.get("from"), values.get("to")
        if not start or not end:
            raise QueryError("custom range: choose the first and the last day")
    else:
        start, end = preset_range(Preset(preset), today)
    if values["top_n"] is None:  # what a number box holds when its text is not a number in range
        raise QueryError("top N must be a whole number from 1 to %(most)s", most=MAX_TOP_N)
    measure = _choice(values["measure"], MEASURES, Message.in_context("field", "chart amount"))
    chart = _choice(values["chart"], CHARTS, Message.in_context("field", "chart type"))
    order = _choice(values["order"], ORDERS, Message.in_context("field", "order"))
    filters = {kind: {basis.value: values[filter_name(kind, basis)] or [] for basis in Basis}
               for kind in FILTER_KINDS}
    query = ExpenditureQuery.from_params(scope, dict(
        start=start, end=end, search=values["search"] or "", group_by=values["group_by"],
        granularity=values["granularity"], compare=values["compare"], top_n=values["top_n"],
        sort_by=values["sort_by"],
        descending=ORDERS[order], hide_zero=values["hide_zero"], **filters))
    return View(tab, preset, measure, chart, query, drill_steps(values.get("drill")))


def drill_steps(texts) -> tuple[Step, ...]:
    if not texts:
        return ()
    if not isinstance(texts, list) or len(texts) > MAX_STEPS:
        raise QueryError("drill: at most %(count)s steps", count=MAX_STEPS)
    return tuple(Step.from_text(text) for text in texts)


def to_controls(view: View) -> dict:
    """Every control's value for the view."""
    q = view.query
    values = {"tab": view.tab, "range": view.preset, "from": q.start.isoformat(),
              "to": q.end.isoformat(), "search": q.search, "group_by": q.group_by.value,
              "granularity": q.granularity.value, "compare": q.compare.value, "sort_by": q.sort_by.value,
              "order": "desc" if q.descending else "asc", "measure": view.measure, "chart": view.chart,
              "hide_zero": q.hide_zero, "top_n": q.top_n, **{name: [] for name in FILTER_NAMES}}
    for kind, filters in (("include", q.include), ("exclude", q.exclude)):
        for basis, keys in filters:
            values[filter_name(kind, basis)] = list(keys)
    return values


def _url_text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def to_search(view: View) -> str:
    """The query string naming the view: only what differs from the defaults, and the days
    only for a custom range (a preset is relative: "last month" stays last month)."""
    pairs = []
    for name, value in to_controls(view).items():
        if name in ("from", "to"):
            if view.preset != CUSTOM:
                continue
        elif value == DEFAULTS[name]:
            continue
        pairs += [(name, _url_text(item)) for item in (value if isinstance(value, list) else [value])]
    pairs += [("drill", step.to_text()) for step in view.drill]
    return "?" + urlencode(pairs) if pairs else ""


def drill_texts(search: str | None) -> list[str]:
    """The drill-down steps a query string names, kept as they are when they are valid (a
    change of a control keeps the path that led to the view), else none."""
    try:
        texts = parse_qs(search.lstrip("?") if isinstance(search, str) else "",
                         max_num_fields=MAX_URL_FIELDS).get("drill", [])
        drill_steps(texts)
    except (ValueError, QueryError):
        return []
    return texts


def from_search(scope: Scope, today: date, search: str | None) -> tuple[View, list[Message]]:
    """The view a query string names, and what in it could not be used. A link is never an
    error page: each unusable value is reported and replaced by its default."""
    try:
        parsed = parse_qs(search.lstrip("?") if isinstance(search, str) else "", keep_blank_values=True,
                          max_num_fields=MAX_URL_FIELDS)
    except ValueError:
        return from_controls(scope, today, {}), [Message("the link has too many settings")]
    values, errors = {}, []
    for name, items in parsed.items():
        if name not in URL_NAMES:
            errors.append(Message("unknown setting %(name)s", name=excerpt(name)))
        else:
            values[name] = items if name in LIST_NAMES else items[-1]
    accepted = {}
    for group in _GROUPS:
        part = {name: values[name] for name in group if name in values}
        if part:
            try:
                from_controls(scope, today, {**accepted, **part})
                accepted.update(part)
            except QueryError as error:
                errors.append(error.words)
    return from_controls(scope, today, accepted), errors
