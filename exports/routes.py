"""The download route: a finished file, by task id, to its owner or the partner's admin.

Only the task id comes from the URL, and only in its own shape (32 hex digits); the file's
path and its download name are the server's. Anything else, someone else's task included,
is a 404: the route does not tell which ids exist.
"""
from __future__ import annotations

import flask

from auth.identity import current_user
from data_access.export_tasks import COMPLETED, EXPIRED, utc_now
from exports.service import ExportService, current_exports, download_name
from runtime import Runtime

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv"}


def download_path(task_id: str) -> str:
    return f"/exports/{task_id}/download"


def register_export_routes(server: flask.Flask, runtime: Runtime) -> None:
    """The download route, and the export service (its runner and housekeeping) for the app."""
    service = ExportService(runtime.engine, runtime.config)
    server.extensions["exports"] = service
    server.before_request(lambda: service.ensure_started(housekeeping=not runtime.config.testing))
    # <path:...> so that ids with slashes reach the check below instead of another route.
    server.add_url_rule("/exports/<path:task_id>/download", "download_export", download_export)


def _refusal(status: int, message: str) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")


def download_export(task_id: str) -> flask.Response:
    service: ExportService = current_exports()
    task = service.task(current_user(), task_id)  # None for a malformed id, too
    if task is None:
        flask.abort(404)
    if task.status == EXPIRED or task.expires_at <= utc_now():
        return _refusal(410, f"This export has expired: files are kept for "
                             f"{service.config.export_retention_days} days. Export again for a new file.")
    if task.status != COMPLETED:
        return _refusal(409, f"This export is not ready: it is {task.status}.")
    path = service.file_path(task)
    if not path.is_file():
        return _refusal(410, "The file of this export is no longer available. Export again for a new file.")
    response = flask.send_file(path, mimetype=MIMETYPES[task.file_format], as_attachment=True,
                               download_name=download_name(task), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
