"""Headers every answer carries, set in this one place: no sniffing, no framing, no referrer to
other sites, and a Content-Security-Policy under which only this site's scripts run.

Dash writes a few inline scripts (its renderer's start, the clientside callbacks): they are
allowed by their hashes (`dash.Dash.csp_hashes`), so no other inline script can run. Styles may be
inline: Plotly and the Dash components write style elements and attributes as they draw.
"""
from __future__ import annotations

from collections.abc import Iterable

import flask


def content_security_policy(script_hashes: Iterable[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # Plotly's "download as png" makes a data: image
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def register_headers(server: flask.Flask, script_hashes: Iterable[str]) -> None:
    """After every callback is registered (clientside ones add inline scripts to hash)."""
    headers = {
        "Content-Security-Policy": content_security_policy(script_hashes),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # for browsers that do not read frame-ancestors
        "Referrer-Policy": "same-origin",
    }

    @server.after_request
    def set_security_headers(response: flask.Response) -> flask.Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
