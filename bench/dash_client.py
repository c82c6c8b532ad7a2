"""A Dash client for benchmarks: it signs in through the sign-in form and drives the dashboard
over HTTP the way the Dash renderer in a browser does, without a browser.

It keeps the components' properties from `/_dash-layout` and from every callback's answer,
reads the callbacks from `/_dash-dependencies`, and when a property changes (the user, or a
component such as dcc.Location or the grid, set it) sends POST /_dash-update-component for
every server callback it sets off, with the payload the renderer builds: `output`, `outputs`,
`inputs` and `state` with their current values (pattern-matching ones as lists),
`changedPropIds`, the CSRF header and the page's `endId`. The renderer's rules it follows:

- a callback runs only when its outputs are on the page; one waiting for a property that
  another pending callback will set waits for it; one set off twice runs once;
- an answer's properties set off the callbacks that take them as input; components an answer
  adds set off the callbacks whose outputs they hold (unless `prevent_initial_call`) or, for
  the others, whose inputs they hold;
- clientside callbacks run in the browser and cost the server nothing: skipped.

Checked against Chromium: for every step of bench/dashboard_bench.py, the same callbacks in the
same order (recorded once, by hand); and on every `--browser` run, a page load's callbacks.
"""
from __future__ import annotations

import dataclasses
import json
import re
import time

import requests

CALLBACK_PATH = "/_dash-update-component"


def id_key(component_id) -> str:
    """The renderer's string form of an id: dict ids as JSON with sorted keys."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return component_id


def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def prop_id(component_id, prop: str) -> str:
    """A property's name in `changedPropIds`: "id.property"."""
    return f"{id_key(component_id)}.{prop}"


def slot(component_id, prop: str, value) -> dict:
    """An input or state value of a request."""
    return {"id": component_id, "property": prop, "value": value}


def update_request(output: str, outputs, inputs: list, state: list | None = None,
                   changed: list[str] = ()) -> dict:
    """The body the Dash renderer posts to /_dash-update-component for the callback `output`
    (its key in the callback map): `outputs` (one {id, property}, or a list of them for a
    callback of several outputs), the `inputs` and `state` values (lists of slots for
    pattern-matching ones) and the names of the properties that changed (prop_id). The tests
    post these too, so the benchmark and the tests speak to the app the same way."""
    body = {"output": output, "outputs": outputs, "inputs": inputs, "changedPropIds": list(changed),
            "parsedChangedPropsIds": [_parse_id(key.rsplit(".", 1)[0]) if key.startswith("{") else key
                                      for key in changed]}
    if state:
        body["state"] = state
    return body


def _matches(pattern, component_id) -> bool:
    if not isinstance(pattern, dict):
        return pattern == component_id
    if not isinstance(component_id, dict) or pattern.keys() != component_id.keys():
        return False
    return all(isinstance(value, list) or component_id[key] == value for key, value in pattern.items())


def _is_wildcard(pattern) -> bool:
    return isinstance(pattern, dict) and any(isinstance(value, list) for value in pattern.values())


def _is_match(pattern) -> bool:
    return isinstance(pattern, dict) and ["MATCH"] in pattern.values()


def _components(value):
    """Every component (id, type, props) in a property value: children, and props holding
    components."""
    if isinstance(value, list):
        for item in value:
            yield from _components(item)
    elif isinstance(value, dict) and "props" in value and "type" in value and "namespace" in value:
        props = value["props"]
        if "id" in props:
            yield props["id"], value["type"], props
        for prop in props.values():
            yield from _components(prop)


@dataclasses.dataclass(frozen=True)
class Dependency:
    id: object  # a string, a dict, or a pattern (dict with ["ALL"] / ["MATCH"] values)
    prop: str

    @classmethod
    def parse(cls, text_or_dict) -> Dependency:
        if isinstance(text_or_dict, dict):
            return cls(_parse_id(text_or_dict["id"]), text_or_dict["property"])
        component_id, prop = text_or_dict.rsplit(".", 1)
        return cls(_parse_id(component_id), prop)

    @property
    def clean_prop(self) -> str:  # "children@hash" (allow_duplicate) sets "children"
        return self.prop.split("@")[0]


