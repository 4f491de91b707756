#!/usr/bin/env bash
# Proves that every fault of the reference server is caught: for each fault
# (authspec serve --list-faults) the whole plan runs against the server with
# that fault, first with consent approved at once (fast), then, for a fault
# that run does not catch, through the login and consent pages in Chromium.
# Prints one line per fault with the checks that caught it; exits 1 if any
# fault goes unnoticed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/authspec}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
caught=0 missed=0
for f in $("$BIN" serve --list-faults | awk '{print $1}'); do
  how=""
  for consent in auto form; do
    out="$work/$f-$consent"
    if PLUGINS=off CONSENT=$consent OUT="$out" FORMATS=json scripts/conformance.sh --fault "$f" >/dev/null 2>&1; then
      continue
    fi
    ids=$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
print(" ".join(x["id"] for x in r["results"] if x["status"] in ("FAIL","WARN","ERROR") and not x.get("baselined"))[:160])' "$out/report.json" 2>/dev/null)
    how="$consent: $ids"
    break
  done
  if [ -n "$how" ]; then
    caught=$((caught+1)); printf 'caught  %-45s %s\n' "$f" "$how"
  else
    missed=$((missed+1)); printf 'MISSED  %s\n' "$f"
  fi
done
echo "fault sweep: $caught caught, $missed missed"
[ "$missed" -eq 0 ]
