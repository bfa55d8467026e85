#!/usr/bin/env bash
# Make sure PHP's CLI and the extensions Moodle 5.1 needs are installed: the Moodle tests
# (tests/adapters/moodle) and benchmarks/bench_moodle.py install and serve a real Moodle
# from ../shared/moodle/moodle-5.1.tar.xz with them.
#
# Quiet and quick when they are present. Otherwise installs them from the OS packages
# (apt-get: php-cli and the extensions; dnf/yum; apk), as root or through passwordless
# sudo. If that is impossible it warns and exits 0: the real-Moodle tests then fail under
# CI (CI=true) and are skipped with the reason elsewhere.
set -euo pipefail

EXTENSIONS=(pgsql mbstring curl xml zip gd intl soap)

missing_extensions() {
  command -v php >/dev/null 2>&1 || { echo "php"; return; }
  local have
  have="$(php -m 2>/dev/null | tr '[:upper:]' '[:lower:]')"
  local e
  for e in "${EXTENSIONS[@]}"; do
    if [ "$e" = xml ]; then
      grep -qx "simplexml" <<<"$have" || echo "$e"
    else
      grep -qx "$e" <<<"$have" || echo "$e"
    fi
  done
}

[ -z "$(missing_extensions)" ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    echo "ensure-php: PHP or its extensions are missing ($(missing_extensions | tr '\n' ' '))" \
         "and this user cannot install packages (not root, no passwordless sudo)" >&2
    exit 0
  fi
fi

echo "ensure-php: installing PHP and the extensions Moodle needs from the OS packages..." >&2
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends php-cli \
    $(printf 'php-%s ' "${EXTENSIONS[@]}") >/dev/null
elif command -v dnf >/dev/null 2>&1; then
  "${sudo_cmd[@]}" dnf install -y -q php-cli php-pgsql php-mbstring php-xml php-gd php-intl \
    php-soap php-pecl-zip >/dev/null
elif command -v yum >/dev/null 2>&1; then
  "${sudo_cmd[@]}" yum install -y -q php-cli php-pgsql php-mbstring php-xml php-gd php-intl \
    php-soap >/dev/null
elif command -v apk >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apk add --quiet php php-pgsql php-mbstring php-curl php-xml php-simplexml \
    php-zip php-gd php-intl php-soap php-ctype php-dom php-iconv php-fileinfo php-tokenizer \
    php-xmlreader php-sodium php-opcache php-session >/dev/null
else
  echo "ensure-php: no supported package manager found; install PHP 8.2+ by hand" >&2
  exit 0
fi

left="$(missing_extensions | tr '\n' ' ')"
if [ -z "$left" ]; then
  echo "ensure-php: $(php -r 'echo PHP_VERSION;') installed with ${EXTENSIONS[*]}" >&2
else
  echo "ensure-php: installation finished but these are still missing: $left" >&2
fi
