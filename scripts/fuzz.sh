#!/usr/bin/env bash
# Runs every fuzz target of the project for the given time each (default
# 20s): the reference server's endpoints, the target config loader, the
# report reader, the baseline parser and the WWW-Authenticate parser. A
# crash leaves its input in the package's testdata/fuzz, where it becomes a
# regression test of plain `go test`. The time may be a count of inputs
# (1000x): Go 1.26 can fail a duration-bounded run with a bare "context
# deadline exceeded" when the duration ends mid-input (go.dev/issue/75804);
# a count has no such race, which is why CI gives one.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-20s}
for pkg in ./server/ ./suite/target/ ./reports/ ./conformance/ ./scenarios/internal/probe/; do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz'); do
    echo "== $pkg $target ($t)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$t" "$pkg"
  done
done
