#!/usr/bin/env bash
# `npm run lint:sh`: shellcheck over every shell script of the project. shellcheck is Debian's
# `shellcheck` package: on a fresh Debian machine run as root (CI) it is installed here, so the
# README's `npm ci && npm test` needs nothing else; elsewhere this says how to get it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v shellcheck >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "shellcheck: installing Debian's package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends shellcheck >/dev/null 2>&1 ||
      { apt-get update -o Acquire::Retries=3 >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends shellcheck >/dev/null; }
  else
    echo "shellcheck is not installed: apt-get install shellcheck (Debian/Ubuntu), brew install shellcheck (macOS)" >&2
    exit 1
  fi
fi
shopt -s nullglob
exec shellcheck -x -P SCRIPTDIR shell/node/*.sh shell/pod/*.sh shell/record/*.sh scenarios/_lib/*.sh scenarios/*/*.sh scripts/*.sh .ci/run \
  labs/kind/offline/*.sh labs/kind/offline/images/*.sh labs/kind/offline/node/usr/local/bin/entrypoint
