"""In a real browser: Export Selected in the Trend table, the toast, the Export History
refreshing itself until Completed, and the download of a file holding exactly those rows."""
from __future__ import annotations

import openpyxl
import pytest

from data_access import breakdowns, details
from data_access.query import ExpenditureQuery, Scope
from tests.helpers import make_app, seed_small, sign_in
from tests.helpers.database import empty
from tests.helpers.files import exact, read_xlsx

VIEW = "/?tab=trend&range=custom&from=2025-01-01&to=2025-01-31"


@pytest.fixture
def engine(duckdb_database):
    """One engine is enough here: the data-layer tests cover both."""
    return empty(duckdb_database)


def test_export_selected_then_download_from_the_history(engine, tmp_path, live_server, page,
                                                       console_errors):
    data = seed_small(engine)
    base_url = live_server(make_app(engine, tmp_path))
    sign_in(page, base_url, data.admin_a.login, data.admin_a.password)
    page.goto(base_url + VIEW)

    grid = page.locator(".ag-center-cols-container")
    grid.locator("[row-id='A-R1']").wait_for()
    for record_id in ("A-R1", "A-R3"):
        page.locator(f".ag-pinned-left-cols-container [row-id='{record_id}'] input[type=checkbox], "
                     f".ag-center-cols-container [row-id='{record_id}'] input[type=checkbox]").first.check()

    page.get_by_role("button", name="Export").click()
    page.get_by_text("Export Selected").click()
    page.get_by_text("Export task created.").wait_for()

    page.get_by_role("button", name="Export").click()
    page.get_by_text("View Export").click()
    history = page.locator("#export-history")
    history.get_by_text("Completed").wait_for(timeout=30_000)  # the table refreshes by itself
    assert "2 selected records" in history.inner_text()

    with page.expect_download() as download_info:
        history.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("expenditures_2025-01-01_2025-01-31_")
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "downloaded.xlsx"
    download.save_as(path)
    content = read_xlsx(path)
    assert sorted(row["Record ID"] for row in content["rows"]) == ["A-R1", "A-R3"]
    with engine.connect() as conn:
        query = ExpenditureQuery(Scope("A"), start=data.start, end=data.end)
        expected = sum(row["amount"] for row in details.detail_rows(conn, query, ["A-R1", "A-R3"]))
    assert exact(content["totals"]["Amount"]) == expected
    assert console_errors == []


def test_export_this_view_from_the_overview_menu(engine, tmp_path, live_server, page, console_errors):
    data = seed_small(engine)
    base_url = live_server(make_app(engine, tmp_path))
    sign_in(page, base_url, data.admin_a.login, data.admin_a.password)
    page.goto(base_url + "/?tab=overview&range=custom&from=2025-01-01&to=2025-01-31")

    page.get_by_role("button", name="More").click()
    page.get_by_text("Export This View").click()
    page.get_by_text("Export task created.").wait_for()
    page.get_by_role("button", name="More").click()
    page.get_by_text("View Export").click()
    history = page.locator("#export-history")
    history.get_by_text("Completed").wait_for(timeout=30_000)
    assert "The view: the groups and the series by period" in history.inner_text()

    with page.expect_download() as download_info:
        history.get_by_role("link", name="Download").click()
    path = tmp_path / "view.xlsx"
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Groups", "Series"]
    with engine.connect() as conn:
        total = breakdowns.overview(conn, ExpenditureQuery(Scope("A"), start=data.start, end=data.end)).total
    assert workbook["Groups"][workbook["Groups"].max_row][0].value == "Total"
    assert exact(workbook["Groups"][workbook["Groups"].max_row][1].value) == total.amount
    assert console_errors == []
