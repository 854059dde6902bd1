#!/usr/bin/env bash
# Build the Kubernetes binaries of one version from the k8s.io/kubernetes Go module.
#   build-k8s.sh VERSION      e.g. v1.34.12; prints the output directory on the last line
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces every staging module with
# ./staging/...), so a throw-away module of our own requires it and points each staging module at
# its published v0.X.Y twin. Versions are stamped the way hack/lib/version.sh does, so kubectl and
# kubeadm report the real version. Cached by version and by this script's hash.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

K="${1:-$K8S_DEFAULT_VERSION}"
[[ "$K" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "not a Kubernetes version: $K (want v1.MINOR.PATCH)"
minor="${BASH_REMATCH[1]}"
S="v0.${K#v1.}"
BINS=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy)
out="$(component_dir kubernetes "$K" "$(recipe_hash "$0")")"

if is_complete "$out"; then
  log "kubernetes $K: cached ($out)"
  echo "$out"
  exit 0
fi

mod="$OFFLINE_CACHE/build/k8s-$K"
mkdir -p "$mod" "$out/bin"
cd "$mod"
started=$SECONDS

log "kubernetes $K: resolving modules (k8s.io/kubernetes@$K, staging modules @$S)"
gomod="$(go mod download -json "k8s.io/kubernetes@$K" | jq -r '.GoMod // empty')"
[ -n "$gomod" ] || die "the Go proxy does not serve k8s.io/kubernetes@$K"
rm -f go.mod go.sum
go mod init khl.invalid/k8sbuild >/dev/null 2>&1
# The main module decides GODEBUG defaults: keep Kubernetes' own.
godebug="$(sed -n 's/^godebug //p' "$gomod")"
go_line="$(sed -n 's/^go //p' "$gomod")"
go mod edit -go="$go_line"
[ -n "$godebug" ] && go mod edit -godebug="$godebug"
sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$gomod" |
  while read -r m; do go mod edit -replace "$m=$m@$S"; done
go mod edit -require "k8s.io/kubernetes@$K"
pkgs=()
for b in "${BINS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
log "kubernetes $K: downloading the module graph (first time: a few minutes)"
go get "${pkgs[@]/%/@$K}" >/dev/null

ld="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld="$ld -X $p.gitVersion=$K -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  ld="$ld -X $p.gitCommit=module-$K -X $p.buildDate=1970-01-01T00:00:00Z"
done
for b in "${BINS[@]}"; do
  if [ -s "$out/bin/$b" ] && [ -f "$out/bin/.$b.done" ]; then
    log "kubernetes $K: $b already built"
    continue
  fi
  t=$SECONDS
  log "kubernetes $K: building $b"
  # The kubelet is the one non-static binary upstream (cgo for its host integrations).
  cgo=0
  [ "$b" = kubelet ] && cgo=1
  CGO_ENABLED=$cgo go build -trimpath -tags selinux,notest -ldflags "$ld" -o "$out/bin/$b.partial" \
    "k8s.io/kubernetes/cmd/$b"
  mv "$out/bin/$b.partial" "$out/bin/$b"
  echo "$((SECONDS - t))" > "$out/bin/.$b.done"
  log "kubernetes $K: $b built in $((SECONDS - t)) s"
done

got="$("$out/bin/kubeadm" version -o short)"
[ "$got" = "$K" ] || die "kubeadm reports $got, expected $K"
"$out/bin/kubeadm" config images list --kubernetes-version "$K" > "$out/images.txt"
mark_complete "$out" "$((SECONDS - started))"
# Builds of this version by an older recipe are dead weight.
for old in "$BIN_CACHE/kubernetes-$K"-*; do
  [ "$old" = "$out" ] || rm -rf "$old"
done
log "kubernetes $K: done in $((SECONDS - started)) s -> $out"
echo "$out"
