#!/usr/bin/env bash
# Shared settings for the offline lab build (kind + a node image made from Go modules). Sourced.
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

set -euo pipefail

OFFLINE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$OFFLINE_DIR/versions.env"

# Machine-wide cache, shared by every clone on the machine (CI reuses it run after run).
LAB_CACHE="${LAB_CACHE:-${K8S_HARDEN_LAB_CACHE:-/var/cache/k8s-harden-lab}}"
OFFLINE_CACHE="$LAB_CACHE/offline"
BIN_CACHE="$OFFLINE_CACHE/bin"
# The lab's own container engine (Debian's dockerd): own socket, data root and state, never a
# user's Docker.
LAB_VAR_ROOT="${LAB_VAR_ROOT:-/var/lib/k8s-harden-lab}"
LAB_RUN_ROOT="${LAB_RUN_ROOT:-/run/k8s-harden-lab}"
LAB_DOCKER_SOCK="${LAB_DOCKER_SOCK:-$LAB_RUN_ROOT/kind-engine.sock}"
LAB_DOCKER_HOST="unix://$LAB_DOCKER_SOCK"

# Go: modules and build cache live in the machine cache; never fetch a toolchain.
export GOMODCACHE="$LAB_CACHE/go/mod"
export GOCACHE="$LAB_CACHE/go/build"
export GOTOOLCHAIN=local
export GOFLAGS=-mod=mod
export GOPATH="$LAB_CACHE/go/path"
export GONOSUMDB="${GONOSUMDB:-}"
export PATH="/usr/local/go/bin:$PATH"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || die "building the offline lab needs root"; }
sha_of() { sha256sum | cut -c1-16; }

# docker CLI bound to the lab's engine. API pinned to what Debian's dockerd 20.10 speaks.
dk() { DOCKER_API_VERSION=1.41 docker -H "$LAB_DOCKER_HOST" "$@"; }

# The hash of a recipe: the files that shape an output plus the Go version.
recipe_hash() { # files...
  { go version; cat "$@"; } | sha_of
}

# A cached output directory is complete when it holds `.complete`; partial ones are redone, so an
# interrupted build resumes at the first step that did not finish.
is_complete() { [ -f "$1/.complete" ]; }
mark_complete() { # dir seconds
  printf '%s\n' "$2" > "$1/build-seconds"
  touch "$1/.complete"
}

# Staged output for one component version: $BIN_CACHE/<name>-<version>-<recipe>.
component_dir() { # name version recipe
  printf '%s/%s-%s-%s' "$BIN_CACHE" "$1" "$2" "$3"
}
