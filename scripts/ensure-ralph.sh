#!/usr/bin/env bash
# Make sure Ralph (ralph-malph 5.1.0, a Learning Record Store) is installed for the xAPI
# tests: tests/importers/evidence/test_xapi_ralph.py starts it on a free port, posts
# statements and reads them back through competency-core's LRS client.
#
# Ralph and its dependencies (FastAPI, uvicorn, bcrypt, ...) go into a virtual environment
# of their own, outside the project's venv: $COMPETENCY_RALPH_HOME, default
# ~/.cache/competency-core/ralph-5.1.0 (where competency_testing.lrs looks). Quiet and
# quick when it is there. If it cannot be installed (no network), it warns and exits 0:
# the test then fails under CI (CI=true) and is skipped with the reason elsewhere.
set -euo pipefail

VERSION=5.1.0
HOME_DIR="${COMPETENCY_RALPH_HOME:-${HOME}/.cache/competency-core/ralph-${VERSION}}"
PY="${PYTHON3:-python3}"
# what the LRS needs is installed (found, not imported: importing ralph.api needs its settings)
CHECK='import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("ralph.cli", "uvicorn", "fastapi", "bcrypt", "requests")))'

if [ -x "${HOME_DIR}/bin/ralph" ] && "${HOME_DIR}/bin/python" -c "$CHECK" 2>/dev/null; then
  exit 0
fi

echo "ensure-ralph: installing ralph-malph ${VERSION} into ${HOME_DIR} ..." >&2
mkdir -p "$(dirname "${HOME_DIR}")"
if ! "${PY}" -m venv "${HOME_DIR}" >/dev/null 2>&1; then
  echo "ensure-ralph: cannot create a virtual environment with ${PY} (python3-venv missing?)" >&2
  exit 0
fi
# ralph's `lrs` extra imports requests (its OIDC module) without declaring it: add it.
if "${HOME_DIR}/bin/python" -m pip install --quiet --disable-pip-version-check \
    "ralph-malph[cli,lrs]==${VERSION}" requests >/dev/null 2>&1; then
  echo "ensure-ralph: ralph installed" >&2
else
  echo "ensure-ralph: pip could not install ralph-malph ${VERSION}; the real-LRS test will not run" >&2
  rm -rf "${HOME_DIR}"
fi
exit 0
