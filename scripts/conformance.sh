#!/usr/bin/env bash
# Starts the reference server on a free loopback port, checks it end to end,
# writes reports to reports/out/ and stops the server. Exit non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/authspec}
OUT=${OUT:-reports/out}
mkdir -p "$OUT"
ready=$(mktemp)
rm -f "$ready"
log="$OUT/server.log"

"$BIN" serve --addr 127.0.0.1:0 --consent auto --ready-file "$ready" "$@" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$ready"' EXIT
for _ in $(seq 1 100); do
  [ -s "$ready" ] && break
  kill -0 $pid 2>/dev/null || { echo "reference server failed to start:"; cat "$log"; exit 1; }
  sleep 0.05
done
[ -s "$ready" ] || { echo "reference server did not become ready"; cat "$log"; exit 1; }
issuer=$(cat "$ready")
echo "reference server at $issuer"

fail=0
step() { printf '  %-60s' "$1"; }
ok() { echo "ok"; }
bad() { echo "FAIL: $1"; fail=1; }

step "metadata: issuer identical"
meta=$(curl -fsS "$issuer/.well-known/oauth-authorization-server")
[ "$(jq -r .issuer <<<"$meta")" = "$issuer" ] && ok || bad "$(jq -r .issuer <<<"$meta")"

step "registration: 201 with client_secret_expires_at"
reg=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"redirect_uris":["http://127.0.0.1:1/cb"],"grant_types":["client_credentials"],"response_types":[]}' \
  "$(jq -r .registration_endpoint <<<"$meta")")
[ "$(jq -r '.client_secret_expires_at' <<<"$reg")" = "0" ] && ok || bad "$reg"
cid=$(jq -r .client_id <<<"$reg"); sec=$(jq -r .client_secret <<<"$reg")

step "token: client_credentials with client_secret_basic"
tok=$(curl -fsS -u "$cid:$sec" -d grant_type=client_credentials "$(jq -r .token_endpoint <<<"$meta")")
[ "$(jq -r .token_type <<<"$tok")" = "Bearer" ] && ok || bad "$tok"

step "token: wrong secret gives 401 with WWW-Authenticate"
hdrs=$(curl -sS -o /dev/null -D - -u "$cid:wrong" -d grant_type=client_credentials "$(jq -r .token_endpoint <<<"$meta")")
grep -q '^HTTP/1.1 401' <<<"$hdrs" && grep -qi '^www-authenticate:' <<<"$hdrs" && ok || bad "$hdrs"

printf '{"target":"%s","failed":%s}\n' "$issuer" "$fail" >"$OUT/smoke.json"
[ $fail -eq 0 ] && echo "conformance smoke: all steps passed" || { echo "conformance smoke: failures"; exit 1; }
