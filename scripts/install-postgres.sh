#!/usr/bin/env bash
# Installs Debian's PostgreSQL server when its programs are missing: the
# tests of the PostgreSQL store start their own server from them
# (internal/pgtest), in a temporary directory. Idempotent, and quick when
# PostgreSQL is there.
set -euo pipefail

have_postgres() {
  if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then return 0; fi
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

if ! have_postgres; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  echo "installing postgresql from Debian packages"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi
have_postgres || { echo "postgresql: initdb is still missing after the install" >&2; exit 1; }
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/postgres" ] && "$d/postgres" --version
done
