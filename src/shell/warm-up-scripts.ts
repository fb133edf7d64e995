/**
 * Scripts in the shape of charts' hook, init and probe scripts (wait loops, conditionals, expansions, here-docs),
 * parsed by the shell worker while it waits for the run's own, so that the parser's code is compiled by the
 * time they come. What they contain only matters for which of the parser's paths get warm.
 */
export const WARM_UP_SCRIPTS: readonly string[] = [
  `set -euo pipefail
until nc -z "\${DB_HOST:-postgres}" "\${DB_PORT:-5432}"; do
  echo "waiting for the database at $DB_HOST:$DB_PORT"
  sleep 2
done`,
  `for i in $(seq 1 30); do
  if curl -sf --max-time 5 "http://\${SERVICE}:8080/healthz" > /dev/null; then
    echo ready; exit 0
  fi
  sleep $((i < 10 ? 2 : 5))
done
echo "timed out" >&2
exit 1`,
  `#!/bin/sh
attempt=0
while [ "$attempt" -lt 60 ]; do
  status=$(kubectl get job "$JOB" -n "$NAMESPACE" -o jsonpath='{.status.succeeded}' 2>/dev/null || true)
  case "$status" in
    1) echo done; break ;;
    *) attempt=$((attempt + 1)); sleep 5 ;;
  esac
done
[ "$attempt" -lt 60 ] || { echo failed; exit 1; }`,
  `cat <<CONFIG > /tmp/config.json
{"url": "\${URL}", "token": "$(cat /var/run/secrets/token)"}
CONFIG
export CONFIG_FILE=/tmp/config.json
exec /app/server --config "$CONFIG_FILE" "$@"`,
  `if [[ -f /data/.initialized && ! -s /data/lock ]]; then
  echo "already initialized"
elif [[ "\${MODE,,}" == "replica" ]]; then
  pg_basebackup -h "$PRIMARY" -D /data -U replicator -Fp -Xs -P -R
else
  initdb -D /data && touch /data/.initialized
fi
chown -R 1001:1001 /data; chmod 0700 /data`,
  `wait_for() { local host=$1 port=$2 tries=\${3:-30}
  while ! timeout 1 bash -c "echo > /dev/tcp/$host/$port" 2>/dev/null; do
    tries=$((tries - 1)); [[ $tries -gt 0 ]] || return 1; sleep 1
  done
}
wait_for redis 6379 && wait_for kafka 9092 60 || exit 1
mc alias set local http://minio:9000 "$ACCESS_KEY" "$SECRET_KEY" && mc mb -p "local/\${BUCKET}"`,
  `pg_isready -h localhost -p 5432 -U "\${POSTGRES_USER:-postgres}" || exit 1`,
  `redis-cli -h 127.0.0.1 -p $REDIS_PORT ping | grep -q PONG && test "$(redis-cli info replication | grep -c role:master)" -eq 1`,
];
