"""Plotly figures as plain dicts (building go.Figure objects costs ~5x more), from the answers
of data_access.breakdowns. Coordinates may be float; every number a person reads (hover, labels) is
formatted from the Decimal. A breakdown's points carry their group's key first in `customdata`:
a click on a point, slice or line, or on a legend entry, drills into it (assets/drilldown.js)."""
from __future__ import annotations

import html
from collections import Counter

from dashboard.format import change_text, measure_label, money_text, share_text
from data_access.breakdowns import Breakdown, Group, Overview
from data_access.money import share
from data_access.query import Granularity
from i18n import _, plotly_locale
from i18n.terms import term

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def graph_config() -> dict:
    """The graphs' config in the user's language: plotly.js's own locale (month names, its
    buttons' titles; assets/vendor/plotly-locale-zh-cn.js) for Chinese."""
    locale = plotly_locale()
    return {**CONFIG, "locale": locale} if locale else CONFIG
AMOUNT_COLOR, AMOUNT_PAID_COLOR = "#4e79a7", "#59a14f"
MARKED_POINTS = 31


def _layout(**extra) -> dict:
    return {"font": {"family": FONT, "size": 12}, "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
            "separators": ".,", **extra}


def _time_axes(granularity: Granularity, currency: str) -> dict:
    month = granularity is Granularity.MONTH
    xaxis = {"type": "date", "automargin": True, "showgrid": False,
             "hoverformat": "%Y-%m" if month else "%Y-%m-%d"}
    if month:
        xaxis.update(tickformat=_("%b %Y"), dtick="M1")  # a d3 time format: "%Y年%-m月" in Chinese
    elif plotly_locale():  # plotly.js's own day ticks ("Nov 1") read oddly with Chinese month names
        xaxis.update(tickformat=_("%b %-d"))
    return {"hovermode": "x unified", "xaxis": xaxis,
            "yaxis": {"automargin": True, "rangemode": "tozero", "tickformat": ",.0f",
                      "gridcolor": "#e9ecef", "title": {"text": currency}}}


def _line(key: str, name: str, color: str, points, measure: str, granularity: Granularity,
          currency: str) -> dict:
    values = [point.money.measure(measure) for point in points]
    # Markers where points are few enough to tell apart (a single month is a single point).
    mode = "lines+markers" if len(points) <= MARKED_POINTS else "lines"
    return {"type": "scatter", "mode": mode, "name": name, "line": {"color": color, "width": 2},
            "marker": {"size": 5},
            "x": [granularity.period_text(point.period) for point in points],
            "y": [float(value) for value in values],
            "customdata": [[key, money_text(value, currency)] for value in values],
            "hovertemplate": "%{fullData.name}: %{customdata[1]}<extra></extra>"}


def overview_figure(overview: Overview, granularity: Granularity, currency: str) -> dict:
    """Amount and Amount paid over time."""
    return {"data": [_line(measure, measure_label(measure), color, overview.series, measure, granularity, currency)
                     for measure, color in (("amount", AMOUNT_COLOR), ("amount_paid", AMOUNT_PAID_COLOR))],
            "layout": _layout(**_time_axes(granularity, currency))}


def group_labels(groups: tuple[Group, ...]) -> dict[str, str]:
    """{key: label}, with the key added to a label that two groups share (two customers may
    have the same account name), so that no chart merges or confuses them."""
    counts = Counter(group.label for group in groups)
    return {group.key: term(group.label) if counts[group.label] == 1 else f"{term(group.label)} ({group.key})"
            for group in groups}


def chart_labels(groups: tuple[Group, ...]) -> dict[str, str]:
    """The groups' labels as a chart must be given them: Plotly reads the names and labels of
    traces (legend, hover, pie labels) as HTML of a few tags, links included, so names from the
    data are escaped to show as the text they are."""
    return {key: html.escape(label, quote=False) for key, label in group_labels(groups).items()}


def trend_figure(breakdown: Breakdown, measure: str, granularity: Granularity, currency: str,
                 colors: dict[str, str]) -> dict:
    """One line per group (the top N, then "Others")."""
    labels = chart_labels(breakdown.groups)
    return {"data": [_line(group.key, labels[group.key], colors[group.key], group.series, measure,
                           granularity, currency)
                     for group in breakdown.groups],
            "layout": _layout(**_time_axes(granularity, currency))}


def _change_hover(breakdown: Breakdown, group: Group, measure: str, currency: str) -> list[str]:
    """The group's change of the measure against the comparison period, if there is one."""
    if breakdown.comparison is None:
        return []
    previous = breakdown.comparison.previous(group.key).measure(measure)
    return [_("Change: %(change)s (was %(previous)s)",
              change=change_text(group.money.measure(measure), previous, currency),
              previous=money_text(previous, currency))]


def donut_figure(breakdown: Breakdown, measure: str, currency: str, colors: dict[str, str]) -> dict:
    """The groups' shares of the measure. A slice cannot show a negative total (a group whose
    refunds exceed its spend), so such groups are left out; the group table still lists them."""
    labels = chart_labels(breakdown.groups)
    whole = breakdown.total.measure(measure)
    drawn = [group for group in breakdown.groups if group.money.measure(measure) > 0]
    return {"data": [{
        "type": "pie", "hole": 0.55, "sort": False, "direction": "clockwise",
        "labels": [labels[group.key] for group in drawn],
        "values": [float(group.money.measure(measure)) for group in drawn],
        "marker": {"colors": [colors[group.key] for group in drawn], "line": {"color": "#fff", "width": 1}},
        "text": [share_text(share(group.money.measure(measure), whole)) for group in drawn],
        "textinfo": "text", "textposition": "inside", "insidetextorientation": "horizontal",
        "customdata": [[group.key] for group in drawn],
        # A slice's customdata reaches a hovertemplate as the list of its entries' items.
        "hovertext": ["<br>".join([_("Amount: %(value)s", value=money_text(group.money.amount, currency)),
                                   _("Amount paid: %(value)s", value=money_text(group.money.amount_paid, currency)),
                                   _("Share: %(value)s", value=share_text(share(group.money.measure(measure), whole))),
                                   *_change_hover(breakdown, group, measure, currency)]) for group in drawn],
        "hovertemplate": "<b>%{label}</b><br>%{hovertext}<extra></extra>",
    }], "layout": _layout(showlegend=False,  # the groups' table below is the legend
                          uniformtext={"minsize": 10, "mode": "hide"}, annotations=[{
        "text": f"{measure_label(measure)}<br><b>{money_text(whole, currency)}</b>",
        "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper"}])}
