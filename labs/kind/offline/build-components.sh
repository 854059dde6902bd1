#!/usr/bin/env bash
# Build the lab's other components from their Go modules, one cached output per component:
#   build-components.sh [NAME[@VERSION]...]   default: all at their pins; prints "NAME DIR" each
# Names: kind containerd runc crictl cni etcd coredns pause local-path kube-router kube-bench.
# Each output is $BIN_CACHE/<name>-<version>-<recipe>/ with the binaries and `.complete`; a
# component that did not finish is rebuilt from scratch on the next run (Go's caches keep the
# work already done).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ALL=(kind containerd runc crictl cni etcd coredns pause local-path kube-router kube-bench)
[ "$#" -gt 0 ] || set -- "${ALL[@]}"

# go install into DIR with the given env and flags.
gi() { # dir cgo tags ldflags pkg@version...
  local dir="$1" cgo="$2" tags="$3" ld="$4"
  shift 4
  GOBIN="$dir" CGO_ENABLED="$cgo" go install -trimpath -tags "$tags" -ldflags "-s -w $ld" "$@"
}

# A throw-away module that requires MODULE@VERSION and builds PKG from it: for commands whose own
# go.mod has replace lines (go install refuses those), and where `go install pkg@version` asks the
# proxy for the module's version list, which this partial proxy refuses for some modules.
module_build() { # dir name module@version pkg out [ldflags]
  local dir="$1" name="$2" modv="$3" pkg="$4" bin="$5" ld="${6:-}"
  local m="$OFFLINE_CACHE/build/$name"
  mkdir -p "$m"
  (
    cd "$m"
    rm -f go.mod go.sum
    go mod init "khl.invalid/$name" >/dev/null 2>&1
    go get "$modv" >/dev/null
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ld" -o "$dir/$bin" "$pkg"
  )
}

version_of() { # name
  case "$1" in
    kind) echo "$KIND_VERSION" ;;
    containerd) echo "$CONTAINERD_VERSION" ;;
    runc) echo "$RUNC_VERSION" ;;
    crictl) echo "$CRICTL_VERSION" ;;
    cni) echo "$CNI_PLUGINS_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    coredns) echo "$COREDNS_VERSION" ;;
    pause) echo 3.10.1 ;;
    local-path) echo "$LOCAL_PATH_VERSION" ;;
    kube-router) echo "$KUBE_ROUTER_VERSION" ;;
    kube-bench) echo "$KUBE_BENCH_VERSION" ;;
    *) die "unknown component: $1 (one of: ${ALL[*]})" ;;
  esac
}

# The recipes. Each branch ends with a line holding only ";;" (recipe_of reads them).
build_recipe() { # name version dir
  local name="$1" version="$2" dir="$3"
  case "$name" in
    kind)
      gi "$dir" 0 "" "" "sigs.k8s.io/kind@$version"
      ;;
    containerd)
      gi "$dir" 0 "no_btrfs" "-X github.com/containerd/containerd/v2/version.Version=$version" \
        "github.com/containerd/containerd/v2/cmd/containerd@$version" \
        "github.com/containerd/containerd/v2/cmd/ctr@$version" \
        "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$version"
      ;;
    runc)
      # runc needs cgo (its nsenter is C) and libseccomp for the seccomp tag.
      gi "$dir" 1 "seccomp" "-X main.version=${version#v}" "github.com/opencontainers/runc@$version"
      ;;
    crictl)
      gi "$dir" 0 "" "-X sigs.k8s.io/cri-tools/pkg/version.Version=$version" \
        "sigs.k8s.io/cri-tools/cmd/crictl@$version"
      ;;
    cni)
      local p=github.com/containernetworking/plugins/plugins
      gi "$dir" 0 "" "" "$p/main/bridge@$version" "$p/main/ptp@$version" "$p/main/loopback@$version" \
        "$p/ipam/host-local@$version" "$p/meta/portmap@$version"
      ;;
    etcd)
      module_build "$dir" etcd "go.etcd.io/etcd/server/v3@$version" go.etcd.io/etcd/server/v3 etcd
      # etcdctl of the same release where the proxy serves it, else of the pinned one (the v3 API
      # client is the same).
      module_build "$dir" etcdctl "go.etcd.io/etcd/etcdctl/v3@$version" go.etcd.io/etcd/etcdctl/v3 etcdctl ||
        module_build "$dir" etcdctl "go.etcd.io/etcd/etcdctl/v3@$ETCD_VERSION" go.etcd.io/etcd/etcdctl/v3 etcdctl
      ;;
    coredns)
      gi "$dir" 0 "" "" "github.com/coredns/coredns@$version"
      ;;
    pause)
      local m="$OFFLINE_CACHE/build/pause"
      mkdir -p "$m"
      cp "$OFFLINE_DIR/pause/main.go" "$m/"
      printf 'module khl.invalid/pause\n\ngo 1.22\n' > "$m/go.mod"
      (cd "$m" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$dir/pause" .)
      ;;
    local-path)
      gi "$dir" 0 "" "" "github.com/rancher/local-path-provisioner@$version"
      ;;
    kube-router)
      gi "$dir" 0 "" "-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$version" \
        "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$version"
      ;;
    kube-bench)
      module_build "$dir" kube-bench "github.com/aquasecurity/kube-bench@$version" \
        github.com/aquasecurity/kube-bench kube-bench \
        "-X github.com/aquasecurity/kube-bench/cmd.KubeBenchVersion=$version"
      # kube-bench reads its benchmark definitions at run time from cfg/ (shipped in its module).
      cp -r "$GOMODCACHE/github.com/aquasecurity/kube-bench@$version/cfg" "$dir/cfg"
      chmod -R u+w "$dir/cfg"
      ;;
  esac
}

# A component's recipe: the Go version, its branch of build_recipe (and pause's source), so a
# change to one recipe rebuilds only that component.
recipe_of() { # name
  {
    go version
    sed -n "/^    $1)\$/,/^      ;;\$/p" "$0"
    if [ "$1" = pause ]; then cat "$OFFLINE_DIR/pause/main.go"; fi
  } | sha_of
}

build_one() { # name[@version]
  local name="${1%@*}" version dir
  if [[ "$1" == *@* ]]; then version="${1#*@}"; else version="$(version_of "$name")"; fi
  dir="$(component_dir "$name" "$version" "$(recipe_of "$name")")"
  if is_complete "$dir"; then
    log "$name $version: cached"
    RESULTS+=("$name $dir")
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  local t=$SECONDS
  log "$name $version: building"
  build_recipe "$name" "$version" "$dir"
  printf '%s\n' "$version" > "$dir/version"
  mark_complete "$dir" "$((SECONDS - t))"
  # Builds of this version by an older recipe are dead weight.
  for old in "$BIN_CACHE/$name-$version"-*; do
    [ "$old" = "$dir" ] || rm -rf "$old"
  done
  log "$name $version: built in $((SECONDS - t)) s"
  RESULTS+=("$name $dir")
}

RESULTS=()
for n in "$@"; do build_one "$n"; done
printf '%s\n' "${RESULTS[@]}"
