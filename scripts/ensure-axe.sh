#!/usr/bin/env bash
# Make sure axe-core (the accessibility rules engine, from the npm registry) is installed for
# the handbook's accessibility tests (tests/publish/test_publish_a11y.py), outside the
# repository: in $COMPETENCY_AXE_DIR (default ~/.cache/competency-core/axe), as
# node_modules/axe-core/axe.min.js. Headless Chromium runs it; no Node.js is needed to run
# the tests, only to install it here with npm.
#
# Quiet and quick when it is present. Otherwise installs it with npm, or, without npm,
# fetches the package's tarball from registry.npmjs.org with curl and checks its SHA-512
# against the registry's. If neither works it warns and exits 0: the accessibility tests
# are then skipped with the reason.
set -euo pipefail

version=${AXE_CORE_VERSION:-4.14.1}
dir=${COMPETENCY_AXE_DIR:-$HOME/.cache/competency-core/axe}
target=$dir/node_modules/axe-core
if [ -f "$target/axe.min.js" ] && grep -q "\"version\": \"$version\"" "$target/package.json" 2>/dev/null; then
  exit 0
fi
mkdir -p "$dir"
echo "ensure-axe: installing axe-core $version into $dir..." >&2
if command -v npm >/dev/null 2>&1; then
  if npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error \
       "axe-core@$version" >/dev/null; then
    echo "ensure-axe: done" >&2
    exit 0
  fi
  echo "ensure-axe: npm could not install axe-core; trying the tarball" >&2
fi
if command -v curl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  meta=$scratch/meta.json
  if curl -fsSL --max-time 60 "https://registry.npmjs.org/axe-core/$version" -o "$meta"; then
    read -r url integrity < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["dist"]; print(d["tarball"], d["integrity"])' "$meta")
    curl -fsSL --max-time 120 "$url" -o "$scratch/axe.tgz"
    got="sha512-$(openssl dgst -sha512 -binary "$scratch/axe.tgz" | base64 -w0)"
    if [ "$got" != "$integrity" ]; then
      echo "ensure-axe: the tarball's checksum does not match the registry's; not installed" >&2
      exit 0
    fi
    rm -rf "$target" && mkdir -p "$target"
    tar -xzf "$scratch/axe.tgz" -C "$target" --strip-components=1
    echo "ensure-axe: done" >&2
    exit 0
  fi
fi
echo "ensure-axe: could not install axe-core (no npm, no registry access);" \
     "the accessibility tests will be skipped" >&2
exit 0
