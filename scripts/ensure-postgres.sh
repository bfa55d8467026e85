#!/usr/bin/env bash
# Make sure the PostgreSQL server binaries (initdb, pg_ctl) are installed: the store tests
# and benchmarks/bench_store.py start a throw-away server from them.
#
# Quiet and quick when they are present. Otherwise installs them from the OS packages
# (apt-get; dnf/yum; apk), as root or through passwordless sudo. If that is impossible it
# warns and exits 0: the PostgreSQL tests then fail under CI (CI=true) and are skipped
# with the reason elsewhere.
set -euo pipefail

have_postgres() {
  if [ -n "${COMPETENCY_PG_BINDIR:-}" ] && [ -x "${COMPETENCY_PG_BINDIR}/initdb" ]; then return 0; fi
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then return 0; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then return 0; fi
  return 1
}

have_postgres && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    echo "ensure-postgres: PostgreSQL server binaries are missing and this user cannot install" \
         "packages (not root, no passwordless sudo); install 'postgresql' or set COMPETENCY_PG_BINDIR" >&2
    exit 0
  fi
fi

echo "ensure-postgres: installing the PostgreSQL server from the OS packages..." >&2
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends postgresql >/dev/null
elif command -v dnf >/dev/null 2>&1; then
  "${sudo_cmd[@]}" dnf install -y -q postgresql-server >/dev/null
elif command -v yum >/dev/null 2>&1; then
  "${sudo_cmd[@]}" yum install -y -q postgresql-server >/dev/null
elif command -v apk >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apk add --quiet postgresql >/dev/null
else
  echo "ensure-postgres: no supported package manager found; install PostgreSQL by hand" >&2
  exit 0
fi

if have_postgres; then
  echo "ensure-postgres: PostgreSQL server binaries installed" >&2
else
  echo "ensure-postgres: installation finished but initdb/pg_ctl were not found" >&2
fi
