"""Logs on stderr, with the request (or export task) they were written for: JSON lines for
machines (gunicorn, the Celery worker, LOG_FORMAT=json), plain lines for people (`flask run`
and the other `flask` commands, unless LOG_FORMAT=json).

    configure(level, log_format)      # once per process: the web app, the CLI, the Celery worker
    register_request_logging(server)  # a request id per request and one access line for it
    with export_task(task_id): ...    # what is logged inside carries task_id

A JSON line: {"time": UTC ISO, "level", "logger", "message", "request_id" inside a request,
"task_id" inside an export task, the access line's fields, "exception" when there is one}.
A plain line: "HH:MM:SS LEVEL logger: message", and the traceback below it.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

import flask
import flask_login

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("plain", "json")
REQUEST_ID_HEADER = "X-Request-ID"
# An id from a proxy or client is kept only in this shape: it goes into every log line.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Probes and static files are logged at DEBUG: one a second from a load balancer would drown
# the requests of people.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/_favicon.ico"})
QUIET_PREFIXES = ("/assets/", "/_dash-component-suites/")
# Fields a record may carry (the filter below, and `extra=` of the access line), in line order.
CONTEXT_FIELDS = ("request_id", "task_id", "method", "path", "status", "duration_ms", "login",
                  "partner_id")

access_log = logging.getLogger("access")
_export_task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("export_task_id",
                                                                            default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update((field, getattr(record, field)) for field in CONTEXT_FIELDS
                    if getattr(record, field, None) is not None)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


class ContextFilter(logging.Filter):
    """Gives every record the id of the request or export task it was written in."""

    def filter(self, record: logging.LogRecord) -> bool:
        if flask.has_request_context() and getattr(record, "request_id", None) is None:
            record.request_id = flask.g.get("request_id")
        if getattr(record, "task_id", None) is None:
            record.task_id = _export_task_id.get()
        return True


class StderrHandler(logging.StreamHandler):
    """Lines on whatever sys.stderr is when a record comes (pytest swaps it per test)."""
    formatter_class: type[logging.Formatter] = logging.Formatter

    def __init__(self, level: int = logging.NOTSET):
        logging.Handler.__init__(self, level)  # not StreamHandler's: it would pin the stream
        self.setFormatter(self.formatter_class())
        self.addFilter(ContextFilter())

    @property
    def stream(self):
        return sys.stderr


class JsonStderrHandler(StderrHandler):
    """JSON lines, for machines."""
    formatter_class = JsonFormatter


class PlainFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")


class PlainStderrHandler(StderrHandler):
    """Readable lines, for people at a terminal."""
    formatter_class = PlainFormatter


class _WithoutDevServerRequestLines(logging.Filter):
    """`flask run` (werkzeug) writes a line per request; the access line replaces it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).endswith('] "%s" %s %s')  # its WSGIRequestHandler.log_request


def level_name(name: str) -> str:
    """LOG_LEVEL's value as logging names it; SystemExit for another word."""
    if name.strip().upper() not in LEVELS:
        raise SystemExit(f"LOG_LEVEL must be one of {', '.join(LEVELS)}, not {name!r}")
    return name.strip().upper()


def format_name(name: str) -> str:
    """LOG_FORMAT's value; SystemExit for another word."""
    if name.strip().lower() not in FORMATS:
        raise SystemExit(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {name!r}")
    return name.strip().lower()


def configure(level: str | int = "INFO", log_format: str = "json") -> None:
    """Lines on stderr for the whole process, at `level` (a name in LEVELS, or a number), as
    JSON or plain text (FORMATS). Once per process: later calls, and calls in a process whose
    logging was set up with a StderrHandler already (gunicorn's, see gunicorn.conf.py), change
    nothing."""
    level = level_name(level) if isinstance(level, str) else level
    root = logging.getLogger()
    if any(isinstance(handler, StderrHandler) for handler in root.handlers):
        return
    root.addHandler(JsonStderrHandler() if format_name(log_format) == "json" else PlainStderrHandler())
    root.setLevel(level)
    logging.getLogger("werkzeug").addFilter(_WithoutDevServerRequestLines())


@contextlib.contextmanager
def export_task(task_id: str):
    """What is logged inside, in this thread, carries `task_id`."""
    token = _export_task_id.set(task_id)
    try:
        yield
    finally:
        _export_task_id.reset(token)


def request_id(incoming: str | None) -> str:
    """The incoming id when it is a safe token, else a new one."""
    return incoming if incoming and SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def register_request_logging(server: flask.Flask, access_level: int = logging.INFO) -> None:
    """Register before any other request hook, so that requests refused by one get an id too.
    Access lines are written at `access_level` (DEBUG for people: a line per request would
    drown what matters), probes and static files at DEBUG."""

    @server.before_request
    def start_request() -> None:
        flask.g.request_id = request_id(flask.request.headers.get(REQUEST_ID_HEADER))
        flask.g.request_started = time.perf_counter()

    @server.after_request  # registered first, so it runs last: it sees the final status
    def log_request(response: flask.Response) -> flask.Response:
        response.headers[REQUEST_ID_HEADER] = flask.g.request_id
        path = flask.request.path
        quiet = path in QUIET_PATHS or path.startswith(QUIET_PREFIXES)
        # Probes are not signed in, and must not load a user (a database query) to say so.
        user = None if quiet else flask_login.current_user
        signed_in = user is not None and user.is_authenticated
        duration_ms = round((time.perf_counter() - flask.g.request_started) * 1000, 1)
        access_log.log(logging.DEBUG if quiet else access_level, "%s %s %s %.1fms",
                       flask.request.method, path, response.status_code, duration_ms,
                       extra={"method": flask.request.method, "path": path,
                              "status": response.status_code, "duration_ms": duration_ms,
                              "login": user.login if signed_in else None,
                              "partner_id": user.partner_id if signed_in else None})
        return response
