"""The production stack, started for tests the way the Procfile starts it: gunicorn serving
`app:create_app()` and a Celery worker, each a process group of its own, on a database and a Redis
of the test's own; and private PostgreSQL and Redis servers that fault tests may stop.

    postgres, redis_server = PrivatePostgres().start(), PrivateRedis(tmp).start()
    stack = Stack(postgres.create_database("expenditure"), redis_server.url(), tmp).start()
    ...  # DashClient(stack.url); redis_server.stop(); postgres.stop(); stack.kill_worker()
    stack.stop(); redis_server.stop(); postgres.destroy()

Every process is started with PR_SET_PDEATHSIG, so it dies with the test process even when
that is killed before its fixtures' finalizers run.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Self

import redis
import requests
import sqlalchemy as sa

from config import PROJECT_DIR
from exports.runners import BUILD_TASK, make_celery

VENV_BIN = Path(sys.executable).parent
# Debian's PostgreSQL (15 here; the newest installed, should another be)
POSTGRES_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name),
                   default=Path("/usr/lib/postgresql/15/bin"))
REDIS_SERVER = Path("/usr/bin/redis-server")
START_SECONDS = 120  # generous: two gunicorn workers and a Celery worker import the app on 2 busy cores
PR_SET_PDEATHSIG = 1


# Below the kernel's ephemeral ports (32768-60999), which every outgoing connection of a busy
# suite takes from: a port the kernel handed out as free was taken by one such connection, or
# by the same choice in a run beside this one, before the server started on it.
SERVER_PORTS = range(20000, 32000)


def free_port() -> int:
    """A port nobody listens on, drawn at random from SERVER_PORTS."""
    while True:
        port = random.choice(SERVER_PORTS)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def procfile_command(name: str) -> str:
    """The Procfile's command for process type `name` (web, worker)."""
    for line in (PROJECT_DIR / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() == name:
            return command.strip()
    raise LookupError(f"the Procfile has no {name!r} process")


_prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before any fork


def _die_with_parent() -> None:
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def spawn(args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    """A process in a new process group (so it and its children are stopped together), its
    output appended to `log`."""
    with open(log, "ab") as output:
        return subprocess.Popen(args, cwd=PROJECT_DIR, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent)  # noqa: PLW1509 - one prctl call, no locks


def stop_group(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Signal the process's group; SIGKILL whatever is left after `timeout` seconds."""
    if process is None:
        return
    for signal_number in (sig, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal_number)
        try:
            process.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    _wait_group_gone(process.pid, timeout)


def _wait_group_gone(group: int, timeout: float) -> None:
    """Children (gunicorn's workers, Celery's pool) can outlive their parent for a moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    """Poll `condition()` until it returns something true; its value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- private servers ------------------------------------------------------------------------------

class PrivateRedis:
    """A Redis server of the test's own on a free port, without persistence: stopping it is an
    outage, starting it again an empty Redis on the same port."""

    def __init__(self, directory: Path):
        if not REDIS_SERVER.exists():
            raise FileNotFoundError(f"{REDIS_SERVER} not found")
        self.directory = Path(directory)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def start(self) -> Self:
        self.process = spawn([str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
                             self.directory / "redis.log")
        wait_until(self._answers, 30, "the private Redis to answer")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited:\n{tail(self.directory / 'redis.log')}")
        try:
            # Ours, not another test's that took the port first (ours then exits): a stack on
            # that one lost its broker when the other test stopped it.
            return self.client().info("server")["process_id"] == self.process.pid
        except redis.RedisError:
            return False

    def stop(self) -> None:
        stop_group(self.process)
        self.process = None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb into a temporary directory owned by
    user postgres, since PostgreSQL refuses to run as root), on a free port, trust auth.
    With `standby_of` (a running PrivatePostgres), a streaming replica of that cluster instead:
    its base backup, with the settings that make it follow the primary (pg_basebackup -R)."""

    def __init__(self, standby_of: PrivatePostgres | None = None):
        if not (POSTGRES_BIN / "initdb").exists():
            raise FileNotFoundError(f"PostgreSQL binaries not found in {POSTGRES_BIN}")
        # Not under pytest's tmp_path: its parents are private to root, and postgres must enter.
        self.directory = Path(tempfile.mkdtemp(prefix="prod-pg-"))
        shutil.chown(self.directory, "postgres", "postgres")
        self.port = free_port()
        self.running = False
        if standby_of is None:
            self._as_postgres("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        else:  # initdb's pg_hba.conf lets local replication connections in
            self._as_postgres("pg_basebackup", "-h", "127.0.0.1", "-p", str(standby_of.port), "-U", "postgres",
                              "-D", self.data, "-R", "-X", "stream", "--no-sync")

    @property
    def data(self) -> str:
        return str(self.directory / "data")

    def _as_postgres(self, tool: str, *args: str) -> None:
        result = subprocess.run(["runuser", "-u", "postgres", "--", str(POSTGRES_BIN / tool), *args],
                                check=False, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}\n{tail(self.directory / 'log')}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> Self:
        # fsync off: the cluster is thrown away; -w waits until it accepts connections.
        self._as_postgres("pg_ctl", "-D", self.data, "-l", str(self.directory / "log"), "-w", "-o",
                          f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                          f"-c fsync=off -c full_page_writes=off", "start")
        self.running = True
        return self

    def stop(self) -> None:
        """A fast shutdown: open connections are ended, as in a restart or failover."""
        if self.running:
            self._as_postgres("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
            self.running = False

    def create_database(self, name: str) -> str:
        create_database(self.url(), name)
        return self.url(name)

    def _scalar(self, statement: str):
        engine = sa.create_engine(self.url(), poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return conn.execute(sa.text(statement)).scalar()
        finally:
            engine.dispose()

    def replay_up_to(self, primary: PrivatePostgres, timeout: float = 30) -> None:
        """As a standby: wait until it has replayed everything `primary` has written so far."""
        written = primary._scalar("SELECT pg_current_wal_lsn()")
        wait_until(lambda: self._scalar(f"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn"), timeout,
                   f"the standby to replay the primary's WAL up to {written}")

    def pause_replay(self) -> None:
        """As a standby: apply nothing more of the primary's WAL (it still receives it)."""
        self._scalar("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self._scalar("SELECT pg_wal_replay_resume()")

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def create_database(admin_url: str, name: str) -> None:
    """CREATE DATABASE `name` on the server of `admin_url` (a database there to connect to)."""
    _admin(admin_url, f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    """DROP DATABASE, ending the connections still open to it (a stack that was killed)."""
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(admin_url: str, statement: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def database_url_on(server_url: str, name: str) -> str:
    """`server_url` with the database `name` (its query string, if any, dropped)."""
    return sa.make_url(server_url).set(database=name, query={}).render_as_string(hide_password=False)


# --- the stack ------------------------------------------------------------------------------------

class Stack:
    """gunicorn (the Procfile's `web`, 2 workers) and a Celery worker (its `worker`, prefork
    pool, concurrency 2) on `database_url` and `redis_url`, with the instance folder, exports
    and logs under `directory`. `settings` adds environment variables (e.g. EXPORT_STALE_SECONDS)."""

    def __init__(self, database_url: str, redis_url: str, directory: Path, **settings: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.database_url, self.redis_url = database_url, redis_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.queue = f"exports-{uuid.uuid4().hex[:12]}"  # no other worker on this Redis takes its tasks
        self.export_dir = self.directory / "exports"
        self.env = {key: value for key, value in os.environ.items() if key != "FLASK_DEBUG"}
        self.env.update(
            PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", PORT=str(self.port),
            WEB_CONCURRENCY="2", EXPORT_WORKER_CONCURRENCY="2",
            DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=secrets.token_urlsafe(48),
            INSTANCE_DIR=str(self.directory / "instance"), EXPORT_DIR=str(self.export_dir),
            EXPORT_QUEUE=self.queue, **settings)
        self.env["TMPDIR"] = str(self.directory)  # openpyxl's temporary sheets: seen, and deleted after
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.workers_started = 0
        self._celery = None
        self.redis = redis.Redis.from_url(redis_url)

    @property
    def web_log(self) -> Path:
        return self.directory / "web.log"

    @property
    def worker_log(self) -> Path:
        return self.directory / "worker.log"

    @property
    def node(self) -> str:
        """The Celery worker's name (each one started gets a new one)."""
        return f"{self.queue}-{self.workers_started}@tests"

    def start(self) -> Self:
        self.start_worker()
        self.start_web()
        self.wait_worker_ready()
        return self

    def start_web(self) -> None:
        self.web = spawn(["bash", "-c", "exec " + procfile_command("web")], self.web_log, self.env)
        wait_until(lambda: self._ready(self.web), START_SECONDS, "gunicorn to answer /readyz with 200")

    def start_worker(self) -> None:
        self.workers_started += 1
        command = f"exec {procfile_command('worker')} --hostname {self.node}"
        self.worker = spawn(["bash", "-c", command], self.worker_log, self.env)

    def _ready(self, process: subprocess.Popen) -> bool:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited ({process.returncode}):\n{tail(self.web_log)}")
        try:
            return requests.get(self.url + "/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def wait_worker_ready(self) -> None:
        def answers() -> bool:
            if self.worker.poll() is not None:
                raise AssertionError(f"the Celery worker exited ({self.worker.returncode}):\n{tail(self.worker_log)}")
            return bool(self.celery.control.ping(destination=[self.node], timeout=1))
        wait_until(answers, START_SECONDS, "the Celery worker to answer a ping", interval=0.2)

    @property
    def celery(self):
        """A Celery app on the stack's broker, for remote control (ping, inspect)."""
        if self._celery is None:
            self._celery = make_celery(self.redis_url, self.queue)
        return self._celery

    def building(self, task_id: str) -> int:
        """The pid of the pool process running the build of `task_id` (Celery's remote control)."""
        def pid() -> int | None:
            active = self.celery.control.inspect(destination=[self.node], timeout=2).active() or {}
            return next((request["worker_pid"] for request in active.get(self.node, [])
                         if request["args"] == [task_id]), None)
        return wait_until(pid, 30, f"a pool process to be building {task_id}")

    def unacknowledged(self) -> list[str]:
        """The messages Redis holds for a consumer that has not acknowledged them (kombu's
        `unacked` hash), as their raw text."""
        return [payload.decode() for payload in self.redis.hvals("unacked")]

    def queued(self) -> int:
        return self.redis.llen(self.queue)

    def redeliver_unacknowledged(self) -> None:
        """What Redis does to a message left unacknowledged past the visibility timeout (70
        minutes here): put it back on its queue, marked redelivered. Kombu's own restore, with
        the timeout at zero."""
        celery = make_celery(self.redis_url, self.queue)
        celery.conf.broker_transport_options = {"visibility_timeout": 0}
        with celery.connection_for_write() as connection:
            connection.default_channel.qos.restore_visible(num=100)
        celery.close()

    def builds_finished(self) -> int:
        """How many build messages the running worker has taken and finished (a message that
        built nothing counts too)."""
        inspect = self.celery.control.inspect(destination=[self.node], timeout=2)
        taken = (inspect.stats() or {}).get(self.node, {}).get("total", {}).get(BUILD_TASK, 0)
        return taken - len((inspect.active() or {}).get(self.node, []))

    def kill_worker(self) -> None:
        """SIGKILL the whole worker: its main process and its pool, at once."""
        stop_group(self.worker, signal.SIGKILL)

    def stop(self) -> None:
        """Stop both; gracefully first (gunicorn and Celery finish what they are doing), but
        not for long: a test's stack has nothing to keep."""
        for process in (self.web, self.worker):
            with contextlib.suppress(ProcessLookupError):
                if process is not None:
                    os.killpg(process.pid, signal.SIGTERM)
        stop_group(self.web, timeout=10)
        stop_group(self.worker, timeout=10)
        if self._celery is not None:
            self._celery.close()
        self.redis.close()

    def logs(self) -> str:
        return f"--- gunicorn ---\n{tail(self.web_log)}\n--- celery ---\n{tail(self.worker_log)}"


def task_ids_in(text: str) -> list[str]:
    """The export ids of the download links in a page's text."""
    return re.findall(r"/exports/([0-9a-f]{32})/download", text)
