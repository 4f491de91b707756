#!/usr/bin/env bash
# Installs Debian's wrk when it is missing: make bench loads the token
# endpoint with it from outside the process (scripts/tokenbench).
# Idempotent, and quick when wrk is there.
set -euo pipefail
if ! command -v wrk >/dev/null 2>&1; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  echo "installing wrk from Debian packages"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
command -v wrk >/dev/null 2>&1 || { echo "wrk: still missing after the install" >&2; exit 1; }
