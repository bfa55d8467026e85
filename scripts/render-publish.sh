#!/usr/bin/env bash
# Render what `competency publish` writes to pictures, to look at them:
#   the workbook  -> PDF (LibreOffice headless) -> one PNG per page (pdftoppm);
#   the handbook  -> one PNG per chosen page (headless Chromium --screenshot).
#
# Usage:
#   scripts/render-publish.sh OUT [MODEL [PEOPLE]]
#       publishes MODEL (default examples/software-engineering.yaml, with PEOPLE, default
#       examples/people.yaml) into OUT/published, then renders it into OUT/pictures;
#   scripts/render-publish.sh OUT --workbook FILE.xlsx --handbook DIR
#       renders an existing workbook and/or HTML handbook into OUT/pictures.
# Environment: COMPETENCY (the CLI; default .venv/bin/competency, else `competency`),
#   RENDER_DPI (workbook pages, default 60), RENDER_PAGES (handbook pages, relative to
#   DIR, default: the index, the scales, the guides and the first competency, role,
#   interview guide and job description), RENDER_SIZE (the browser window for the handbook,
#   WIDTHxHEIGHT, default 1200x1600; 400x900 looks at it as a phone would).
# Prints one line per picture written. Needs soffice, pdftoppm and chromium
# (scripts/ensure-render-tools.sh installs them).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,19p' "$0" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
workbook="" handbook=""
if [ "${1:-}" = "--workbook" ] || [ "${1:-}" = "--handbook" ]; then
  while [ $# -gt 0 ]; do
    case "$1" in
      --workbook) workbook=$(realpath "$2"); shift 2 ;;
      --handbook) handbook=$(realpath "$2"); shift 2 ;;
      *) echo "render-publish: unknown argument $1" >&2; exit 2 ;;
    esac
  done
else
  model=${1:-$root/examples/software-engineering.yaml}
  people=${2:-$root/examples/people.yaml}
  cli=${COMPETENCY:-$root/.venv/bin/competency}
  [ -x "$cli" ] || cli=competency
  workbook=$out/published/workbook.xlsx
  handbook=$out/published/handbook
  "$cli" publish "$model" --xlsx "$workbook" --html "$handbook" --people "$people" >/dev/null
fi

need() { command -v "$1" >/dev/null 2>&1; }
soffice=$(command -v soffice || command -v libreoffice || true)
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
pictures=$out/pictures
mkdir -p "$pictures"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [ -n "$workbook" ]; then
  [ -n "$soffice" ] && need pdftoppm || {
    echo "render-publish: soffice and pdftoppm are needed (scripts/ensure-render-tools.sh)" >&2; exit 3; }
  # a throw-away profile: no first-start dialogs, no clash with a running LibreOffice
  "$soffice" --headless --norestore "-env:UserInstallation=file://$scratch/profile" \
    --convert-to pdf --outdir "$scratch" "$workbook" >"$scratch/soffice.log" 2>&1 || true
  pdf=$scratch/$(basename "${workbook%.*}").pdf
  if [ ! -s "$pdf" ]; then
    echo "render-publish: LibreOffice did not convert $workbook:" >&2
    cat "$scratch/soffice.log" >&2
    exit 4
  fi
  cp "$pdf" "$pictures/workbook.pdf"
  rm -f "$pictures"/workbook-*.png
  pdftoppm -png -r "${RENDER_DPI:-60}" "$pdf" "$pictures/workbook"
  ls "$pictures"/workbook-*.png
fi

if [ -n "$handbook" ]; then
  [ -n "$chromium" ] || {
    echo "render-publish: chromium is needed (scripts/ensure-render-tools.sh)" >&2; exit 3; }
  if [ -n "${RENDER_PAGES:-}" ]; then
    read -r -a pages <<<"$RENDER_PAGES"
  else
    pages=(index.html scales.html guides/employees.html guides/managers.html guides/hr.html)
    for folder in competencies roles interviews job-descriptions; do
      first=$(find "$handbook/$folder" -name '*.html' 2>/dev/null | sort | head -1)
      [ -n "$first" ] && pages+=("${first#"$handbook"/}")
    done
  fi
  size=${RENDER_SIZE:-1200x1600}
  [[ $size =~ ^[0-9]+x[0-9]+$ ]] || { echo "render-publish: RENDER_SIZE is WIDTHxHEIGHT, not $size" >&2; exit 2; }
  for page in "${pages[@]}"; do
    [ -f "$handbook/$page" ] || { echo "render-publish: no page $handbook/$page" >&2; exit 4; }
    picture=$pictures/handbook-$(echo "${page%.html}" | tr '/' '-').png
    "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
      --user-data-dir="$scratch/chromium" --window-size="${size/x/,}" \
      --screenshot="$picture" "file://$handbook/$page" >"$scratch/chromium.log" 2>&1 || true
    if [ ! -s "$picture" ]; then
      echo "render-publish: Chromium did not render $page:" >&2
      cat "$scratch/chromium.log" >&2
      exit 4
    fi
    echo "$picture"
  done
fi
