"""Figures as plain dicts: one line per group in its own colour, a donut with the same groups,
and every number a person reads formatted from the Decimal."""
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from dashboard.colors import OTHERS_COLOR, PALETTE, group_colors
from dashboard.figures import (
    distribution_figure,
    donut_figure,
    donut_reads,
    group_labels,
    overview_figure,
    trend_figure,
)
from dashboard.periods import Coverage
from data_access.breakdowns import Breakdown, Group, Overview, Point
from data_access.money import Money, total
from data_access.query import OTHERS_KEY, OTHERS_LABEL, Granularity

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)


def money(amount, coupon="0"):
    return Money(Decimal(amount), Decimal(coupon))


def group(key, label, *monthly):
    series = tuple(Point(period, value) for period, value in zip((JAN, FEB), monthly, strict=False))
    return Group(key, label, total(monthly), Decimal("0"), series)


def breakdown(*groups):
    series = tuple(Point(period, total(g.series[i].money for g in groups))
                   for i, period in enumerate((JAN, FEB)))
    return Breakdown(total(g.money for g in groups), series, groups)


# --- colours ---------------------------------------------------------------------------------

def test_a_groups_colour_does_not_depend_on_the_order_or_the_sorting():
    keys = [f"manager-{n}" for n in range(12)]
    assert group_colors(keys) == group_colors(reversed(keys))


def test_up_to_a_palette_of_groups_get_distinct_colours_and_others_is_grey():
    keys = [f"customer-{n}" for n in range(len(PALETTE))]
    colors = group_colors([*keys, OTHERS_KEY])
    assert len({colors[key] for key in keys}) == len(PALETTE)
    assert colors[OTHERS_KEY] == OTHERS_COLOR and OTHERS_COLOR not in PALETTE


def test_more_groups_than_colours_still_get_colours():
    keys = [str(n) for n in range(len(PALETTE) + 5)]
    assert set(group_colors(keys).values()) <= set(PALETTE)


def test_colours_are_the_same_in_every_process():
    # str hashes are salted per process; a gunicorn worker must pick what another picked.
    code = "from dashboard.colors import group_colors; print(group_colors(['Elastic IP', 'GaussDB', '']))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1


# --- figures ---------------------------------------------------------------------------------

TWO_MONTHS = Coverage(JAN, date(2025, 2, 28), Granularity.MONTH, date(2025, 2, 28))


def test_trend_stacks_columns_by_default_with_colours_a_total_and_exact_hover_text():
    answer = breakdown(group("m1", "Li Na", money("1234567.89", "10"), money("0.10")),
                       group(OTHERS_KEY, OTHERS_LABEL, money("5"), money("-2.5")))
    colors = group_colors(g.key for g in answer.groups)
    figure = trend_figure(answer, "amount", TWO_MONTHS, "CNY", colors)
    json.dumps(figure)  # plain data, ready for the browser
    bars, others, total_ = figure["data"]
    assert [t["name"] for t in figure["data"]] == ["Li Na", "Others", "Total"]
    assert (bars["type"], figure["layout"]["barmode"]) == ("bar", "relative")  # refunds below zero
    assert [bars["marker"]["color"], others["marker"]["color"]] == [colors["m1"], OTHERS_COLOR]
    assert bars["x"] == ["2025-01", "2025-02"]
    # The group's key first: a click drills into it (assets/drilldown.js); the Total's drills nowhere.
    assert bars["customdata"] == [["m1", "CNY 1,234,567.89"], ["m1", "CNY 0.10"]]
    assert others["customdata"] == [[OTHERS_KEY, "CNY 5.00"], [OTHERS_KEY, "CNY -2.50"]]
    assert bars["y"] == [1234567.89, 0.1]
    assert total_["customdata"] == [[None, "CNY 1,234,572.89"], [None, "CNY -2.40"]]
    assert figure["layout"]["showlegend"] is True and total_["showlegend"] is False  # the legend names groups


def test_trend_as_lines_or_stacked_areas():
    answer = breakdown(group("m1", "Li Na", money("1"), money("2")), group("m2", "Wu", money("3"), money("4")))
    lines = trend_figure(answer, "amount", TWO_MONTHS, "CNY", group_colors(["m1", "m2"]), "lines")["data"]
    assert [t["mode"] for t in lines] == ["lines+markers", "lines+markers", "lines"]  # two months: marked
    assert all("stackgroup" not in t for t in lines)
    area = trend_figure(answer, "amount", TWO_MONTHS, "CNY", group_colors(["m1", "m2"]), "area")["data"]
    assert [t.get("stackgroup") for t in area] == ["groups", "groups", None]


