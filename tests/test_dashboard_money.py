"""Money at the provider's eight decimals on the screen, through the callbacks: figures rounded
half up to the cent, the exact value on hover (cards, group table, grid tooltips), and a note
where rounded figures do not add up."""
from __future__ import annotations

from datetime import date

import pytest

from callbacks.breakdown import breakdown_view, detail_rows
from callbacks.overview import overview_view
from dashboard import ids
from dashboard.view_state import from_search
from data_access.query import Scope
from tests.helpers import make_app
from tests.helpers.builders import load
from tests.helpers.components import Drawn, find, tree

ADMIN = Scope("P1")
TODAY = date(2025, 2, 10)
JANUARY = "?range=custom&from=2025-01-01&to=2025-01-31"
# Li Na 1234.495 (coupon 0.001), Wang Wei 0.005, Unassigned 0.005: rounded 1234.50 + 0.01 + 0.01
# = 1234.52, but the total 1234.505 rounds to 1234.51; Amount paid 1234.504 rounds to 1234.50,
# not 1234.51 - 0.00.
RECORDS = [{"record_id": "r1", "customer_id": "c1", "day": "2025-01-05", "amount": "1234.49500000",
            "cash_coupon": "0.001"},
           {"record_id": "r2", "customer_id": "c2", "day": "2025-01-06", "amount": "0.005"},
           {"record_id": "r3", "customer_id": "c3", "day": "2025-01-07", "amount": "0.00500000"}]


@pytest.fixture
def runtime(engine, tmp_path):
    load(engine, managers=[("m1", "Li Na"), ("m2", "Wang Wei")],
         customers=[("c1", "acme"), ("c2", "globex"), ("c3", "initech")],
         assignments=[("c1", "m1", "2025-01-01"), ("c2", "m2", "2025-01-01")], records=RECORDS)
    return make_app(engine, tmp_path).extensions["runtime"]


def params(search: str) -> dict:
    view, problems = from_search(ADMIN, TODAY, search)
    assert problems == []
    return view.shown_query().to_params()



def components(component, kind: str) -> list:
    """The components of one kind ("Tr", "Td") in a component tree (or its plain JSON), in order."""
    component = tree(component)
    if isinstance(component, (list, tuple)):
        return [found for child in component for found in components(child, kind)]
    if (component["type"] if isinstance(component, Drawn) else type(component).__name__) == kind:
        return [component]
    children = getattr(component, "children", None)
    return [] if children is None or isinstance(children, str) else components(children, kind)


def test_cards_are_rounded_with_the_exact_value_on_hover(runtime):
    cards, *_ = overview_view(runtime, ADMIN, params(JANUARY))
    shown = {measure: find(cards, ids.overview_total(measure) + "-value")
             for measure in ("amount", "cash_coupon", "amount_paid")}
    assert {measure: (value.children, value.title) for measure, value in shown.items()} == {
        "amount": ("CNY 1,234.51", "CNY 1,234.505"),
        "cash_coupon": ("CNY 0.00", "CNY 0.001"),
        "amount_paid": ("CNY 1,234.50", "CNY 1,234.504"),
    }
    # 1,234.51 - 0.00 is not 1,234.50
    assert "rounded, Amount less cash coupons used may differ" in find(cards, ids.OVERVIEW_ROUNDED).children


def test_cards_that_agree_rounded_need_no_note(runtime):
    cards, *_ = overview_view(runtime, ADMIN, params(JANUARY + "&search=Wang Wei"))  # 0.005, no coupon
    assert find(cards, ids.overview_total("amount") + "-value").children == "CNY 0.01"
    assert find(cards, ids.OVERVIEW_ROUNDED) is None


def test_group_table_is_rounded_with_exact_titles_and_says_so(runtime):
    link = JANUARY + "&tab=trend&group_by=account_manager"
    _figure, _style, groups, _forecast, grid, message = breakdown_view(runtime, ADMIN, "trend", params(link),
                                                                       "amount")
    assert message is None
    rows = [[(cell.children if isinstance(cell.children, str) else cell.children[-1], getattr(cell, "title", None))
             for cell in components(row, "Td")] for row in components(groups, "Tr")[1:]]  # below the head
    assert [row[:3] for row in rows] == [
        [("Li Na", None), ("CNY 1,234.50", "CNY 1,234.495"), ("CNY 0.00", "CNY 0.001")],
        [("Unassigned", None), ("CNY 0.01", "CNY 0.005"), ("CNY 0.00", "CNY 0.00")],
        [("Wang Wei", None), ("CNY 0.01", "CNY 0.005"), ("CNY 0.00", "CNY 0.00")],
        [("Total", None), ("CNY 1,234.51", "CNY 1,234.505"), ("CNY 0.00", "CNY 0.001")],
    ]
    assert [row[-1][0] for row in rows] == ["100.00%", "0.00%", "0.00%", "100.00%"]  # of exact values
    assert find(groups, ids.BREAKDOWN_ROUNDED).children.startswith("Figures are rounded to the cent")

    columns = {column["field"]: column for column in find(grid, ids.detail_grid("trend")).columnDefs}
    assert [columns[key].get("tooltipField") for key in ("amount", "cash_coupon", "amount_paid", "day")] == [
        "amount_exact", "cash_coupon_exact", "amount_paid_exact", None]


def test_groups_that_add_up_need_no_note(runtime):
    link = JANUARY + "&tab=distribution&group_by=service_type"  # one group: the total itself
    _figure, _style, groups, *_ = breakdown_view(runtime, ADMIN, "distribution", params(link), "amount")
    assert find(groups, ids.BREAKDOWN_ROUNDED) is None


def test_grid_rows_are_rounded_with_the_exact_value_for_the_tooltip(runtime):
    rows = detail_rows(runtime, ADMIN, {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {},
                                        "context": params(JANUARY + "&tab=trend")})["rowData"]
    assert [(row["record_id"], row["amount"], row["amount_exact"], row["cash_coupon"], row["cash_coupon_exact"],
             row["amount_paid"], row["amount_paid_exact"]) for row in rows] == [
        ("r1", "1,234.50", "1,234.495", "0.00", "0.001", "1,234.49", "1,234.494"),
        ("r2", "0.01", "0.005", "0.00", "0.00", "0.01", "0.005"),  # equal amounts: by record id
        ("r3", "0.01", "0.005", "0.00", "0.00", "0.01", "0.005"),
    ]
