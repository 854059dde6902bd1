#!/usr/bin/env bash
# Package a Kubernetes build's kubeadm, kubelet and kubectl as .debs, the way the upstream package
# repository names them (kubeadm_1.34.12-1.1_amd64.deb), and (re)write the flat apt repository in
# OUT_DIR, so a node can `apt-get install kubeadm=1.34.12-1.1` offline:
#   make-debs.sh OUT_DIR K8S_DIR...
# The packages hold the binaries only: the node image brings its own units and drop-ins.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

out="$1"
shift
mkdir -p "$out"
for k8s_dir in "$@"; do
  v="$("$k8s_dir/bin/kubeadm" version -o short)"
  deb_version="${v#v}-1.1"
  for pkg in kubeadm kubelet kubectl; do
    file="$out/${pkg}_${deb_version}_amd64.deb"
    [ -f "$file" ] && continue
    tree="$(mktemp -d)"
    mkdir -p "$tree/DEBIAN" "$tree/usr/bin"
    install -m 0755 "$k8s_dir/bin/$pkg" "$tree/usr/bin/$pkg"
    cat > "$tree/DEBIAN/control" <<CONTROL
Package: $pkg
Version: $deb_version
Architecture: amd64
Maintainer: k8s-harden-lab <lab@k8s-harden-lab.local>
Section: admin
Priority: optional
Description: Kubernetes $pkg $v, built offline from its Go module for the lab
CONTROL
    dpkg-deb --root-owner-group --build "$tree" "$file.partial" >/dev/null
    mv "$file.partial" "$file"
    rm -rf "$tree"
  done
done

# The index apt reads (a flat repository: `deb [trusted=yes] file:/… ./`).
(
  cd "$out"
  : > Packages
  for deb in *.deb; do
    dpkg-deb -f "$deb" Package Version Architecture Maintainer Section Priority Description >> Packages
    printf 'Filename: ./%s\nSize: %s\nSHA256: %s\n\n' "$deb" "$(stat -c %s "$deb")" \
      "$(sha256sum "$deb" | cut -d' ' -f1)" >> Packages
  done
  gzip -9nkf Packages
)
log "apt repository in $out: $(find "$out" -name '*.deb' | wc -l) packages"
