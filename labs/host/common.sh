#!/usr/bin/env bash
# Shared settings and helpers for the host lab scripts. Sourced, never run.
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.20.2}"
# Debian source package that carries Kubernetes v1.20.2 with its vendor/ tree.
K8S_DEB_SOURCE="kubernetes"
LAB_CLUSTER="${LAB_CLUSTER:-k8s-harden-lab}"

# Everything machine-wide lives under these roots; `down` removes LAB_RUN_ROOT/LAB_VAR_ROOT
# runtime state but keeps LAB_CACHE (binaries, node image) so the next `up` is warm.
LAB_CACHE="${LAB_CACHE:-/var/cache/k8s-harden-lab}"
LAB_VAR_ROOT="${LAB_VAR_ROOT:-/var/lib/k8s-harden-lab}"
LAB_RUN_ROOT="${LAB_RUN_ROOT:-/run/k8s-harden-lab}"

# The project's private Docker Engine: never the user's own daemon.
LAB_DOCKER_SOCK="${LAB_DOCKER_SOCK:-${LAB_RUN_ROOT}/docker.sock}"
LAB_DOCKER_HOST="unix://${LAB_DOCKER_SOCK}"
LAB_DOCKER_DATA="${LAB_VAR_ROOT}/docker"
LAB_DOCKER_EXEC="${LAB_RUN_ROOT}/docker-exec"
LAB_DOCKER_PID="${LAB_RUN_ROOT}/docker.pid"
LAB_DOCKER_BRIDGE="${LAB_DOCKER_BRIDGE:-khl-docker0}"
LAB_DOCKER_BIP="${LAB_DOCKER_BIP:-172.31.255.1/24}"

# The lab's node network (a Docker bridge network on our daemon).
LAB_NET_NAME="${LAB_NET_NAME:-${LAB_CLUSTER}}"
LAB_NET_SUBNET="${LAB_NET_SUBNET:-172.30.0.0/24}"
LAB_NET_GATEWAY="${LAB_NET_GATEWAY:-172.30.0.1}"
LAB_NET_BRIDGE="${LAB_NET_BRIDGE:-khl-br0}"

LAB_HOST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# docker CLI bound to our daemon. API version pinned to what Debian's dockerd 20.10 speaks, so a
# newer client (e.g. docker 28 in /usr/local/bin) never asks for a newer API.
dk() { DOCKER_API_VERSION=1.41 docker -H "${LAB_DOCKER_HOST}" "$@"; }

need_root() { [ "$(id -u)" -eq 0 ] || die "the host lab needs root"; }

sha_of() { sha256sum | cut -c1-16; }
