"""What a comparison and a forecast add to a time chart, as plain trace dicts that any of the
charts' types can take: the comparison period's series aligned by offset (its first period
under the range's first), and the forecast's dashed continuation to the month's end with its
range. Hover text is formatted from the Decimal values."""
from __future__ import annotations

from dashboard.format import money_text
from data_access.breakdowns import Point
from data_access.comparison import Comparison
from data_access.forecast import Forecast, month_end
from data_access.query import Granularity
from i18n import _, day

COMPARISON_COLOR = "#9aa5b1"
FORECAST_COLOR = "#4e79a7"
BAND_COLOR = "rgba(78, 121, 167, 0.15)"


def comparison_trace(compared: Comparison, current: tuple[Point, ...], measure: str, granularity: Granularity,
                     currency: str, name: str) -> dict:
    """The comparison period's values drawn at the range's periods of the same offset (day 1
    with day 1); periods of one without a partner in the other are left out. The hover names
    the comparison period's own day or month."""
    pairs = list(zip(current, compared.series, strict=False))
    values = [before.money.measure(measure) for _, before in pairs]
    return {"type": "scatter", "mode": "lines", "name": name,
            "line": {"color": COMPARISON_COLOR, "width": 1.5, "dash": "dot"},
            "x": [granularity.period_text(now.period) for now, _ in pairs],
            "y": [float(value) for value in values],
            "customdata": [f"{granularity.period_text(before.period)}: {money_text(value, currency)}"
                           for (_, before), value in zip(pairs, values, strict=True)],
            "hovertemplate": "%{fullData.name} (%{customdata})<extra></extra>"}


def forecast_traces(forecast: Forecast, last: Point | None, granularity: Granularity, currency: str) -> list[dict]:
    """The forecast of Amount: by day, a dashed line from the last day drawn (`last`, the
    actual of data up to) through the remaining days, within its shaded range; by month, the
    month's forecast and range as a point with error bars."""
    if granularity is Granularity.MONTH:
        landing = forecast.total.amount
        return [{"type": "scatter", "mode": "markers", "name": _("Forecast"),
                 "marker": {"color": FORECAST_COLOR, "symbol": "diamond-open", "size": 10},
                 "x": [granularity.period_text(forecast.month)], "y": [float(landing.forecast)],
                 "error_y": {"type": "data", "symmetric": False, "color": FORECAST_COLOR,
                             "array": [float(landing.high - landing.forecast)],
                             "arrayminus": [float(landing.forecast - landing.low)]},
                 "customdata": [f"{money_text(landing.forecast, currency)} "
                                f"({money_text(landing.low, currency)} \u2013 {money_text(landing.high, currency)})"],
                 "hovertemplate": _("Forecast") + ": %{customdata}<extra></extra>"}]
    if not forecast.days:
        return []
    start = [(last.period.isoformat(), last.money.amount, last.money.amount, last.money.amount)] if last else []
    points = start + [(day.day.isoformat(), day.amount, day.low, day.high) for day in forecast.days]
    x = [point[0] for point in points]
    band = {"type": "scatter", "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip", "showlegend": False}
    return [
        {**band, "name": _("Forecast low"), "x": x, "y": [float(point[2]) for point in points]},
        {**band, "name": _("Forecast range"), "x": x, "y": [float(point[3]) for point in points],
         "fill": "tonexty", "fillcolor": BAND_COLOR},
        {"type": "scatter", "mode": "lines", "name": _("Forecast"),
         "line": {"color": FORECAST_COLOR, "width": 2, "dash": "dash"},
         "x": x, "y": [float(point[1]) for point in points],
         "customdata": [f"{money_text(point[1], currency)} ({money_text(point[2], currency)} \u2013 "
                        f"{money_text(point[3], currency)})" for point in points],
         "hovertemplate": _("Forecast") + ": %{customdata}<extra></extra>"},
    ]


def trend_extras(answer, forecast: Forecast | None, query, currency: str, measure: str, label: str) -> list[dict]:
    """What a trend of the query (an Overview or Breakdown) gets: the comparison period's
    total of the measure, named `label` and its days, and the forecast when the range reaches
    the month of data up to."""
    traces = []
    if answer.comparison is not None:
        traces.append(comparison_trace(answer.comparison, answer.series, measure, query.granularity, currency,
                                       _("%(label)s %(start)s to %(end)s", label=label,
                                         start=day(answer.comparison.start), end=day(answer.comparison.end))))
    if forecast is not None and query.start <= month_end(forecast.month) and query.end >= forecast.data_up_to:
        last = next((point for point in answer.series if point.period == forecast.data_up_to), None)
        traces += forecast_traces(forecast, last, query.granularity, currency)
    return traces