def test_long_series_are_drawn_as_plain_lines():
    days = tuple(Point(date.fromordinal(JAN.toordinal() + n), money("1")) for n in range(365))
    answer = Breakdown(total(p.money for p in days), days, (Group("k", "K", total(p.money for p in days),
                                                                  Decimal("1"), days),))
    year = Coverage(JAN, date(2025, 12, 31), Granularity.DAY, date(2025, 12, 31))
    line = trend_figure(answer, "amount", year, "CNY", {"k": "#000"}, "lines")["data"][0]
    assert line["mode"] == "lines" and len(line["x"]) == 365 and line["x"][-1] == "2025-12-31"


def test_trend_draws_the_chosen_amount():
    answer = breakdown(group("m1", "Li Na", money("100", "30"), money("10", "10")))
    figure = trend_figure(answer, "amount_paid", TWO_MONTHS, "CNY", {"m1": "#000"})
    assert figure["data"][0]["customdata"] == [["m1", "CNY 70.00"], ["m1", "CNY 0.00"]]


def test_days_after_the_data_are_not_drawn_and_the_chart_says_so():
    days = tuple(Point(date(2025, 1, day), money("1")) for day in range(1, 32))
    coverage = Coverage(JAN, date(2025, 1, 31), Granularity.DAY, date(2025, 1, 20))
    figure = overview_figure(Overview(total(p.money for p in days), days), coverage, "USD")
    assert [len(line["x"]) for line in figure["data"]] == [20, 20]  # no zeros after the 20th
    assert figure["layout"]["xaxis"]["range"] == ["2025-01-01", "2025-02-01"]  # the whole range shown
    band, = figure["layout"]["shapes"]
    assert (band["x0"], band["x1"]) == ("2025-01-21", "2025-02-01")
    assert [note["text"] for note in figure["layout"]["annotations"]] == ["data up to 2025-01-20"]


def test_a_partial_month_is_hatched_shaded_and_named_in_the_hover():
    answer = breakdown(group("m1", "Li Na", money("10"), money("4")))
    # The range starts mid-January, and the data stops on 10 February: both months are partial.
    coverage = Coverage(date(2025, 1, 15), date(2025, 2, 28), Granularity.MONTH, date(2025, 2, 10))
    figure = trend_figure(answer, "amount", coverage, "CNY", {"m1": "#000"})
    assert figure["data"][0]["marker"]["pattern"]["shape"] == ["/", "/"]
    assert figure["data"][0]["customdata"] == [["m1", "CNY 10.00 (partial month)"], ["m1", "CNY 4.00 (partial month)"]]
    notes = [note["text"] for note in figure["layout"]["annotations"]]
    assert notes == ["partial month", "partial month", "data up to 2025-02-10"]
    whole = trend_figure(answer, "amount", TWO_MONTHS, "CNY", {"m1": "#000"})
    assert whole["data"][0]["marker"]["pattern"]["shape"] == ["", ""] and whole["layout"]["shapes"] == []


def test_coverage_of_months_and_days():
    coverage = Coverage(date(2025, 1, 1), date(2025, 3, 31), Granularity.MONTH, date(2025, 2, 27))
    points = tuple(Point(month, money("1")) for month in (JAN, FEB, date(2025, 3, 1)))
    assert [p.period for p in coverage.drawn(points)] == [JAN, FEB]
    assert coverage.partial_periods(coverage.drawn(points)) == [FEB]
    assert not Coverage(JAN, FEB, Granularity.DAY, JAN).is_partial(JAN)


def test_donut_shows_the_same_groups_named_with_shares_of_the_chosen_amount():
    answer = breakdown(group("a", "A", money("75", "25"), money("0")),
                       group("b", "B", money("25"), money("0")))
    colors = group_colors(["a", "b"])
    figure = distribution_figure(answer, "amount_paid", "CNY", colors)
    pie = figure["data"][0]
    assert pie["type"] == "pie" and pie["labels"] == ["A", "B"]
    assert pie["marker"]["colors"] == [colors["a"], colors["b"]]
    assert pie["text"] == ["A<br>66.67%", "B<br>33.33%"]  # 50 and 25 of 75 paid
    assert pie["customdata"] == [["a"], ["b"]]  # the group's key: a click drills into it
    assert pie["textinfo"] == "text"  # plotly's own percentages would come from floats
    # One hover text per slice, each with its own amounts (not every slice's, nor "-").
    assert pie["hovertext"][0] == "<b>A</b><br>Amount: CNY 75.00<br>Amount paid: CNY 50.00<br>Share: 66.67%"
    assert pie["hovertemplate"] == "%{hovertext}<extra></extra>"


