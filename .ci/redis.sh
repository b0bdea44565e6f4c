# Sourced by .ci/run: provides a real Redis and a real Redis Cluster for the @lifeline/redis tests.
# Uses REDIS_URL when set; otherwise installs redis-server from the OS packages if missing, starts it
# on a free loopback port and exports REDIS_URL. Uses REDIS_CLUSTER_NODES when set; otherwise starts
# 3 cluster-enabled redis-server masters on loopback, joins them with `redis-cli --cluster create`
# and exports REDIS_CLUSTER_NODES. A trap stops what was started here.
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
  echo "ci: redis-server on $REDIS_URL"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# What the EXIT trap runs: stop every server started here (pid files), remove their directories.
# It never changes the script's exit status: a server still writing its files while its directory is
# removed must not turn a green run red.
ci_stop_redis() {
  local pids=() f pid
  for f in ${REDIS_DIR:+"$REDIS_DIR"/*.pid} ${CLUSTER_DIR:+"$CLUSTER_DIR"/*.pid}; do
    pid=$(cat "$f" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  rm -rf ${REDIS_DIR:+"$REDIS_DIR"} ${CLUSTER_DIR:+"$CLUSTER_DIR"} 2>/dev/null || true
}
trap ci_stop_redis EXIT

if [ -z "${REDIS_CLUSTER_NODES:-}" ]; then
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || { echo "ci: redis-server and redis-cli are required for the Redis Cluster tests" >&2; exit 1; }
  CLUSTER_DIR=$(mktemp -d)
  CLUSTER_ADDRS=()
  for _ in 1 2 3; do
    port=$(free_port); bus=$(free_port)
    redis-server --port "$port" --cluster-port "$bus" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "nodes-$port.conf" \
      --cluster-node-timeout 2000 --cluster-require-full-coverage no --save '' --appendonly no --dir "$CLUSTER_DIR" \
      --daemonize yes --pidfile "$CLUSTER_DIR/$port.pid" --logfile "$CLUSTER_DIR/$port.log"
    CLUSTER_ADDRS+=("127.0.0.1:$port")
  done
  for addr in "${CLUSTER_ADDRS[@]}"; do
    for _ in $(seq 1 50); do redis-cli -p "${addr#*:}" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  redis-cli --cluster create "${CLUSTER_ADDRS[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  for _ in $(seq 1 100); do
    redis-cli -p "${CLUSTER_ADDRS[0]#*:}" cluster info | grep -q 'cluster_state:ok' && break
    sleep 0.1
  done
  REDIS_CLUSTER_NODES=$(printf 'redis://%s,' "${CLUSTER_ADDRS[@]}")
  export REDIS_CLUSTER_NODES=${REDIS_CLUSTER_NODES%,}
  echo "ci: Redis Cluster (3 masters) on $REDIS_CLUSTER_NODES"
fi
export LIFELINE_REQUIRE_REDIS=1
