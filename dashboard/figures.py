"""Plotly figures as plain dicts (building go.Figure objects costs ~5x more), from the answers
of data_access.breakdowns. Coordinates may be float; every number a person reads (hover, labels) is
formatted from the Decimal. Each figure is a pure function of its data, so that more series
(a comparison period, a forecast) can be added to what it returns. A breakdown's points carry
their group's key first in `customdata`: a click on a point, slice, bar or line, or on a legend
entry, drills into it (assets/drilldown.js); the Total's key is None, so it drills nowhere."""
from __future__ import annotations

import html
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from dashboard.format import change_text, measure_label, money_text, share_text
from dashboard.periods import Coverage, next_period
from data_access.breakdowns import Breakdown, Group, Overview
from data_access.money import ZERO, share
from data_access.query import OTHERS_KEY, Granularity
from i18n import _, plotly_locale
from i18n.terms import term

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# Without plotly.js's "Share chart..." (an upload to Plotly's cloud, which the data must not
# reach; its title has no Chinese in plotly's locale either).
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud"]}


def graph_config() -> dict:
    """The graphs' config in the user's language: plotly.js's own locale (month names, its
    buttons' titles; assets/vendor/plotly-locale-zh-cn.js) for Chinese."""
    locale = plotly_locale()
    return {**CONFIG, "locale": locale} if locale else CONFIG


AMOUNT_COLOR, AMOUNT_PAID_COLOR = "#0072B2", "#CC3311"
TOTAL_COLOR, MUTED_COLOR = "#343a40", "#6c757d"
PARTIAL_FILL, NO_DATA_FILL = "rgba(108,117,125,0.10)", "rgba(108,117,125,0.05)"
MARKED_POINTS = 31
PERIOD_MS = {Granularity.DAY: 86_400_000, Granularity.MONTH: "M1"}  # plotly's xperiod
# A donut reads when its slices are few and "Others" is not most of it; else ranked bars.
DONUT_MAX_SLICES = 6


def _layout(**extra) -> dict:
    return {"font": {"family": FONT, "size": 12}, "margin": {"l": 8, "r": 8, "t": 28, "b": 8},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "separators": ".,", "showlegend": False, **extra}


def _money_axis(currency: str) -> dict:
    return {"automargin": True, "rangemode": "tozero", "tickformat": "~s", "gridcolor": "#e9ecef",
            "zerolinecolor": "#adb5bd", "title": {"text": currency}}


def _time_axes(coverage: Coverage, currency: str) -> dict:
    """The whole range on the x axis, periods centred in their span, and the incomplete parts
    marked: partial months shaded and labelled, the days after "data up to" shaded and named."""
    month = coverage.granularity is Granularity.MONTH
    first = coverage.start.replace(day=1) if month else coverage.start
    after = next_period(coverage.end.replace(day=1) if month else coverage.end, coverage.granularity)
    xaxis = {"type": "date", "automargin": True, "showgrid": False, "range": [first.isoformat(), after.isoformat()],
             "hoverformat": "%b %Y" if month else "%a %Y-%m-%d"}
    if month:
        xaxis.update(tickformat=_("%b %Y"), dtick="M1")  # a d3 time format: "%Y年%-m月" in Chinese
    elif plotly_locale():  # plotly.js's own day ticks ("Nov 1") read oddly with Chinese month names
        xaxis.update(tickformat=_("%b %-d"))
    return {"hovermode": "x unified", "xaxis": xaxis, "yaxis": _money_axis(currency), "bargap": 0.25,
            "hoverlabel": {"namelength": -1}, **_incomplete_marks(coverage)}


def _band(x0, x1, fill: str, label: str, at_end: bool = False) -> tuple[dict, dict]:
    """A shaded span of the x axis, named above the plot at its start (or its end)."""
    shape = {"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
             "fillcolor": fill, "line": {"width": 0}, "layer": "below"}
    note = {"text": label, "xref": "x", "yref": "paper", "x": x1 if at_end else x0, "y": 1,
            "xanchor": "right" if at_end else "left", "yanchor": "bottom", "showarrow": False,
            "font": {"size": 11, "color": MUTED_COLOR}}
    return shape, note


