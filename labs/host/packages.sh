#!/usr/bin/env bash
# Step: install the Debian packages the host lab needs (idempotent).
# Never starts or enables a system Docker/containerd service: a policy-rc.d refuses service starts
# during the install, and our own dockerd is started later by engine.sh with private paths.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
need_root

PKGS=(
  docker.io containerd runc mmdebstrap golang-go rsync busybox-static etcd-server
  containernetworking-plugins golang-github-modern-go-reflect2-dev dpkg-dev
  iptables iproute2 conntrack socat jq curl ca-certificates xz-utils make
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# deb-src is needed for `apt-get source kubernetes`.
SRC_LIST=/etc/apt/sources.list.d/k8s-harden-lab-src.sources
need_update=0
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "adding a deb-src entry for bookworm ($SRC_LIST)"
  cat > "$SRC_LIST" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  need_update=1
fi

if [ "${#missing[@]}" -eq 0 ] && [ "$need_update" -eq 0 ]; then
  log "all packages present"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Unreachable third-party sources must not fail the update: only Debian's archive matters here.
log "apt-get update"
apt-get update -o Acquire::Retries=3 || log "apt-get update reported errors (ignored; Debian archive is what matters)"

if [ "${#missing[@]}" -gt 0 ]; then
  POLICY=/usr/sbin/policy-rc.d
  had_policy=0
  [ -e "$POLICY" ] && had_policy=1
  if [ "$had_policy" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > "$POLICY"
    chmod +x "$POLICY"
    trap 'rm -f "$POLICY"' EXIT
  fi
  log "installing: ${missing[*]}"
  apt-get install -y --no-install-recommends "${missing[@]}"
  # Packages enable their units for the next boot; the lab must never start a system daemon.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable docker.service docker.socket containerd.service etcd.service >/dev/null 2>&1 || true
  fi
fi
log "packages ready"
