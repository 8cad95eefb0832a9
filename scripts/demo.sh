#!/usr/bin/env bash
# The demo behind `make demo`: a private redis-server and the collector on free loopback ports,
# sample audit events from the OpenTelemetry Go SDK sender, then what landed in the streams.
# Everything it starts is stopped when it exits, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."

COLLECTOR=${COLLECTOR:-build/otelcol-audit}
COUNT=${COUNT:-40}
workdir=$(mktemp -d)
pids=()

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\ndemo failed: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] && [ -f "$workdir/collector.log" ]; then
    echo "--- last lines of the collector log ---" >&2
    tail -n 20 "$workdir/collector.log" >&2
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a loopback port that nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# wait_port waits until 127.0.0.1:$1 accepts connections, or $2 (a pid) has exited.
wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

[ -x "$COLLECTOR" ] || fail "$COLLECTOR is missing: run make build"
redis_port=$(free_port) || fail "no free port for redis-server"
grpc_port=$(free_port) || fail "no free port for OTLP/gRPC"
http_port=$(free_port) || fail "no free port for OTLP/HTTP"

step "starting redis-server on 127.0.0.1:$redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$workdir" --logfile "$workdir/redis.log" &
pids+=($!)
wait_port "$redis_port" "${pids[-1]}" || fail "redis-server did not start ($workdir/redis.log)"

step "starting $COLLECTOR (OTLP gRPC :$grpc_port, HTTP :$http_port)"
REDIS_ENDPOINT=127.0.0.1:$redis_port OTLP_GRPC_ENDPOINT=127.0.0.1:$grpc_port \
  OTLP_HTTP_ENDPOINT=127.0.0.1:$http_port \
  "$COLLECTOR" --config testdata/collector.yaml >"$workdir/collector.log" 2>&1 &
pids+=($!)
wait_port "$grpc_port" "${pids[-1]}" || fail "the collector did not start"
wait_port "$http_port" "${pids[-1]}" || fail "the collector did not open OTLP/HTTP"

step "building the sample sender (cmd/auditsend)"
go build -o "$workdir/auditsend" ./cmd/auditsend
go build -o "$workdir/demoshow" ./internal/demoshow

step "sending the three example events, then $COUNT more from 5 users"
"$workdir/auditsend" -endpoint "127.0.0.1:$grpc_port" -count "$COUNT" -users 5 -rate 200 \
  || fail "the sender could not deliver its events"

want=$((COUNT + 3))
step "waiting for $want entries in audit:all"
for _ in $(seq 1 100); do
  have=$(redis-cli -p "$redis_port" XLEN audit:all)
  [ "$have" -ge "$want" ] && break
  sleep 0.1
done
[ "$have" -ge "$want" ] || fail "only $have of $want events reached audit:all"

"$workdir/demoshow" -addr "127.0.0.1:$redis_port" -user 1001 -newest 8
step "done: everything started by the demo is being stopped"
