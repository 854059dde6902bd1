#!/usr/bin/env bash
# Step: install the Debian packages the offline lab build and its engine need (idempotent).
# A policy-rc.d refuses service starts during the install and the units are disabled afterwards:
# no system Docker or containerd is ever started; the lab's engine is started by engine.sh.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
need_root

PKGS=(
  docker.io mmdebstrap busybox-static jq iptables ipset iproute2 conntrack
  gcc libc6-dev pkg-config libseccomp-dev ca-certificates curl xz-utils pigz util-linux
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  log "packages: all present"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log "packages: apt-get update"
# Unreachable third-party sources must not fail the update: only Debian's archive matters here.
apt-get update -o Acquire::Retries=3 >&2 || log "apt-get update reported errors (ignored)"
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$POLICY"
  chmod +x "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi
log "packages: installing ${missing[*]}"
apt-get install -y --no-install-recommends "${missing[@]}" >&2
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable docker.service docker.socket containerd.service >/dev/null 2>&1 || true
fi
log "packages: ready"