def _incomplete_marks(coverage: Coverage) -> dict:
    shapes, notes = [], []
    if coverage.granularity is Granularity.MONTH:
        month = coverage.start.replace(day=1)
        while month <= coverage.last_day:
            if coverage.is_partial(month):
                shape, note = _band(month.isoformat(), next_period(month, Granularity.MONTH).isoformat(),
                                    PARTIAL_FILL, _("partial month"))
                shapes.append(shape), notes.append(note)
            month = next_period(month, Granularity.MONTH)
    if coverage.cut:
        shape, note = _band((coverage.data_up_to + timedelta(days=1)).isoformat(),
                            next_period(coverage.end, Granularity.DAY).isoformat(), NO_DATA_FILL,
                            _("data up to %(day)s", day=coverage.data_up_to), at_end=True)
        shapes.append(shape), notes.append(note)
    return {"shapes": shapes, "annotations": notes}


def _series_values(key: str | None, points, measure: str, coverage: Coverage, currency: str) -> dict:
    """x, y and the hover text of a series, up to "data up to"; a partial month says so."""
    points = coverage.drawn(points)
    values = [point.money.measure(measure) for point in points]
    notes = [" (partial month)" if coverage.is_partial(point.period) else "" for point in points]
    return {"x": [coverage.granularity.period_text(point.period) for point in points],
            "y": [float(value) for value in values],
            "customdata": [[key, money_text(value, currency) + note]
                           for value, note in zip(values, notes, strict=True)],
            "xperiod": PERIOD_MS[coverage.granularity], "xperiodalignment": "middle",
            "hovertemplate": "%{fullData.name}: %{customdata[1]}<extra></extra>"}


def _line(key: str, name: str, color: str, points, measure: str, coverage: Coverage, currency: str,
          stacked: bool = False) -> dict:
    trace = _series_values(key, points, measure, coverage, currency)
    # Markers where points are few enough to tell apart (a single month is a single point).
    mode = "lines+markers" if len(trace["x"]) <= MARKED_POINTS else "lines"
    trace.update(type="scatter", mode=mode, name=name, line={"color": color, "width": 2},
                 marker={"size": 5, "symbol": ["circle-open" if coverage.is_partial(p.period) else "circle"
                                               for p in coverage.drawn(points)]})
    if stacked:
        trace.update(stackgroup="groups", line={"color": color, "width": 1})
    return trace


def _columns(key: str, name: str, color: str, points, measure: str, coverage: Coverage, currency: str) -> dict:
    trace = _series_values(key, points, measure, coverage, currency)
    partial = [coverage.is_partial(point.period) for point in coverage.drawn(points)]
    trace.update(type="bar", name=name, marker={
        "color": color, "line": {"width": 0},
        # Partial months hatched over their colour (overlay keeps the group's colour beneath).
        "pattern": {"shape": ["/" if p else "" for p in partial], "fillmode": "overlay", "fgcolor": "#ffffff",
                    "fgopacity": 0.7, "size": 7, "solidity": 0.35}})
    return trace


def _total(points, coverage: Coverage, measure: str, chart: str, currency: str) -> dict:
    """The total of all groups: a dark line over lines and areas, a cap on each column."""
    trace = _series_values(None, points, measure, coverage, currency)
    trace.update(type="scatter", name=_("Total"), showlegend=False, line={"color": TOTAL_COLOR, "width": 1.5})
    if chart == "columns":  # no cap on an empty period
        trace.update(mode="markers", marker={"symbol": "line-ew-open", "size": [14 if y else 0 for y in trace["y"]],
                                             "color": TOTAL_COLOR, "line": {"width": 2, "color": TOTAL_COLOR}})
    else:
        trace.update(mode="lines", line={"color": TOTAL_COLOR, "width": 1.5, "dash": "solid"})
    return trace


