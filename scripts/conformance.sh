#!/usr/bin/env bash
# make conformance: start the reference server on a free loopback port, run
# the whole suite against it, write reports to reports/out/, stop the server.
# Extra arguments go to `authspec serve`: --fault code-reuse shows a broken
# server being caught, --variant token-type-lowercase a lawful variant being
# accepted. TARGET_EXTRA is appended to the target config (keys a variant
# needs, as its operator would write them); MCP_SERVER=false declares the
# resource a plain protected resource (by default authspec probes it: the
# demo resource answers MCP's initialize). CLAIMS lists the profiles the
# reference server claims to follow (default "oauth2.1, mcp-2025-06-18":
# the checks of the rules RFC 6749 leaves open, and of the MCP revision
# 2025-06-18 rules that 2025-11-25 relaxed, then judge it; CLAIMS= claims nothing, for a
# variant that is lawful only under the base specifications). Exit status
# is authspec run's.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/authspec}
OUT=${OUT:-reports/out}
mkdir -p "$OUT"
work=$(mktemp -d)
ready="$work/issuer"
log="$OUT/server.log"

"$BIN" serve --addr 127.0.0.1:0 --consent "${CONSENT:-form}" --cimd "${CIMD:-loopback}" --ready-file "$ready" "$@" >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 200); do
  [ -s "$ready" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "reference server failed to start:" >&2; cat "$log" >&2; exit 2; }
  sleep 0.05
done
[ -s "$ready" ] || { echo "reference server did not become ready" >&2; cat "$log" >&2; exit 2; }
issuer=$(cat "$ready")

# The recipe gets a browser through the reference server's login and consent
# pages (used when the server runs with --consent form, CONSENT=form).
cat >"$work/target.yaml" <<YAML
issuer: $issuer
resource: $issuer/mcp
scoped_resource: $issuer/mcp/write
$( [ -z "${MCP_SERVER:-}" ] || echo "mcp_server: $MCP_SERVER" )
$( [ -z "${CLAIMS-oauth2.1, mcp-2025-06-18}" ] || echo "claims: [${CLAIMS-oauth2.1, mcp-2025-06-18}]" )
browser:
  login:   [ { fill: "#username", value: alice }, { fill: "#password", value: wonderland }, { click: "#login" } ]
  consent: [ { click: "#allow" } ]
  deny:    [ { click: "#deny" } ]
  repeat_consent: remembered   # the reference server's documented consent policy
YAML

if [ -n "${TARGET_EXTRA:-}" ]; then
  printf '%s\n' "$TARGET_EXTRA" >>"$work/target.yaml"
fi
# The example plugins (make plugins) run as clients of the reference server.
if [ "${PLUGINS:-on}" != off ] && ls plugins/out/*.wasm >/dev/null 2>&1; then
  root=$(pwd)
  cat >>"$work/target.yaml" <<YAML
plugins:
  - $root/plugins/out/ideclient.wasm
  - $root/plugins/out/mcpclient.wasm
  - path: $root/plugins/out/policy.wasm
    config: { max_token_lifetime: 3600, required_scopes: [read, write] }
  - $root/plugins/out/as-metadata.wasm
YAML
fi

start=$(date +%s.%N)
set +e
"$BIN" run --config "$work/target.yaml" --out "$OUT" --fail-on should --format "${FORMATS:-json,junit,md,html}"
status=$?
set -e
end=$(date +%s.%N)
printf 'conformance: authspec run exited %d after %.2fs (reports in %s)\n' "$status" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "$OUT"
exit $status
