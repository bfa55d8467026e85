#!/usr/bin/env bash
# Make sure the tools that turn published output into pictures are installed: LibreOffice
# (soffice, the workbook to PDF), poppler (pdftoppm, PDF pages to PNG) and Chromium (HTML
# pages to PNG). tests/publish and scripts/render-publish.sh use them.
#
# Quiet and quick when they are present. Otherwise installs what is missing from the OS
# packages (apt-get; dnf/yum; apk), as root or through passwordless sudo. If that is
# impossible it warns and exits 0: the rendering tests are then skipped with the reason.
set -euo pipefail

missing=()
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || missing+=(libreoffice)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    echo "ensure-render-tools: missing ${missing[*]} and this user cannot install packages" \
         "(not root, no passwordless sudo); install them by hand to run the rendering tests" >&2
    exit 0
  fi
fi

# the package names of each missing tool, per package manager
packages() {
  local manager=$1 tool
  for tool in "${missing[@]}"; do
    case "$manager:$tool" in
      apt:libreoffice) echo libreoffice-calc-nogui ;;
      apt:poppler) echo poppler-utils ;;
      apt:chromium) echo chromium ;;
      dnf:libreoffice) echo libreoffice-calc ;;
      dnf:poppler) echo poppler-utils ;;
      dnf:chromium) echo chromium ;;
      apk:libreoffice) echo libreoffice-calc ;;
      apk:poppler) echo poppler-utils ;;
      apk:chromium) echo chromium ;;
    esac
  done
}

echo "ensure-render-tools: installing ${missing[*]} from the OS packages..." >&2
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  # shellcheck disable=SC2046
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends $(packages apt) fonts-dejavu-core >/dev/null
elif command -v dnf >/dev/null 2>&1; then
  # shellcheck disable=SC2046
  "${sudo_cmd[@]}" dnf install -y -q $(packages dnf) >/dev/null
elif command -v yum >/dev/null 2>&1; then
  # shellcheck disable=SC2046
  "${sudo_cmd[@]}" yum install -y -q $(packages dnf) >/dev/null
elif command -v apk >/dev/null 2>&1; then
  # shellcheck disable=SC2046
  "${sudo_cmd[@]}" apk add --quiet $(packages apk) >/dev/null
else
  echo "ensure-render-tools: no supported package manager found; install ${missing[*]} by hand" >&2
  exit 0
fi
echo "ensure-render-tools: done" >&2
