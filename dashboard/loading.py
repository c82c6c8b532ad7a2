"""The one loading indicator of the page: dots in the app's primary colour (Bootstrap's), shown
only when an answer takes long enough to notice."""
from __future__ import annotations

from dash import dcc

PRIMARY = "#0d6efd"  # Bootstrap's --bs-primary: the tabs, buttons and links
SHOW_AFTER_MS = 250  # a quicker answer is drawn without a flash of dots


def loading(children) -> dcc.Loading:
    return dcc.Loading(children, type="dot", color=PRIMARY, delay_show=SHOW_AFTER_MS,
                       parent_className="app-loading")
