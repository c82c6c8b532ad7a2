"""/healthz and /readyz: open without sign-in, and /readyz tells which dependency is down."""
from tests.helpers import client, make_app


def test_healthz_answers_without_sign_in(duckdb_engine, tmp_path):
    response = client(make_app(duckdb_engine, tmp_path)).get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_checks_the_database_and_redis(duckdb_engine, tmp_path):
    response = client(make_app(duckdb_engine, tmp_path, redis_url="redis://127.0.0.1:6379/15")).get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


def test_readyz_says_which_dependency_is_down(tmp_path):
    app = make_app("postgresql+psycopg://postgres@127.0.0.1:1/none", tmp_path,
                   redis_url="redis://127.0.0.1:1/0", secret_key="s" * 40)
    response = client(app).get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "checks": {
        "database": "unreachable: OperationalError", "redis": "unreachable: ConnectionError"}}
