"""Thin glue from the page's inputs to a validated query to figures. Each module's callbacks
are plain functions of (runtime, scope, inputs), registered by its `register(app, runtime)`
with the signed-in user's scope."""
from callbacks import breakdown, drilldown, movers, overview, view
from callbacks.exports import register_export_callbacks


def register_callbacks(app, runtime) -> None:
    for module in (view, overview, breakdown, drilldown, movers):
        module.register(app, runtime)
    register_export_callbacks(app, runtime)
