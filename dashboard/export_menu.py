"""The export controls each tab carries; callbacks/exports.py wires their clicks."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from data_access.export_tasks import FORMATS
from i18n import _


def titled(title: str, controls) -> html.Div:
    """A card header: the title, and the export controls at its right (below it on a phone)."""
    return html.Div([html.Span(title, className="fw-semibold"), controls],
                    className="d-flex flex-wrap gap-2 justify-content-between align-items-center")


def _file_format(tab: str) -> html.Div:
    """The file format, as the choice it is: radio buttons, not more buttons beside Export."""
    return html.Div([
        html.Span(_("Format"), className="small text-muted me-2"),
        dbc.RadioItems(id=ids.export_format(tab), options=[{"label": f".{f}", "value": f.value} for f in FORMATS],
                       value=FORMATS[0].value, inline=True, className="small export-format",
                       inputClassName="me-1"),
    ], className="d-flex align-items-center")


def _menu(tab: str, *items) -> dbc.DropdownMenu:
    """The Export menu: `items`, then Export This View and View Export, which every tab has."""
    return dbc.DropdownMenu([
        *items,
        dbc.DropdownMenuItem([html.I(className="bi bi-table me-2"), _("Export This View")],
                             id=ids.export_shown(tab)),
        dbc.DropdownMenuItem([html.I(className="bi bi-clock-history me-2"), _("View Export")],
                             id=ids.view_export(tab)),
    ], label=_("Export") if items else _("More"), size="sm", color="primary", align_end=True)


def overview_export() -> html.Div:
    """Export: every record the overview's query matches; the menu beside it, the view."""
    return html.Div([
        _file_format(ids.TAB_OVERVIEW),
        dbc.Button([html.I(className="bi bi-download me-1"), _("Export")], id=ids.OVERVIEW_EXPORT,
                   size="sm", color="primary"),
        _menu(ids.TAB_OVERVIEW),
    ], className="d-flex gap-2 align-items-center")


def export_menu(tab: str) -> html.Div:
    """Export > Export Selected / Export This View / View Export, for the detail table of `tab`."""
    menu = _menu(tab, dbc.DropdownMenuItem([html.I(className="bi bi-check2-square me-2"), _("Export Selected")],
                                           id=ids.export_selected(tab)))
    return html.Div([_file_format(tab), menu], className="d-flex gap-2 align-items-center")
