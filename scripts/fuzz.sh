#!/usr/bin/env bash
# Runs every fuzz target of the server for the given time each (default 20s).
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-20s}
for target in $(go test -list '^Fuzz' ./server/ | grep '^Fuzz'); do
  echo "== $target ($t)"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$t" ./server/
done
