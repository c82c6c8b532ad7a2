"""Exports: spreadsheet files of expenditure details, built in the background.

Free of Dash: the Celery worker imports this package. `builder.build_export` is the one
function that builds a file; `runners` hands task ids to a thread pool or to Celery;
`service` is what the web app calls; `routes` serves the files.
"""
