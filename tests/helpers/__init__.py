"""Helpers shared by the suite's app, callback and browser tests: the one home of what tests
share (test modules import from here, never from each other); fixtures in fixtures.py.

    app = make_app(engine, tmp_path)                   # the real app on the test database
    data = seed_small(engine)                          # partners A and B, three sign-ins
    client = signed_in_client(app, data.admin_a.login, data.admin_a.password)
    client.post("/_dash-update-component", json=...)   # CSRF header added like the renderer

Browser tests use the fixtures `browser`, `page`, `console_errors` and `live_server` (from
tests/helpers/fixtures.py) and `sign_in(page, base_url, login, password)` (or
`submit_sign_in(page, login, password)` on a sign-in page already shown).
"""
from tests.helpers.apps import CsrfClient, cli_invoker, client, dash_of, make_app, signed_in_client
from tests.helpers.data import SignIn, SmallData, seed_small
from tests.helpers.live import LiveServer, sign_in, submit_sign_in

__all__ = ["CsrfClient", "cli_invoker", "client", "dash_of", "make_app", "signed_in_client", "SignIn", "SmallData",
           "seed_small", "LiveServer", "sign_in", "submit_sign_in"]