def overview_figure(overview: Overview, coverage: Coverage, currency: str) -> dict:
    """Amount and Amount paid over time, up to "data up to"."""
    traces = [_line(measure, measure_label(measure), color, overview.series, measure, coverage, currency)
              for measure, color in (("amount", AMOUNT_COLOR), ("amount_paid", AMOUNT_PAID_COLOR))]
    layout = _layout(**_time_axes(coverage, currency), showlegend=True,
                     legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
                             "bgcolor": "rgba(255,255,255,0.8)"})
    return {"data": traces, "layout": layout}


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


def trend_figure(breakdown: Breakdown, measure: str, coverage: Coverage, currency: str,
                 colors: dict[str, str], chart: str = "columns") -> dict:
    """The groups over time (the top N, then "Others") as stacked columns, lines or stacked
    areas, with their total. The legend (below the plot; a click on an entry drills) names the
    groups; the group table under it has their figures."""
    labels = chart_labels(breakdown.groups)
    if chart == "lines":
        traces = [_line(g.key, labels[g.key], colors[g.key], g.series, measure, coverage, currency)
                  for g in breakdown.groups]
    elif chart == "area":
        traces = [_line(g.key, labels[g.key], colors[g.key], g.series, measure, coverage, currency, stacked=True)
                  for g in breakdown.groups]
    else:
        traces = [_columns(g.key, labels[g.key], colors[g.key], g.series, measure, coverage, currency)
                  for g in breakdown.groups]
    traces.append(_total(breakdown.series, coverage, measure, chart, currency))
    legend = {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": 11}}
    return {"data": traces, "layout": _layout(barmode="relative", showlegend=True, legend=legend,
                                              **_time_axes(coverage, currency))}


def donut_reads(breakdown: Breakdown, measure: str) -> bool:
    """A donut says something when it has few slices, none negative, and "Others" is not most
    of it; otherwise ranked bars do."""
    whole = breakdown.total.measure(measure)
    values = {group.key: group.money.measure(measure) for group in breakdown.groups}
    return (whole > 0 and len(values) <= DONUT_MAX_SLICES and all(value >= 0 for value in values.values())
            and values.get(OTHERS_KEY, ZERO) * 2 <= whole)


def _change_hover(breakdown: Breakdown, group: Group, measure: str, currency: str) -> list[str]:
    """The group's change of the measure against the comparison period, if there is one."""
    if breakdown.comparison is None:
        return []
    previous = breakdown.comparison.previous(group.key).measure(measure)
    return [_("Change: %(change)s (was %(previous)s)",
              change=change_text(group.money.measure(measure), previous, currency),
              previous=money_text(previous, currency))]


def _hover(label: str, breakdown: Breakdown, group: Group, measure: str, measure_share: Decimal,
           cumulative: Decimal | None, currency: str) -> str:
    lines = [f"<b>{label}</b>", _("Amount: %(value)s", value=money_text(group.money.amount, currency)),
             _("Amount paid: %(value)s", value=money_text(group.money.amount_paid, currency)),
             _("Share: %(value)s", value=share_text(measure_share))]
    if cumulative is not None:
        lines.append(_("Cumulative share: %(value)s", value=share_text(cumulative)))
    return "<br>".join(lines + _change_hover(breakdown, group, measure, currency))


def donut_figure(breakdown: Breakdown, measure: str, currency: str, colors: dict[str, str]) -> dict:
    """The groups' shares of the measure, each slice named with its share."""
    labels = chart_labels(breakdown.groups)
    whole = breakdown.total.measure(measure)
    drawn = [group for group in breakdown.groups if group.money.measure(measure) > 0]
    shares = [share(group.money.measure(measure), whole) for group in drawn]
    return {"data": [{
        "type": "pie", "hole": 0.55, "sort": False, "direction": "clockwise",
        "labels": [labels[group.key] for group in drawn],
        "values": [float(group.money.measure(measure)) for group in drawn],
        "marker": {"colors": [colors[group.key] for group in drawn], "line": {"color": "#fff", "width": 2}},
        "text": [f"{labels[group.key]}<br>{share_text(value)}"
                 for group, value in zip(drawn, shares, strict=True)],
        "textinfo": "text", "textposition": "outside", "automargin": True,
        # One text per slice: plotly spread an array of values per slice over every slice.
        "hovertext": [_hover(labels[group.key], breakdown, group, measure, value, None, currency)
                      for group, value in zip(drawn, shares, strict=True)],
        "customdata": [[group.key] for group in drawn],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }], "layout": _layout(margin={"l": 24, "r": 24, "t": 24, "b": 24}, annotations=[{
        "text": f"{measure_label(measure)}<br><b>{money_text(whole, currency)}</b>",
        "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper"}])}


def ranked_figure(breakdown: Breakdown, measure: str, currency: str, colors: dict[str, str]) -> dict:
    """The groups as bars from the largest down ("Others" last), each labelled with its share,
    and the cumulative share as a line on the top axis: how few groups make most of it."""
    labels = chart_labels(breakdown.groups)
    whole = breakdown.total.measure(measure)
    named = sorted((g for g in breakdown.groups if g.key != OTHERS_KEY),
                   key=lambda g: (-g.money.measure(measure), labels[g.key]))
    ranked = named + [g for g in breakdown.groups if g.key == OTHERS_KEY]
    shares = [share(g.money.measure(measure), whole) for g in ranked]
    cumulative, running = [], ZERO
    for value in shares:
        running += value
        cumulative.append(running)
    y = [labels[g.key] for g in ranked]
    bars = {"type": "bar", "orientation": "h", "name": measure_label(measure), "y": y,
            "x": [float(g.money.measure(measure)) for g in ranked],
            "marker": {"color": [colors[g.key] for g in ranked]},
            "text": [f"{money_text(g.money.measure(measure), currency)} \u00b7 {share_text(value)}"
                     for g, value in zip(ranked, shares, strict=True)],
            "textposition": "auto", "cliponaxis": False, "insidetextanchor": "end",
            "hovertext": [_hover(labels[g.key], breakdown, g, measure, value, cum, currency)
                          for g, value, cum in zip(ranked, shares, cumulative, strict=True)],
            "customdata": [[g.key] for g in ranked],
            "hovertemplate": "%{hovertext}<extra></extra>"}
    line = {"type": "scatter", "mode": "lines+markers", "name": _("Cumulative share"), "xaxis": "x2", "y": y,
            "x": [float(value * 100) for value in cumulative], "line": {"color": TOTAL_COLOR, "width": 1.5},
            "marker": {"size": 6}, "hoverinfo": "skip"}
    return {"data": [bars, line], "layout": _layout(
        bargap=0.3, hovermode="closest",
        yaxis={"autorange": "reversed", "automargin": True, "ticks": "", "showgrid": False},
        xaxis={**_money_axis(currency), "title": {"text": currency}},
        xaxis2={"overlaying": "x", "side": "top", "range": [0, 102], "tickvals": [0, 25, 50, 75, 100],
                "ticksuffix": "%", "showgrid": False,
                "title": {"text": _("Cumulative share"), "font": {"size": 11, "color": MUTED_COLOR}},
                "tickfont": {"color": MUTED_COLOR}})}


def distribution_figure(breakdown: Breakdown, measure: str, currency: str, colors: dict[str, str]) -> dict:
    """A donut when it reads, else ranked bars."""
    if donut_reads(breakdown, measure):
        return donut_figure(breakdown, measure, currency, colors)
    return ranked_figure(breakdown, measure, currency, colors)
