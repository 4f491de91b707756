#!/usr/bin/env bash
# Proves that every fault of the reference server is caught and every
# variant accepted. For each fault (authspec serve --list-faults) the whole
# plan runs against the server with that fault, first with consent approved
# at once (fast), then, for a fault that run does not catch, through the
# login and consent pages in Chromium. Each variant (--list-variants) runs
# through the pages and must give no FAIL, no ERROR, and no WARN but for the
# checks its summary names. Prints one line per behaviour; exits 1 if a fault
# goes unnoticed or a variant is refused.
#
# Arguments go to every `authspec serve`: `scripts/fault-sweep.sh --variant
# token-type-lowercase` sweeps the faults on top of a variant.
# `scripts/fault-sweep.sh --quick` runs the same sweep without the command
# line, in one test process (go test ./conformance -run TestSweep -sweep):
# minutes instead of an hour; `--quick -sweep.only NAME` sweeps only the
# behaviours whose name contains NAME.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --quick ]; then
  shift
  exec go test -count=1 -timeout 60m -run '^TestSweep$' ./conformance -sweep -v "$@"
fi
BIN=${BIN:-bin/authspec}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
caught=0 missed=0 lawful=0 refused=0

# findings prints the checks of a report that did not PASS or SKIP, as
# STATUS:ID, baselined ones left out.
findings() {
  python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
print(" ".join(x["status"]+":"+x["id"] for x in r["results"] if x["status"] in ("FAIL","WARN","ERROR") and not x.get("baselined")))' "$1" 2>/dev/null
}

# fault_args prints the serve flags a fault needs to show: a server with
# DPoP nonces may tell a proof's age by its nonce instead of iat (RFC 9449
# §11.1) and may issue DPoP-bound tokens of any lifetime (§11.2), so these
# faults show on a server without them; where every client must send a
# code_challenge no code exists to downgrade, so pkce-downgrade shows where
# confidential clients may leave PKCE out.
fault_args() {
  case "$1" in
    dpop-iat-not-checked|dpop-future-iat-accepted|dpop-long-lived-access-tokens) echo "--variant dpop-nonce-not-required" ;;
    pkce-downgrade) echo "--variant pkce-optional-confidential" ;;
  esac
}

for f in $("$BIN" serve --list-faults | awk '{print $1}'); do
  how=""
  # shellcheck disable=SC2207
  extra=($(fault_args "$f"))
  for consent in auto form; do
    out="$work/$f-$consent"
    if PLUGINS=off CONSENT=$consent OUT="$out" FORMATS=json scripts/conformance.sh --fault "$f" "${extra[@]}" "$@" >/dev/null 2>&1; then
      continue
    fi
    how="$consent: $(findings "$out/report.json" | cut -c1-160)"
    break
  done
  if [ -n "$how" ]; then
    caught=$((caught+1)); printf 'caught   %-45s %s\n' "$f" "$how"
  else
    missed=$((missed+1)); printf 'MISSED   %s\n' "$f"
  fi
done

# variant_env prints the environment a variant's run needs: what its
# operator would configure on the server and write in the target config.
variant_env() {
  case "$1" in
    registration-initial-access-token)
      echo "AUTHSPEC_INITIAL_ACCESS_TOKEN=authspec-sweep-initial-access-token"
      echo "TARGET_EXTRA=registration: { initial_access_token: \"\${env:AUTHSPEC_INITIAL_ACCESS_TOKEN}\" }" ;;
    client-credentials-restricted)
      echo "AUTHSPEC_SWEEP_CC_SECRET=authspec-sweep-service-secret-0123456789"
      echo "AUTHSPEC_CLIENTS=authspec-sweep-service:authspec-sweep-service-secret-0123456789:http://127.0.0.1:8976/callback"
      echo "TARGET_EXTRA=clients: { client_credentials: { client_id: authspec-sweep-service, client_secret: \"\${env:AUTHSPEC_SWEEP_CC_SECRET}\" } }" ;;
    resource-not-supported)
      echo "MCP_SERVER=false" ;;
  esac
}

while read -r v summary; do
  [ -n "$v" ] || continue
  out="$work/variant-$v"
  envs=()
  while IFS= read -r line; do envs+=("$line"); done < <(variant_env "$v")
  # A variant is lawful under the base specifications, not always under
  # OAuth 2.1: its run claims nothing (CLAIMS=), as TestVariants.
  env "${envs[@]}" CLAIMS= PLUGINS=off CONSENT=form OUT="$out" FORMATS=json scripts/conformance.sh --variant "$v" "$@" >/dev/null 2>&1
  bad=""
  if [ ! -s "$out/report.json" ]; then
    bad=" no report: the server or the run did not start"
  fi
  for finding in $(findings "$out/report.json"); do
    status=${finding%%:*} id=${finding#*:}
    if [ "$status" = WARN ] && [[ "$summary" == *"$id"* ]]; then
      continue
    fi
    bad="$bad $finding"
  done
  if [ -z "$bad" ]; then
    lawful=$((lawful+1)); printf 'accepted %s\n' "$v"
  else
    refused=$((refused+1)); printf 'REFUSED  %-45s%s\n' "$v" "$bad"
  fi
done < <("$BIN" serve --list-variants)

echo "fault sweep: $caught caught, $missed missed; variants: $lawful accepted, $refused refused"
[ "$missed" -eq 0 ] && [ "$refused" -eq 0 ]
