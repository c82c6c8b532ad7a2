"""Amounts at the provider's eight decimals in headless Chromium: the cards, the group table and
the detail grid show them rounded to the cent, the exact value on hover, and say "rounded" where
rounded groups do not add up. Screenshots, wide and phone-sized, go to tests/artifacts/."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from dashboard import ids
from dashboard.time_range import Preset, preset_range, today_in
from data_access.export_tasks import utc_now
from data_access.users import add_user
from tests.browser.pages import Dashboard
from tests.helpers import make_app, sign_in
from tests.helpers.builders import load
from tests.helpers.database import empty

LOGIN, PASSWORD = "admin@p1", "password-admin-p1"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def board(duckdb_database, tmp_path, live_server, page) -> Dashboard:
    """Last month: Li Na 1234.495 (coupon 0.001), Wang Wei 0.005, Unassigned 0.005; rounded
    they make 1,234.52, the total 1,234.505 rounds to 1,234.51."""
    engine = empty(duckdb_database)
    first, _last = preset_range(Preset.LAST_MONTH, today_in("+08:00", utc_now()))
    day = [str(first + timedelta(days=offset)) for offset in range(3)]
    load(engine, "P1", managers=[("m1", "Li Na"), ("m2", "Wang Wei")],
         customers=[("c1", "acme"), ("c2", "globex"), ("c3", "initech")],
         assignments=[("c1", "m1", day[0]), ("c2", "m2", day[0])], records=[
             {"record_id": "r1", "customer_id": "c1", "day": day[0], "amount": "1234.49500000",
              "cash_coupon": "0.001"},
             {"record_id": "r2", "customer_id": "c2", "day": day[1], "amount": "0.005"},
             {"record_id": "r3", "customer_id": "c3", "day": day[2], "amount": "0.005"}])
    with engine.begin() as conn:
        add_user(conn, LOGIN, PASSWORD, "P1", "admin", None)
    base_url = live_server(make_app(engine, tmp_path))
    sign_in(page, base_url, LOGIN, PASSWORD)
    return Dashboard(page, base_url)


def test_rounded_to_the_cent_with_the_exact_value_on_hover(board, console_errors):
    page = board.page
    board.open("?range=last_month")
    amount = page.locator(f"#{ids.overview_total('amount')}-value")
    expect(amount).to_have_text("CNY 1,234.51")
    expect(amount).to_have_attribute("title", "CNY 1,234.505")
    expect(page.locator(f"#{ids.overview_total('amount_paid')}-value")).to_have_attribute("title", "CNY 1,234.504")
    expect(page.locator(f"#{ids.OVERVIEW_ROUNDED}")).to_contain_text("differ from Amount paid")
    board.screenshot("money-overview-1280")

    board.open("?tab=trend&range=last_month&group_by=account_manager")
    li_na = page.locator(f"#{ids.BREAKDOWN_GROUPS} tbody tr").first.locator("td")
    expect(li_na.nth(0)).to_have_text("Li Na")
    expect(li_na.nth(1)).to_have_text("CNY 1,234.50")
    expect(li_na.nth(1)).to_have_attribute("title", "CNY 1,234.495")
    total = page.locator(f"#{ids.BREAKDOWN_GROUPS} tfoot td")
    expect(total.nth(1)).to_have_text("CNY 1,234.51")
    expect(page.locator(f"#{ids.BREAKDOWN_ROUNDED}")).to_contain_text("rounded groups may not add up")

    board.expect_grid_total(3)
    # The money columns are at the right: the grid draws only the columns in view.
    page.locator(".ag-body-horizontal-scroll-viewport").evaluate(
        "viewport => viewport.scrollLeft = viewport.scrollWidth")
    cell = page.locator(".ag-center-cols-container .ag-row[row-id='r1'] .ag-cell[col-id='amount']")
    expect(cell).to_have_text("1,234.50")
    cell.hover()
    expect(page.locator(".ag-tooltip")).to_have_text("1,234.495")
    board.screenshot("money-trend-1280")
    page.set_viewport_size(PHONE)
    board.open("?tab=trend&range=last_month&group_by=account_manager")
    expect(page.locator(f"#{ids.BREAKDOWN_ROUNDED}")).to_be_visible()
    board.screenshot("money-trend-390")
    assert console_errors == []
