#!/usr/bin/env bash
# Make sure the services the test suite needs are present and running:
#   - Chromium + chromedriver (browser tests), from Debian packages
#   - LibreOffice Calc (export files opened in a second spreadsheet program)
#   - PostgreSQL on 127.0.0.1:5432 with a `test` database (trust auth, user postgres)
#   - Redis on 127.0.0.1:6379
# Idempotent and silent when everything is already there.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379

log() { echo "ensure_services: $*" >&2; }

# Run a command as root: directly if we are root, via sudo if available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "need root for: $* (not root and no sudo)"
        return 1
    fi
}

APT_UPDATED=0
apt_install() {
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        as_root apt-get update -q >/dev/null
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

# ---------------------------------------------------------------- Chromium
if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium chromium-driver fonts-liberation
fi
# Chinese glyphs for the screenshots of the zh-CN pages (the tests read text, not pixels).
if [ ! -d /usr/share/fonts/truetype/wqy ]; then
    apt_install fonts-wqy-microhei
fi

# ---------------------------------------------------------------- LibreOffice
# Export tests open the .xlsx files in LibreOffice (soffice --headless --convert-to csv).
if ! command -v soffice >/dev/null 2>&1; then
    apt_install libreoffice-calc-nogui
fi

# ---------------------------------------------------------------- PostgreSQL
pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }

if ! command -v pg_isready >/dev/null 2>&1 || ! pg_ready; then
    fresh_install=0
    if [ ! -d /etc/postgresql ] || [ -z "$(ls -A /etc/postgresql 2>/dev/null)" ]; then
        apt_install postgresql
        fresh_install=1
    fi
    pg_version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    if [ ! -d "/etc/postgresql/$pg_version/main" ]; then
        log "creating PostgreSQL $pg_version cluster 'main'"
        as_root pg_createcluster --port "$PG_PORT" "$pg_version" main >/dev/null
        fresh_install=1
    fi
    if [ "$fresh_install" -eq 1 ]; then
        # Local test database server: trust connections from this machine only.
        hba="/etc/postgresql/$pg_version/main/pg_hba.conf"
        log "configuring trust auth for local connections in $hba"
        as_root sh -c "printf '%s\n' \
            'local all all trust' \
            'host all all 127.0.0.1/32 trust' \
            'host all all ::1/128 trust' > '$hba'"
        # The package may have started the cluster already; reload picks up hba.
        as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload >/dev/null 2>&1 || true
    fi
    if ! pg_ready; then
        log "starting PostgreSQL $pg_version/main"
        as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start || true
    fi
    for _ in $(seq 1 30); do
        pg_ready && break
        sleep 1
    done
    if ! pg_ready; then
        log "PostgreSQL is not accepting connections on $PG_HOST:$PG_PORT after 30 s"
        exit 1
    fi
fi

if [ "$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atc \
        "select 1 from pg_database where datname='test'")" != "1" ]; then
    log "creating database 'test'"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres test
fi

# ---------------------------------------------------------------- Redis
redis_ready() {
    [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

if ! command -v redis-cli >/dev/null 2>&1 || ! redis_ready; then
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        apt_install redis-server
    fi
    if ! redis_ready; then
        log "starting Redis on $REDIS_HOST:$REDIS_PORT"
        as_root mkdir -p /var/lib/redis /var/log/redis
        as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
            --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    fi
    for _ in $(seq 1 30); do
        redis_ready && break
        sleep 1
    done
    if ! redis_ready; then
        log "Redis does not answer PING on $REDIS_HOST:$REDIS_PORT after 30 s"
        exit 1
    fi
fi
