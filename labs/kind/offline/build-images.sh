#!/usr/bin/env bash
# Build the pod images a lab node needs for one Kubernetes version, as OCI tarballs:
#   build-images.sh K8S_DIR COMPONENTS_FILE      prints the output directory on the last line
# K8S_DIR is build-k8s.sh's output (binaries + images.txt, kubeadm's own image list);
# COMPONENTS_FILE holds build-components.sh's "name dir" lines. The control-plane images get
# exactly the names kubeadm asks for; the lab's own images are named k8s-harden-lab.local/*.
# Output: <dir>/*.tar and <dir>/images.list ("ref tarball" per line). Cached by inputs.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

k8s_dir="$1" components="$2"
[ -f "$k8s_dir/.complete" ] || die "no finished Kubernetes build in $k8s_dir"
comp() { awk -v n="$1" '$1 == n { print $2 }' "$components"; }
ref_of() { grep -E "/$1:" "$k8s_dir/images.txt" | head -n1; }

# etcd and CoreDNS at exactly the releases kubeadm names (registry.k8s.io/etcd:3.6.5-0 holds etcd
# v3.6.5), built like the other components; the pinned release stands in only when the proxy does
# not serve that one, and says so.
exact() { # name version-from-kubeadm
  local dir
  if dir="$(bash "$OFFLINE_DIR/build-components.sh" "$1@$2" | awk '{ print $2 }')" && [ -n "$dir" ]; then
    echo "$dir"
  else
    log "$1 $2 (kubeadm's) cannot be built here: using $(comp "$1" | xargs basename)"
    comp "$1"
  fi
}
etcd_tag="$(ref_of etcd)"
etcd_tag="${etcd_tag##*:}"
coredns_tag="$(ref_of coredns)"
coredns_tag="${coredns_tag##*:}"
etcd_dir="$(exact etcd "v${etcd_tag%-*}")"
coredns_dir="$(exact coredns "$coredns_tag")"
K="$(sed -n 's#.*/kube-apiserver:##p' "$k8s_dir/images.txt")"
[ -n "$K" ] || die "$k8s_dir/images.txt names no kube-apiserver image"

inputs="$(
  {
    basename "$k8s_dir"
    awk '{ print $2 }' "$components" | xargs -n1 basename
    basename -a "$etcd_dir" "$coredns_dir"
    cat "$0" "$OFFLINE_DIR/mkoci.sh" "$OFFLINE_DIR/images/iptables-wrapper.sh"
  } | sha_of
)"
out="$OFFLINE_CACHE/images/$K-$inputs"
if is_complete "$out"; then
  log "pod images for $K: cached"
  echo "$out"
  exit 0
fi
rm -rf "$out"
mkdir -p "$out"
work="$OFFLINE_CACHE/build/images-$K"
rm -rf "$work"
mkdir -p "$work"
started=$SECONDS

# --- the layer every image but pause shares ---------------------------------------------------
# A small Debian (glibc, so name lookups work; Debian's static busybox crashes in wget and nc)
# with the netfilter tools kube-proxy and kube-router need, and busybox for the applets Debian
# does not ship (httpd, wget, nslookup…), so workloads and `crictl exec` shells have tools.
# containerd stores a shared layer once.
base="$work/base"
log "debian base layer (mmdebstrap)"
# shellcheck disable=SC2016  # "$1" is expanded by mmdebstrap: the rootfs being built
mmdebstrap --quiet --variant=minbase \
  --include=busybox,iptables,ipset,iproute2,conntrack,kmod,ca-certificates,curl,netcat-openbsd,procps \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/usr/share/doc "$1"/usr/share/man "$1"/usr/share/locale "$1"/usr/share/info' \
  bookworm "$base.tar" >/dev/null
mkdir -p "$base"
tar -C "$base" -xf "$base.tar"
rm -f "$base.tar"
for applet in $(chroot "$base" /bin/busybox --list); do
  if ! chroot "$base" sh -c "command -v $applet" >/dev/null 2>&1; then
    ln -s /bin/busybox "$base/usr/local/bin/$applet"
  fi
done
# The node picks iptables' legacy or nft backend; these images follow whichever the node uses.
install -m 0755 "$OFFLINE_DIR/images/iptables-wrapper.sh" "$base/usr/sbin/khl-iptables-wrapper"
for c in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sfn khl-iptables-wrapper "$base/usr/sbin/$c"
done

one_binary_layer() { # dir src dest-path
  mkdir -p "$1$(dirname "$3")"
  install -m 0755 "$2" "$1$3"
}

image() { # name ref entrypoint cmd layer...
  local name="$1" ref="$2" ep="$3" cmd="$4"
  shift 4
  log "image $ref"
  bash "$OFFLINE_DIR/mkoci.sh" "$out/$name.tar" "$ref" "$ep" "$cmd" "$@"
  printf '%s %s\n' "$ref" "$name.tar" >> "$out/images.list.partial"
}

# --- Kubernetes ------------------------------------------------------------------------------
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  l="$work/layer-$c"
  one_binary_layer "$l" "$k8s_dir/bin/$c" "/usr/local/bin/$c"
  image "$c" "$(ref_of "$c")" "[\"/usr/local/bin/$c\"]" null "$base" "$l"
done
l="$work/layer-kube-proxy"
one_binary_layer "$l" "$k8s_dir/bin/kube-proxy" /usr/local/bin/kube-proxy
image kube-proxy "$(ref_of kube-proxy)" '["/usr/local/bin/kube-proxy"]' null "$base" "$l"

l="$work/layer-etcd"
one_binary_layer "$l" "$etcd_dir/etcd" /usr/local/bin/etcd
one_binary_layer "$l" "$etcd_dir/etcdctl" /usr/local/bin/etcdctl
image etcd "$(ref_of etcd)" '["/usr/local/bin/etcd"]' null "$base" "$l"

l="$work/layer-coredns"
one_binary_layer "$l" "$coredns_dir/coredns" /coredns
image coredns "$(ref_of coredns)" '["/coredns"]' null "$base" "$l"

l="$work/layer-pause"
one_binary_layer "$l" "$(comp pause)/pause" /pause
image pause "$(ref_of pause)" '["/pause"]' null "$l"

# --- the lab's own images --------------------------------------------------------------------
l="$work/layer-kube-router"
one_binary_layer "$l" "$(comp kube-router)/kube-router" /usr/local/bin/kube-router
image kube-router "k8s-harden-lab.local/kube-router:$(cat "$(comp kube-router)/version")" \
  '["/usr/local/bin/kube-router"]' null "$base" "$l"

l="$work/layer-local-path"
one_binary_layer "$l" "$(comp local-path)/local-path-provisioner" /usr/local/bin/local-path-provisioner
image local-path-provisioner \
  "k8s-harden-lab.local/local-path-provisioner:$(cat "$(comp local-path)/version")" \
  '["/usr/local/bin/local-path-provisioner"]' null "$base" "$l"

# Workloads and the storage helper: busybox, under a tag that no registry has.
image busybox "k8s-harden-lab.local/busybox:lab" null '["sh"]' "$base"

mv "$out/images.list.partial" "$out/images.list"
rm -rf "$work"
# Older builds of this version's images (other recipes) are dead weight.
for old in "$OFFLINE_CACHE/images/$K"-*; do
  [ "$old" = "$out" ] || rm -rf "$old"
done
mark_complete "$out" "$((SECONDS - started))"
log "pod images for $K: $(wc -l < "$out/images.list") images in $((SECONDS - started)) s"
echo "$out"
