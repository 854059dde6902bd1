#!/usr/bin/env bash
# Step: build the node image (Debian rootfs + Kubernetes binaries + kind-like units + preloaded
# OCI images) and import it into the lab's Docker Engine. No registry and no `docker build`:
# mmdebstrap writes the rootfs, customize hooks add our files, `docker import` makes the image.
# Prints the image reference on the last line of stdout. Cached by the hash of its inputs.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
need_root

k8s_dir="$(readlink -f "$LAB_CACHE/k8s/current" || true)"
if [ -z "$k8s_dir" ] || [ ! -f "$k8s_dir/.complete" ]; then
  die "no Kubernetes build in $LAB_CACHE/k8s (run build-k8s.sh)"
fi
bin="$k8s_dir/bin"

NODE_PKGS="systemd,systemd-sysv,dbus,containerd,runc,containernetworking-plugins,iptables,iproute2,conntrack,ethtool,socat,curl,openssl,ca-certificates,procps,kmod,mount,util-linux,busybox-static,jq,less,nano,vim-tiny,bash-completion,iputils-ping,psmisc"

inputs_hash="$(
  {
    basename "$k8s_dir"
    echo "$NODE_PKGS"
    cat "$0" "$LAB_HOST_DIR/mkoci.sh" "$LAB_HOST_DIR/pause/main.go"
    (cd "$LAB_HOST_DIR/node" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  } | sha_of
)"
image="k8s-harden-lab/node:${K8S_VERSION}-${inputs_hash}"

if dk image inspect "$image" >/dev/null 2>&1; then
  log "node image cached: $image"
  echo "$image"
  exit 0
fi

work="$LAB_CACHE/image-build/$inputs_hash"
rm -rf "$work"
mkdir -p "$work/overlay/usr/bin" "$work/overlay/kind/images" "$work/oci"
ov="$work/overlay"

# --- OCI images for containerd ------------------------------------------------------------
busybox_rootfs() { # dir
  mkdir -p "$1/bin" "$1/usr/local/bin" "$1/etc" "$1/tmp" "$1/proc" "$1/sys" "$1/dev" "$1/var/run"
  chmod 1777 "$1/tmp"
  cp /bin/busybox "$1/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$1/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$1/etc/group"
}

log "building pause"
mkdir -p "$work/pause-src" "$work/rootfs-pause"
cp "$LAB_HOST_DIR/pause/main.go" "$work/pause-src/"
(
  cd "$work/pause-src"
  printf 'module pause\n\ngo 1.19\n' > go.mod
  GOCACHE="$LAB_CACHE/gocache" HOME="$work" CGO_ENABLED=0 GOFLAGS=-mod=mod \
    /usr/lib/go/bin/go build -trimpath -ldflags='-s -w' -o "$work/rootfs-pause/pause" .
)
bash "$LAB_HOST_DIR/mkoci.sh" "$work/rootfs-pause" k8s.gcr.io/pause:3.2 "$work/oci/pause.tar" '["/pause"]'

for c in kube-apiserver kube-controller-manager kube-scheduler; do
  log "image k8s.gcr.io/$c:$K8S_VERSION"
  r="$work/rootfs-$c"
  busybox_rootfs "$r"
  install -m 0755 "$bin/$c" "$r/usr/local/bin/$c"
  bash "$LAB_HOST_DIR/mkoci.sh" "$r" "k8s.gcr.io/$c:$K8S_VERSION" "$work/oci/$c.tar" "[\"/usr/local/bin/$c\"]"
  rm -rf "$r"
done

log "image k8s.gcr.io/etcd:3.4.13-0 (Debian etcd-server $(dpkg-query -W -f='${Version}' etcd-server))"
r="$work/rootfs-etcd"
busybox_rootfs "$r"
install -m 0755 /usr/bin/etcd "$r/usr/local/bin/etcd"
[ -x /usr/bin/etcdctl ] && install -m 0755 /usr/bin/etcdctl "$r/usr/local/bin/etcdctl"
# etcd is dynamically linked: bring its libraries along.
for lib in $(ldd /usr/bin/etcd | grep -o '/[^ ]*'); do
  mkdir -p "$r$(dirname "$lib")"
  cp -L "$lib" "$r$lib"
done
bash "$LAB_HOST_DIR/mkoci.sh" "$r" k8s.gcr.io/etcd:3.4.13-0 "$work/oci/etcd.tar" '["/usr/local/bin/etcd"]'
rm -rf "$r"

log "image docker.io/library/busybox:lab (workloads)"
r="$work/rootfs-busybox"
busybox_rootfs "$r"
bash "$LAB_HOST_DIR/mkoci.sh" "$r" docker.io/library/busybox:lab "$work/oci/busybox.tar" null '["sh"]'
rm -rf "$r"

# --- node rootfs ------------------------------------------------------------------------------
cp -a "$LAB_HOST_DIR/node/." "$ov/"
chmod 0755 "$ov"/usr/local/bin/*   # whatever modes a checkout or an npm tarball left
for b in kubeadm kubelet kubectl; do install -m 0755 "$bin/$b" "$ov/usr/bin/$b"; done
cp "$work"/oci/*.tar "$ov/kind/images/"
echo "$K8S_VERSION" > "$ov/kind/version"

log "mmdebstrap node rootfs (bookworm, machine's apt sources)"
# Units enabled/masked like kind's base image: only what a node needs boots.
# shellcheck disable=SC2016  # "$1" in the hooks is mmdebstrap's rootfs argument, expanded by it
mmdebstrap --variant=minbase --include="$NODE_PKGS" \
  --customize-hook="sync-in '$ov' /" \
  --customize-hook='chroot "$1" systemctl enable containerd.service khl-images.service kubelet.service' \
  --customize-hook='chroot "$1" systemctl mask getty@tty1.service console-getty.service systemd-udevd.service systemd-modules-load.service sys-kernel-debug.mount sys-kernel-tracing.mount systemd-binfmt.service apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer' \
  --customize-hook='rm -f "$1/etc/machine-id" && touch "$1/etc/machine-id"' \
  --customize-hook='mkdir -p "$1/etc/kubernetes/manifests" "$1/etc/cni/net.d" "$1/var/lib/kubelet"' \
  --customize-hook='printf "runtime-endpoint: unix:///run/containerd/containerd.sock\n" > "$1/etc/crictl.yaml"' \
  bookworm "$work/rootfs.tar"

log "docker import -> $image"
dk import \
  --change 'ENTRYPOINT ["/sbin/init"]' \
  --change 'ENV container=docker' \
  "$work/rootfs.tar" "$image" >/dev/null
rm -rf "$work"
# Older node images (other input hashes) are dead weight: drop those no container uses.
for old in $(dk images --format '{{.Repository}}:{{.Tag}}' k8s-harden-lab/node); do
  [ "$old" = "$image" ] && continue
  dk rmi "$old" >/dev/null 2>&1 || true
done
echo "$image"
