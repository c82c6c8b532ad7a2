"""Reading what a page has drawn, for the issue-12 browser tests: a chart's traces once plotly
has drawn them, and the address's query string."""
from __future__ import annotations

from urllib.parse import urlsplit

from dashboard import ids
from tests.browser.pages import TRACES


def traces(page, graph_id: str = ids.BREAKDOWN_GRAPH) -> list[dict]:
    """The drawn figure's traces (name, x, y, labels, text, customdata), once there are any."""
    page.wait_for_function("id => document.querySelector(`#${id} .js-plotly-plot`)?.data?.length",
                           arg=graph_id)
    return page.evaluate(TRACES, graph_id)


def query_string(page) -> str:
    return urlsplit(page.url).query
