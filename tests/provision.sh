#!/usr/bin/env bash
# Makes sure what the suite needs is here: Chromium for the browser tests, and PostgreSQL and
# Redis running. Starts the services when they are installed but stopped; otherwise says, in
# one line, what to start. Set DATABASE_URL / REDIS_URL to use servers elsewhere.
set -euo pipefail

browser=1
bench=0
for arg in "$@"; do
  case "$arg" in
    --no-browser) browser=0 ;;
    --bench) bench=1 ;;
  esac
done

: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/registry}"
: "${REDIS_URL:=redis://127.0.0.1:6379/9}"

if [ "$browser" = 1 ] && [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's 'chromium' package (or set CHROMIUM=/path/to/chromium)." >&2
    exit 1
  fi
fi

# The benchmarks load pages with wrk (and ab is at hand for a quick look): only for `make bench`.
if [ "$bench" = 1 ] && ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing wrk and apache2-utils for the benchmarks…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk apache2-utils >/dev/null
  else
    echo "wrk is missing: install Debian's 'wrk' package for the benchmarks." >&2
    exit 1
  fi
fi

hostport() {  # host and port of a URL like scheme://user@host:port/db
  python3 - "$1" "$2" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or int(sys.argv[2]))
PY
}

up() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

read -r pg_host pg_port < <(hostport "$DATABASE_URL" 5432)
if ! up "$pg_host" "$pg_port"; then
  if [ "$pg_host" = 127.0.0.1 ] || [ "$pg_host" = localhost ]; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      for version in $(ls /etc/postgresql); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
      done
      for _ in $(seq 1 30); do up "$pg_host" "$pg_port" && break; sleep 0.5; done
    fi
  fi
  up "$pg_host" "$pg_port" || {
    echo "PostgreSQL is not running at $pg_host:$pg_port: start it (e.g. 'pg_ctlcluster 15 main start') or set DATABASE_URL." >&2
    exit 1
  }
fi

read -r redis_host redis_port < <(hostport "$REDIS_URL" 6379)
if ! up "$redis_host" "$redis_port"; then
  if command -v redis-server >/dev/null 2>&1 && { [ "$redis_host" = 127.0.0.1 ] || [ "$redis_host" = localhost ]; }; then
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
      --dir /tmp --logfile /tmp/registry-test-redis.log >/dev/null
    for _ in $(seq 1 30); do up "$redis_host" "$redis_port" && break; sleep 0.2; done
  fi
  up "$redis_host" "$redis_port" || {
    echo "Redis is not running at $redis_host:$redis_port: start it (e.g. 'redis-server --daemonize yes') or set REDIS_URL." >&2
    exit 1
  }
fi
echo "Services ready: PostgreSQL at $pg_host:$pg_port, Redis at $redis_host:$redis_port."