@dataclasses.dataclass
class Callback:
    output: str
    outputs: list[Dependency]
    inputs: list[Dependency]
    state: list[Dependency]
    prevent_initial_call: bool

    @classmethod
    def parse(cls, spec: dict) -> Callback:
        output = spec["output"]
        parts = output[2:-2].split("...") if output.startswith("..") else [output]
        return cls(output, [Dependency.parse(part) for part in parts],
                   [Dependency.parse(item) for item in spec["inputs"]],
                   [Dependency.parse(item) for item in spec["state"]], bool(spec["prevent_initial_call"]))

    @property
    def multi(self) -> bool:
        return self.output.startswith("..")


@dataclasses.dataclass
class _Call:
    """A callback waiting to be sent: for a MATCH callback, the component it is for; and the
    properties whose change set it off."""
    callback: Callback
    match: object = None
    changed: list[str] = dataclasses.field(default_factory=list)

    def because(self, component_id, prop: str) -> None:
        key = f"{id_key(component_id)}.{prop}"
        if key not in self.changed:
            self.changed.append(key)


@dataclasses.dataclass
class Request:
    """One callback request, and what it cost: the round trip on this machine's loopback."""
    output: str
    changed: list[str]
    status: int
    seconds: float
    bytes: int


class DashClient:
    def __init__(self, base_url: str, timeout: float = 120):
        self.base_url = base_url
        self.http = requests.Session()
        self.timeout = timeout
        self.props: dict[str, dict] = {}  # id key -> properties
        self.ids: dict[str, object] = {}  # id key -> id
        self.types: dict[str, str] = {}  # id key -> component type
        self.callbacks: list[Callback] = []
        self.end_id: str | None = None
        self.csrf_header = "X-CSRFToken"
        self.csrf_cookie = "_csrf_token"
        self.log: list[Request] = []

    # --- the page ------------------------------------------------------------------------------

    def sign_in(self, login: str, password: str) -> None:
        """Through the sign-in form, with its hidden CSRF field, as a person would."""
        page = self.http.get(self.base_url + "/login", timeout=self.timeout)
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.http.post(self.base_url + "/login", timeout=self.timeout, allow_redirects=False,
                                data={"login": login, "password": password, "_csrf_token": token})
        if answer.status_code != 302 or answer.headers.get("Location", "").startswith("/login"):
            raise RuntimeError(f"sign-in as {login!r} failed ({answer.status_code})")

    def open(self, path: str = "/") -> list[Request]:
        """Load the page at `path` like a browser: the index, its config, the layout and the
        callbacks, then what dcc.Location and the initial callbacks set off."""
        started = len(self.log)
        page = self._get(path).text
        config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                                      page, re.DOTALL).group(1))
        self.end_id = config.get("end_id")
        self.csrf_header = config.get("csrf_header_name", self.csrf_header)
        self.csrf_cookie = config.get("csrf_token_name", self.csrf_cookie)
        layout = self._get("/_dash-layout").json()
        self.callbacks = [Callback.parse(spec) for spec in self._get("/_dash-dependencies").json()
                          if not spec.get("clientside_function")]
        self.props, self.ids, self.types = {}, {}, {}
        self._add(layout)
        pathname, _, search = path.partition("?")
        location = next((key for key, kind in self.types.items() if kind == "Location"), None)
        pending: dict[str, _Call] = {}
        for callback in self.callbacks:  # the initial call of every callback on the page
            if not callback.prevent_initial_call and self._on_page(callback):
                pending.setdefault(callback.output, _Call(callback))
        if location:  # dcc.Location sets the address's parts as it mounts
            self.props[location].update(pathname=pathname, search=f"?{search}" if search else "",
                                        href=self.base_url + path, hash="")
            self._trigger(pending, [Dependency(location, prop) for prop in ("pathname", "search", "href", "hash")])
        self._run(pending)
        return self.log[started:]

    def _get(self, path: str) -> requests.Response:
        started = time.perf_counter()
        answer = self.http.get(self.base_url + path, timeout=self.timeout)
        answer.raise_for_status()
        self.log.append(Request(f"GET {path}", [], answer.status_code, time.perf_counter() - started,
                                len(answer.content)))
        return answer

    # --- what a person (or a component) does --------------------------------------------------

    def set(self, component_id, **props) -> list[Request]:
        """Set properties of a component, as the user (or the component itself) does, and run
        every callback that sets off, until the page is quiet; returns the requests sent."""
        started = len(self.log)
        key = id_key(component_id)
        self.props[key].update(props)
        pending: dict[str, _Call] = {}
        self._trigger(pending, [Dependency(self.ids[key], prop) for prop in props])
        self._run(pending)
        return self.log[started:]

    def again(self, output: str) -> list[Request]:
        """Send the callback whose outputs' key contains `output` once more with the page's
        values, as the renderer does when its first input is set again, and run whatever its
        answer sets off; returns the requests sent. (The benchmark's floor: a callback that
        asks nothing of the database.)"""
        started = len(self.log)
        callback = next(callback for callback in self.callbacks if output in callback.output)
        call = _Call(callback)
        for component_id in self._present(callback.inputs[0]):
            call.because(component_id, callback.inputs[0].prop)
        pending: dict[str, _Call] = {}
        self._call(call, pending)
        self._run(pending)
        return self.log[started:]

    def value(self, component_id, prop: str):
        return self.props[id_key(component_id)].get(prop)

    def find(self, pattern) -> list:
        """The ids on the page matching `pattern` (a dict with wildcards, or an id)."""
        return [component_id for component_id in self.ids.values() if _matches(pattern, component_id)]

    # --- the renderer's rules ------------------------------------------------------------------

    def _add(self, value) -> set[str]:
        added = set()
        for component_id, kind, props in _components(value):
            key = id_key(component_id)
            self.props[key], self.ids[key], self.types[key] = props, component_id, kind
            added.add(key)
        return added

    def _remove(self, value) -> None:
        for component_id, _, _ in _components(value):
            for registry in (self.props, self.ids, self.types):
                registry.pop(id_key(component_id), None)

    def _present(self, dependency: Dependency) -> list:
        if _is_wildcard(dependency.id):
            return self.find(dependency.id)
        return [dependency.id] if id_key(dependency.id) in self.props else []

    def _on_page(self, callback: Callback) -> bool:
        return all(self._present(output) or _is_wildcard(output.id) for output in callback.outputs)

    def _trigger(self, pending: dict, changed: list[Dependency], source: Callback | None = None) -> None:
        """Queue the callbacks that take any of `changed` as input (not `source`, which set
        them: a callback's own outputs never set it off again)."""
        for callback in self.callbacks:
            if callback is source:
                continue
            for dependency in changed:
                for wanted in callback.inputs:
                    if wanted.prop == dependency.prop and _matches(wanted.id, dependency.id):
                        match = dependency.id if _is_match(wanted.id) else None
                        if match is None and not self._on_page(callback):
                            continue
                        name = callback.output + ("" if match is None else id_key(match))
                        pending.setdefault(name, _Call(callback, match)).because(dependency.id, dependency.prop)

    def _layout_triggers(self, pending: dict, added: set[str]) -> None:
        """Components that appeared set off the callbacks whose outputs they hold (their
        initial call), or else whose inputs they hold."""
        def holds(dependencies) -> bool:
            return any(id_key(component_id) in added for dependency in dependencies
                       for component_id in self._present(dependency))

        for callback in self.callbacks:
            if any(_is_match(output.id) for output in callback.outputs):
                continue  # per-component callbacks start when their component sets the input
            if holds(callback.outputs):
                if not callback.prevent_initial_call and self._on_page(callback):
                    pending.setdefault(callback.output, _Call(callback))
            elif holds(callback.inputs) and self._on_page(callback):
                call = pending.setdefault(callback.output, _Call(callback))
                for dependency in callback.inputs:
                    for component_id in self._present(dependency):
                        if id_key(component_id) in added:
                            call.because(component_id, dependency.prop)

    @staticmethod
    def _blocked(callback: Callback, pending: dict[str, _Call]) -> bool:
        """Waiting for a property another pending callback sets."""
        return any(wanted.prop == output.clean_prop and _matches(wanted.id, output.id)
                   for other in pending.values() if other.callback is not callback
                   for output in other.callback.outputs for wanted in callback.inputs)

    def _run(self, pending: dict[str, _Call]) -> None:
        while pending:
            name = next((name for name, call in pending.items() if not self._blocked(call.callback, pending)),
                        next(iter(pending)))
            call = pending.pop(name)
            if call.match is not None or self._on_page(call.callback):
                self._call(call, pending)

    def _value(self, component_id, prop: str) -> dict:
        """{id, property, value}; no value for a property the component does not have."""
        entry = {"id": component_id, "property": prop}
        props = self.props.get(id_key(component_id), {})
        if prop == "id":
            entry["value"] = component_id
        elif prop in props:
            entry["value"] = props[prop]
        return entry

    def _values(self, dependencies: list[Dependency], match) -> list:
        values = []
        for dependency in dependencies:
            if _is_match(dependency.id) and match is not None:
                values.append(self._value(match, dependency.prop))
            elif _is_wildcard(dependency.id):
                values.append([self._value(component_id, dependency.prop)
                               for component_id in self.find(dependency.id)])
            else:
                values.append(self._value(dependency.id, dependency.prop))
        return values

    def _call(self, call: _Call, pending: dict[str, _Call]) -> None:
        callback, match, changed = call.callback, call.match, call.changed
        outputs = [{"id": match if _is_wildcard(output.id) and match is not None else output.id,
                    "property": output.prop} for output in callback.outputs]
        payload = update_request(callback.output, outputs if callback.multi else outputs[0],
                                 self._values(callback.inputs, match),
                                 self._values(callback.state, match) if callback.state else None, changed)
        url = self.base_url + CALLBACK_PATH + (f"?endId={self.end_id}" if self.end_id else "")
        headers = {"Content-Type": "application/json"}
        token = self.http.cookies.get(self.csrf_cookie)
        if token:
            headers[self.csrf_header] = token
        body = json.dumps(payload)
        started = time.perf_counter()
        answer = self.http.post(url, data=body, headers=headers, timeout=self.timeout)
        content = answer.content
        seconds = time.perf_counter() - started
        self.log.append(Request(callback.output, changed, answer.status_code, seconds, len(content)))
        if answer.status_code == 204:  # PreventUpdate
            return
        if answer.status_code != 200:
            raise RuntimeError(f"{callback.output}: HTTP {answer.status_code}: {answer.text[:300]}")
        response = json.loads(content)["response"]
        changed_now, added = [], set()
        for key, props in response.items():
            if key not in self.props:
                continue
            for prop, value in props.items():
                old = self.props[key].get(prop)
                self._remove(old)
                self.props[key][prop] = value
                added |= self._add(value)
                changed_now.append(Dependency(self.ids[key], prop))
        self._trigger(pending, changed_now, source=callback)
        self._layout_triggers(pending, added)
        for key in added:
            self._mounted(key, pending)

    def _mounted(self, key: str, pending: dict) -> None:
        """What a component does as it appears: an AG Grid of the infinite row model asks
        for its first block of rows."""
        props = self.props[key]
        if self.types[key] == "AgGrid" and props.get("rowModelType") == "infinite":
            options = props.get("dashGridOptions") or {}
            props["getRowsRequest"] = {"startRow": 0, "endRow": options.get("cacheBlockSize", 100),
                                       "sortModel": [], "filterModel": {}, "api": {},
                                       "context": options.get("context")}
            self._trigger(pending, [Dependency(self.ids[key], "getRowsRequest")])

