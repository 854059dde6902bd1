#!/usr/bin/env bash
# Step: build Kubernetes binaries from Debian's `kubernetes` source package, once per machine.
# Output: $LAB_CACHE/k8s/<source version>-<patch hash>/bin/{kubeadm,kubelet,kubectl,kube-*}
# The key covers the source version and RECIPE (bump it whenever the patches or build flags below
# change), so every clone of the project on this machine reuses one build.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
need_root

BINS=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler)

src_version="$(apt-cache showsrc "$K8S_DEB_SOURCE" | sed -n 's/^Version: //p' | sort -V | tail -n1)"
[ -n "$src_version" ] || die "no source package '$K8S_DEB_SOURCE' (is a deb-src entry configured?)"
RECIPE="reflect2=1.0.2;cgo=0;git=${K8S_VERSION};bins=${BINS[*]};go=$(/usr/lib/go/bin/go version 2>/dev/null || echo none)"
recipe_hash="$(printf '%s' "$RECIPE" | sha_of)"
key="${src_version//[^A-Za-z0-9.+-]/_}-${recipe_hash}"
out="$LAB_CACHE/k8s/$key"

if [ -f "$out/.complete" ]; then
  log "cached build: $out"
  ln -sfn "$key" "$LAB_CACHE/k8s/current"
  exit 0
fi

work="$LAB_CACHE/build/$key"
mkdir -p "$LAB_CACHE/src" "$work"
cd "$LAB_CACHE/src"
# shellcheck disable=SC2012  # Debian source file names are plain
dsc="$(ls "${K8S_DEB_SOURCE}_"*.dsc 2>/dev/null | head -n1 || true)"
if [ -z "$dsc" ] || ! grep -q "^Version: ${src_version}$" "$dsc"; then
  log "downloading source package $K8S_DEB_SOURCE $src_version"
  apt-get source --download-only "$K8S_DEB_SOURCE=$src_version"
  # shellcheck disable=SC2012
  dsc="$(ls "${K8S_DEB_SOURCE}_"*.dsc | head -n1)"
fi

tree="$work/kubernetes"
if [ ! -f "$tree/.extracted" ]; then
  rm -rf "$tree"
  log "extracting $dsc (Debian patches applied)"
  dpkg-source --no-check -x "$LAB_CACHE/src/$dsc" "$tree"
  # Fix: vendored reflect2 v1.0.1 crashes under Go >= 1.18 (nil deref in UnsafeMapType.Key during
  # `kubeadm init`). Use Debian's reflect2 1.0.2 source instead.
  r2=/usr/share/gocode/src/github.com/modern-go/reflect2
  [ -d "$r2" ] || die "missing $r2 (package golang-github-modern-go-reflect2-dev)"
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  mkdir -p "$tree/vendor/github.com/modern-go/reflect2"
  cp -r "$r2/." "$tree/vendor/github.com/modern-go/reflect2/"
  find "$tree/vendor/github.com/modern-go/reflect2" -name '*_test.go' -delete
  sed -i 's#github.com/modern-go/reflect2 v1.0.1#github.com/modern-go/reflect2 v1.0.2#' \
    "$tree/go.mod" "$tree/vendor/modules.txt"
  find "$tree/staging" -name go.mod -exec sed -i 's#github.com/modern-go/reflect2 v1.0.1#github.com/modern-go/reflect2 v1.0.2#' {} +
  touch "$tree/.extracted"
fi

cd "$tree"
# A failed build can leave empty binaries behind that break the next run.
rm -rf _output
mkdir -p .go/src/k8s.io
[ -L .go/src/k8s.io/kubernetes ] || ln -s ../../.. .go/src/k8s.io/kubernetes
export GOPATH="$tree/.go" CGO_ENABLED=0 PATH="/usr/lib/go/bin:$PATH"
export GOCACHE="$LAB_CACHE/gocache" HOME="$work/home"
export KUBE_GIT_VERSION="$K8S_VERSION" KUBE_GIT_TREE_STATE=clean KUBE_GIT_COMMIT=faecb196815e248d3ecfb03c680a4507229c2a56
mkdir -p "$HOME"
what=""
for b in "${BINS[@]}"; do what="$what cmd/$b"; done
log "make WHAT=\"${what# }\" (takes several minutes on a cold cache)"
build_started=$SECONDS
make WHAT="${what# }"

mkdir -p "$out/bin"
for b in "${BINS[@]}"; do
  [ -s "_output/bin/$b" ] || die "build produced no $b"
  install -m 0755 "_output/bin/$b" "$out/bin/$b"
done
"$out/bin/kubeadm" version -o short
printf '%s\n' "$src_version" > "$out/source-version"
# Recorded for the benchmark (cold build figure).
echo "$((SECONDS - build_started))" > "$out/build-seconds"
touch "$out/.complete"
ln -sfn "$key" "$LAB_CACHE/k8s/current"
# Keep the source tree only until success: it is 1+ GB and fully reproducible.
rm -rf "$work"
log "built into $out"
