# Sourced by .ci/run: provides a real Redis for @lifeline/redis tests.
# Uses REDIS_URL when set; otherwise installs redis-server from the OS packages if missing, starts it
# on a free loopback port, exports REDIS_URL, and registers a trap that stops it.
if [ -z "${REDIS_URL:-}" ]; then
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "ci: installing redis-server from the OS packages"
    if command -v apt-get >/dev/null 2>&1; then
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
      $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
    fi
  fi
  command -v redis-server >/dev/null 2>&1 || { echo "ci: redis-server is required and could not be installed" >&2; exit 1; }
  REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  REDIS_DIR=$(mktemp -d)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  export LIFELINE_REDIS_SERVER_BIN="$(command -v redis-server)"
  trap 'kill "$(cat "$REDIS_DIR/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$REDIS_DIR"' EXIT
  echo "ci: redis-server on $REDIS_URL"
fi
export LIFELINE_REQUIRE_REDIS=1
