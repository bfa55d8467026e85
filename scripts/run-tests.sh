#!/usr/bin/env bash
# The pytest part of `make test`: the scenarios on the real Moodle 5.1 (marked `moodle`)
# run alongside the rest of the suite, in a second pytest process.
#
# The real-Moodle scenarios keep one core busy (PHP answering one web-service call at a
# time) while the rest of the suite needs the other; run one after the other they take
# about twice as long. Each process starts its own servers (PostgreSQL, Moodle) on free
# ports. The real-Moodle log is printed after the rest; the exit status is the worse of
# the two. Extra arguments go to both pytest runs.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
log="$(mktemp -t competency-moodle-tests.XXXXXX)"
trap 'rm -f "$log"' EXIT

"$PY" -m pytest -q -p no:cacheprovider -m moodle "$@" >"$log" 2>&1 &
moodle_pid=$!
"$PY" -m pytest -q -p no:cacheprovider -m "not moodle" "$@"
rest=$?
wait "$moodle_pid"
real=$?
echo
echo "== the scenarios on a real Moodle 5.1 (pytest -m moodle, run alongside) =="
cat "$log"
# pytest's 5 (no test collected) counts as success for a part deselected by the caller
[ "$rest" -eq 5 ] && rest=0
[ "$real" -eq 5 ] && real=0
if [ "$rest" -ne 0 ] || [ "$real" -ne 0 ]; then
  echo "tests failed: the rest of the suite exited $rest, the real-Moodle scenarios $real" >&2
  exit 1
fi
