#!/usr/bin/env bash
# `npm run lint:sh`: shellcheck over every shell script of the project except labs/host/ (being
# replaced). shellcheck is the Debian package `shellcheck` (apt-get install shellcheck).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck is not installed: apt-get install shellcheck (Debian/Ubuntu), brew install shellcheck (macOS)" >&2
  exit 1
fi
shopt -s nullglob
exec shellcheck -x -P SCRIPTDIR shell/node/*.sh scenarios/_lib/*.sh scenarios/*/*.sh scripts/*.sh .ci/run
