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
from dashboard.figures import donut_figure, group_labels, overview_figure, trend_figure
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

def test_trend_draws_one_line_per_group_with_its_colour_and_exact_hover_text():
    answer = breakdown(group("m1", "Li Na", money("1234567.89", "10"), money("0.10")),
                       group(OTHERS_KEY, OTHERS_LABEL, money("5"), money("-2.5")))
    colors = group_colors(g.key for g in answer.groups)
    figure = trend_figure(answer, "amount", Granularity.MONTH, "CNY", colors)
    json.dumps(figure)  # plain data, ready for the browser
    lines = figure["data"]
    assert [line["name"] for line in lines] == ["Li Na", "Others"]
    assert [line["line"]["color"] for line in lines] == [colors["m1"], OTHERS_COLOR]
    assert lines[0]["x"] == ["2025-01", "2025-02"]
    # The group's key first: a click drills into it (assets/drilldown.js).
    assert lines[0]["customdata"] == [["m1", "CNY 1,234,567.89"], ["m1", "CNY 0.10"]]
    assert lines[1]["customdata"] == [[OTHERS_KEY, "CNY 5.00"], [OTHERS_KEY, "CNY -2.50"]]
    assert lines[0]["y"] == [1234567.89, 0.1]
    assert lines[0]["mode"] == "lines+markers"  # two months: points worth marking


def test_long_series_are_drawn_as_plain_lines():
    days = tuple(Point(date.fromordinal(JAN.toordinal() + n), money("1")) for n in range(365))
    answer = Breakdown(total(p.money for p in days), days, (Group("k", "K", total(p.money for p in days),
                                                                  Decimal("1"), days),))
    line = trend_figure(answer, "amount", Granularity.DAY, "CNY", {"k": "#000"})["data"][0]
    assert line["mode"] == "lines" and len(line["x"]) == 365 and line["x"][-1] == "2025-12-31"


def test_trend_draws_the_chosen_amount():
    answer = breakdown(group("m1", "Li Na", money("100", "30"), money("10", "10")))
    figure = trend_figure(answer, "amount_paid", Granularity.MONTH, "CNY", {"m1": "#000"})
    assert figure["data"][0]["customdata"] == [["m1", "CNY 70.00"], ["m1", "CNY 0.00"]]


def test_donut_shows_the_same_groups_with_shares_of_the_chosen_amount():
    answer = breakdown(group("a", "A", money("75", "25"), money("0")),
                       group("b", "B", money("25"), money("0")))
    colors = group_colors(["a", "b"])
    pie = donut_figure(answer, "amount_paid", "CNY", colors)["data"][0]
    assert pie["labels"] == ["A", "B"]
    assert pie["marker"]["colors"] == [colors["a"], colors["b"]]
    assert pie["text"] == ["66.67%", "33.33%"]  # 50 and 25 of 75 paid
    assert pie["customdata"] == [["a"], ["b"]]  # the group's key: a click drills into it
    assert pie["hovertext"] == ["Amount: CNY 75.00<br>Amount paid: CNY 50.00<br>Share: 66.67%",
                                "Amount: CNY 25.00<br>Amount paid: CNY 25.00<br>Share: 33.33%"]
    assert pie["textinfo"] == "text"  # plotly's own percentages would come from floats


def test_donut_leaves_out_groups_it_cannot_draw_and_shows_the_exact_total():
    answer = breakdown(group("a", "A", money("100"), money("0")),
                       group("r", "Refunded", money("-40"), money("0")),
                       group("z", "Zero", money("0"), money("0")))
    figure = donut_figure(answer, "amount", "CNY", group_colors(["a", "r", "z"]))
    assert figure["data"][0]["labels"] == ["A"]
    assert "CNY 60.00" in figure["layout"]["annotations"][0]["text"]


def test_groups_sharing_a_label_are_told_apart():
    groups = (group("c1", "shop", money("1")), group("c2", "shop", money("2")),
              group("c3", "labs", money("3")))
    assert group_labels(groups) == {"c1": "shop (c1)", "c2": "shop (c2)", "c3": "labs"}


def test_overview_draws_amount_and_amount_paid():
    series = (Point(JAN, money("10", "1")), Point(FEB, money("20.5", "0.5")))
    figure = overview_figure(Overview(total(p.money for p in series), series), Granularity.DAY, "USD")
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
    trend = trend_figure(answer, "amount", Granularity.MONTH, "CNY", colors)
    assert [line["name"] for line in trend["data"]] == [shown, "plain"]
    assert donut_figure(answer, "amount", "CNY", colors)["data"][0]["labels"] == [shown, "plain"]
    assert group_labels(answer.groups)["c1"] == name  # the group table shows text as it is