def test_donut_leaves_out_groups_it_cannot_draw_and_shows_the_exact_total():
    answer = breakdown(group("a", "A", money("100"), money("0")),
                       group("z", "Zero", money("0"), money("0")))
    figure = donut_figure(answer, "amount", "CNY", group_colors(["a", "z"]))
    assert figure["data"][0]["labels"] == ["A"]
    assert "CNY 100.00" in figure["layout"]["annotations"][0]["text"]


def test_many_groups_a_refund_or_a_large_others_make_ranked_bars_with_cumulative_share():
    few = breakdown(group("a", "A", money("60"), money("0")), group(OTHERS_KEY, OTHERS_LABEL, money("40"), money("0")))
    assert donut_reads(few, "amount")
    big_others = breakdown(group("a", "A", money("40"), money("0")),
                           group(OTHERS_KEY, OTHERS_LABEL, money("60"), money("0")))
    refunded = breakdown(group("a", "A", money("100"), money("0")), group("r", "R", money("-40"), money("0")))
    many = breakdown(*(group(f"k{n}", f"K{n}", money(str(n + 1)), money("0")) for n in range(7)))
    assert not any(donut_reads(answer, "amount") for answer in (big_others, refunded, many))

    figure = distribution_figure(big_others, "amount", "CNY", group_colors(["a", OTHERS_KEY]))
    bars, cumulative = figure["data"]
    assert (bars["type"], bars["orientation"]) == ("bar", "h")
    assert bars["y"] == ["A", "Others"] and bars["text"] == ["CNY 40.00 \u00b7 40.00%", "CNY 60.00 \u00b7 60.00%"]
    assert cumulative["x"] == [40.0, 100.0] and cumulative["xaxis"] == "x2"
    assert "Cumulative share: 100.00%" in bars["hovertext"][1]
    ranked = distribution_figure(many, "amount", "CNY", group_colors(f"k{n}" for n in range(7)))
    assert ranked["data"][0]["y"] == [f"K{n}" for n in range(6, -1, -1)]  # largest first


def test_groups_sharing_a_label_are_told_apart():
    groups = (group("c1", "shop", money("1")), group("c2", "shop", money("2")),
              group("c3", "labs", money("3")))
    assert group_labels(groups) == {"c1": "shop (c1)", "c2": "shop (c2)", "c3": "labs"}


def test_overview_draws_amount_and_amount_paid():
    series = (Point(JAN, money("10", "1")), Point(FEB, money("20.5", "0.5")))
    coverage = Coverage(JAN, FEB, Granularity.DAY, FEB)
    figure = overview_figure(Overview(total(p.money for p in series), series), coverage, "USD")
    assert [line["name"] for line in figure["data"]] == ["Amount", "Amount paid"]
    assert figure["data"][0]["x"] == ["2025-01-01", "2025-02-01"]
    assert [text for _, text in figure["data"][1]["customdata"]] == ["USD 9.00", "USD 20.00"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "USD"


def test_the_vendored_plotly_bundle_is_the_installed_plotly_js_version():
    """The figures are dicts for the plotly.js of the installed plotly; the browser draws them
    with the vendored bundle (assets/vendor/README.md), which must be that version."""
    bundle = Path(__file__).resolve().parents[1] / "assets" / "vendor" / "plotly-basic.min.js"
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}\n" in bundle.read_text()[:200]


def test_names_from_the_data_reach_charts_as_text_not_markup():
    """Plotly reads trace names and pie labels as HTML: a customer named like a link must stay
    text (tests/browser/test_security_browser.py checks no link is drawn)."""
    name = '<a href="https://x">verify</a> & <b>co</b>'
    answer = breakdown(group("c1", name, money("10"), money("5")), group("c2", "plain", money("1"), money("1")))
    colors = group_colors(["c1", "c2"])
    shown = '&lt;a href="https://x"&gt;verify&lt;/a&gt; &amp; &lt;b&gt;co&lt;/b&gt;'
    trend = trend_figure(answer, "amount", TWO_MONTHS, "CNY", colors)
    assert [line["name"] for line in trend["data"]] == [shown, "plain", "Total"]
    assert donut_figure(answer, "amount", "CNY", colors)["data"][0]["labels"] == [shown, "plain"]
    assert group_labels(answer.groups)["c1"] == name  # the group table shows text as it is
