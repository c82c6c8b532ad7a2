"""Tests of the production mode: gunicorn and a Celery worker as the Procfile starts them."""
