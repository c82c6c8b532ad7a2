"""Serving an app to a real browser, and signing in through its page."""
from __future__ import annotations

import threading
from urllib.parse import urlsplit

import flask
from werkzeug.serving import make_server

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]
CHROMIUM = "/usr/bin/chromium"
# How long a browser step or assertion waits for its outcome: sized for a loaded 2-core machine
# (CI runs two test processes beside the servers they start).
TIMEOUT_MS = 30_000


class LiveServer:
    """`app` served by werkzeug on a free 127.0.0.1 port in a background thread.

        with LiveServer(app) as server:
            page.goto(server.url + "/login")
    """

    def __init__(self, app: flask.Flask):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def sign_in(page, base_url: str, login: str, password: str) -> None:
    """Sign in through the sign-in page and wait until it has sent the browser on."""
    page.goto(base_url + "/login")
    submit_sign_in(page, login, password)


def submit_sign_in(page, login: str, password: str) -> None:
    """Fill in and send the sign-in form the page shows (it may carry a `next`)."""
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if urlsplit(page.url).path == "/login":
        error = page.locator("#login-error")
        raise AssertionError(f"sign-in as {login!r} failed: "
                             f"{error.inner_text() if error.count() else page.url}")
