"""Attacks replayed in headless Chromium: markup in names from the data, and the dashboard
working whole under its Content-Security-Policy."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard import ids
from dashboard.time_range import Preset, preset_range, today_in
from data_access.export_tasks import utc_now
from tests.browser.pages import Dashboard
from tests.helpers import make_app, seed_small, sign_in
from tests.helpers.builders import load

LINK_NAME = '<a href="https://x">verify</a>'


@pytest.fixture
def board(duckdb_engine, tmp_path, live_server, page) -> Dashboard:
    """Partner A's admin signed in, with last month's data and a customer named like a link."""
    first, _ = preset_range(Preset.LAST_MONTH, today_in("+08:00", utc_now()))
    data = seed_small(duckdb_engine, start=first)
    load(duckdb_engine, "A", customers=[("A-LINK", LINK_NAME)], assignments=[("A-LINK", "A-M1", str(first))],
         records=[{"record_id": "A-LINK-1", "customer_id": "A-LINK", "day": first.isoformat(),
                   "amount": "99999.99"}])  # the largest slice: its share is drawn
    base_url = live_server(make_app(duckdb_engine, tmp_path))
    sign_in(page, base_url, data.admin_a.login, data.admin_a.password)
    return Dashboard(page, base_url)


def hover_texts(board: Dashboard, points: str) -> list[str]:
    """The hover box's text over each of the chart's `points`, in turn (each box is waited for
    by the point's own text, when it has one)."""
    texts, found = [], board.page.locator(f"#{ids.BREAKDOWN_GRAPH} {points}")
    expect(found.first).to_be_attached()  # the chart redrawn after the last change
    for point in found.all():
        point.scroll_into_view_if_needed()
        box = point.bounding_box()  # under Plotly's drag layer, which takes the pointer
        board.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
        hover = board.page.locator(f"#{ids.BREAKDOWN_GRAPH} .hoverlayer")
        own = point.text_content()
        expect(hover).to_contain_text(own) if own else expect(hover).not_to_be_empty()
        texts.append(hover.text_content())
    return texts


def test_a_name_written_as_a_link_is_shown_as_text_in_every_chart(board, console_errors):
    board.open()
    board.choose_range("Last month")
    graph = board.page.locator(f"#{ids.BREAKDOWN_GRAPH}")
    board.tab("Expenditure Trend")
    board.group_by("Customer account")
    expect(graph.locator(".legend").get_by_text(LINK_NAME)).to_be_visible()
    assert LINK_NAME in hover_texts(board, ".nsewdrag")[0]  # one box naming every line
    expect(graph.locator("a")).to_have_count(0)

    board.tab("Expenditure Distribution")
    board.group_by("Customer account")
    # The largest slice; its label sits outside the donut, where the pointer shows no hover.
    graph.locator(".pielayer .slice").first.dispatch_event("mouseover")
    expect(graph.locator(".hoverlayer")).to_contain_text(LINK_NAME)
    expect(graph.locator("a")).to_have_count(0)
    assert console_errors == []


def test_the_dashboard_works_under_its_content_security_policy(board, console_errors):
    """Every tab draws with only the site's own scripts and Dash's hashed inline ones allowed:
    a script the policy blocked would be a console error (and an undrawn tab)."""
    response = board.page.goto(board.base_url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    board.open()
    board.choose_range("Last month")
    expect(board.page.locator(f"#{ids.OVERVIEW_GRAPH} .main-svg").first).to_be_visible()
    for tab in ("Expenditure Trend", "Expenditure Distribution"):
        board.tab(tab)
        expect(board.page.locator(f"#{ids.BREAKDOWN_GRAPH} .main-svg").first).to_be_visible()
    assert console_errors == []
    # An inline script slipped into the page (as injected markup would be) does not run.
    board.page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.injected = true'; document.body.appendChild(s); }""")
    assert board.page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in error for error in console_errors)
