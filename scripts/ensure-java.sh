#!/usr/bin/env bash
# Make sure a Java runtime is installed: the Spark engine's tests (tests/scale, PySpark in
# local mode) and benchmarks/bench_engines.py need one.
#
# Quiet and quick when `java` is on the PATH (or JAVA_HOME has one). Otherwise installs a
# headless JRE from the OS packages (apt-get: openjdk-17-jre-headless, or the newest
# openjdk-*-jre-headless the distribution has; dnf/yum: java-17-openjdk-headless; apk:
# openjdk17-jre-headless), as root or through passwordless sudo. If that is impossible it
# warns and exits 0: the Spark tests then fail under CI (CI=true) and are skipped with the
# reason elsewhere.
set -euo pipefail

if command -v java >/dev/null 2>&1; then exit 0; fi
if [ -n "${JAVA_HOME:-}" ] && [ -x "${JAVA_HOME}/bin/java" ]; then exit 0; fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    echo "ensure-java: java is missing and this user cannot install packages;" \
      "install a Java runtime (e.g. openjdk-17-jre-headless) for the Spark tests" >&2
    exit 0
  fi
fi

if command -v apt-get >/dev/null 2>&1; then
  echo "ensure-java: installing a Java runtime from the OS packages" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  package=openjdk-17-jre-headless
  if ! apt-cache show "$package" >/dev/null 2>&1; then
    package="$(apt-cache search --names-only '^openjdk-[0-9]+-jre-headless$' \
      | cut -d' ' -f1 | sort -t- -k2 -n | tail -n1)"
  fi
  if [ -z "$package" ]; then
    echo "ensure-java: no openjdk-*-jre-headless package found; install Java by hand" >&2
    exit 0
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "$package" >/dev/null
elif command -v dnf >/dev/null 2>&1; then
  "${sudo_cmd[@]}" dnf install -y -q java-17-openjdk-headless
elif command -v yum >/dev/null 2>&1; then
  "${sudo_cmd[@]}" yum install -y -q java-17-openjdk-headless
elif command -v apk >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apk add --quiet openjdk17-jre-headless
else
  echo "ensure-java: no known package manager; install a Java runtime for the Spark tests" >&2
  exit 0
fi

command -v java >/dev/null 2>&1 || echo "ensure-java: java still not found after installing" >&2
exit 0
