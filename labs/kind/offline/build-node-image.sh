#!/usr/bin/env bash
# Assemble a kind node image offline and load it into the lab's engine:
#   build-node-image.sh K8S_DIR COMPONENTS_FILE IMAGES_DIR [STAGED_K8S_DIR STAGED_IMAGES_DIR]
# prints the image tag on the last line. With a staged version (the upgrade drill), the node runs
# K8S_DIR's version and carries the staged one the way a package repository would: its .debs in
# the node's apt repository and its pod images already in containerd.
# The rootfs is Debian bookworm (mmdebstrap, the machine's apt sources) plus this folder's node/
# files (our entrypoint, units, containerd config, CNI and storage manifests), the binaries built
# from Go modules, and every pod image already imported (and unpacked) into containerd's k8s.io
# namespace under the names kubeadm and the manifests use, so `kind create cluster --image TAG`
# never pulls. The tag is plain (k8s-harden-lab/kind-node:<version>): a local image has no repo
# digest, and kind would try to pull an @sha256 reference.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
need_root

k8s_dir="$1" components="$2" images_dir="$3" staged_k8s="${4:-}" staged_images="${5:-}"
comp() { awk -v n="$1" '$1 == n { print $2 }' "$components"; }
K="$(sed -n 's#.*/kube-apiserver:##p' "$k8s_dir/images.txt")"
S=""
[ -n "$staged_k8s" ] && S="$(sed -n 's#.*/kube-apiserver:##p' "$staged_k8s/images.txt")"

NODE_PKGS="systemd,systemd-sysv,conntrack,iptables,nftables,ipset,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,curl,jq,procps,openssl,less,vim-tiny,nano,psmisc,iputils-ping,netcat-openbsd,openssh-server,openssh-client,bash-completion"

recipe="$(
  {
    basename "$k8s_dir"
    basename "$images_dir"
    [ -z "$S" ] || basename -a "$staged_k8s" "$staged_images"
    cat "$OFFLINE_DIR/make-debs.sh"
    awk '{ print $2 }' "$components" | xargs -n1 basename
    echo "$NODE_PKGS"
    cat "$0"
    (cd "$OFFLINE_DIR/node" && find . -type f | LC_ALL=C sort | xargs sha256sum)
  } | sha_of
)"
tag="k8s-harden-lab/kind-node:$K${S:+-to-$S}"

# KHL_FORCE_NODE_IMAGE=1 rebuilds anyway (the cold-build benchmark).
if [ "${KHL_FORCE_NODE_IMAGE:-}" != 1 ] &&
  [ "$(dk image inspect -f '{{ index .Config.Labels "k8s-harden-lab.recipe" }}' "$tag" 2>/dev/null)" = "$recipe" ]; then
  log "node image $tag: cached"
  echo "$tag"
  exit 0
fi

work="$OFFLINE_CACHE/build/node-$K"
rm -rf "$work"
mkdir -p "$work/overlay"
ov="$work/overlay"
started=$SECONDS

# --- our files and the binaries --------------------------------------------------------------
cp -a "$OFFLINE_DIR/node/." "$ov/"
chmod 0755 "$ov/usr/local/bin/entrypoint"
mkdir -p "$ov/usr/bin" "$ov/usr/local/bin" "$ov/usr/local/sbin" "$ov/opt/cni/bin" "$ov/etc/kube-bench"
# kubeadm, kubelet and kubectl come as packages from the node's own apt repository (file:), as
# from the upstream package repository: `dpkg -l`, `apt-mark hold` and, with a staged version,
# `apt-get install kubeadm=<staged>-1.1` work offline.
repo="$ov/opt/k8s-harden-lab/apt"
bash "$OFFLINE_DIR/make-debs.sh" "$repo" "$k8s_dir" ${staged_k8s:+"$staged_k8s"}
mkdir -p "$ov/etc/apt/sources.list.d"
echo 'deb [trusted=yes] file:/opt/k8s-harden-lab/apt ./' > "$ov/etc/apt/sources.list.d/k8s-harden-lab.list"
for b in containerd ctr containerd-shim-runc-v2; do install -m 0755 "$(comp containerd)/$b" "$ov/usr/local/bin/$b"; done
install -m 0755 "$(comp runc)/runc" "$ov/usr/local/sbin/runc"
install -m 0755 "$(comp crictl)/crictl" "$ov/usr/local/bin/crictl"
install -m 0755 "$(comp etcd)/etcdctl" "$ov/usr/local/bin/etcdctl"
install -m 0755 "$(comp kube-bench)/kube-bench" "$ov/usr/local/bin/kube-bench"
cp -r "$(comp kube-bench)/cfg" "$ov/etc/kube-bench/cfg"
for p in bridge ptp loopback host-local portmap; do install -m 0755 "$(comp cni)/$p" "$ov/opt/cni/bin/$p"; done
echo "$K" > "$ov/kind/version"
[ -z "$S" ] || echo "$S" > "$ov/kind/staged-version"
# What is really inside, for learners and for `doctor`.
{
  echo "kubernetes $K"
  [ -z "$S" ] || echo "kubernetes (staged, in /opt/k8s-harden-lab/apt and containerd) $S"
  while read -r name dir; do echo "$name $(cat "$dir/version" 2>/dev/null || basename "$dir")"; done < "$components"
} > "$ov/kind/k8s-harden-lab-versions"

log "node rootfs: mmdebstrap bookworm (the machine's apt sources)"
rootfs="$work/rootfs"
# shellcheck disable=SC2016  # "$1" in the hooks is mmdebstrap's rootfs argument
mmdebstrap --quiet --variant=minbase --include="$NODE_PKGS" \
  --customize-hook="sync-in '$ov' /" \
  --customize-hook="chroot \"\$1\" dpkg -i $(cd "$repo" && printf '/opt/k8s-harden-lab/apt/%s ' ./*"_${K#v}-1.1_amd64.deb")" \
  --customize-hook='chroot "$1" apt-mark hold kubeadm kubelet kubectl >/dev/null' \
  --customize-hook='rm -f "$1/etc/apt/sources.list"' \
  --customize-hook='chroot "$1" systemctl enable containerd.service kubelet.service' \
  --customize-hook='chroot "$1" systemctl disable ssh.service >/dev/null 2>&1 || true' \
  --customize-hook='chroot "$1" systemctl mask getty@tty1.service console-getty.service systemd-udevd.service systemd-modules-load.service sys-kernel-debug.mount sys-kernel-tracing.mount systemd-binfmt.service apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer ssh.socket' \
  --customize-hook='rm -f "$1"/etc/ssh/ssh_host_* && : > "$1/etc/machine-id"' \
  --customize-hook='mkdir -p "$1/etc/kubernetes/manifests" "$1/etc/cni/net.d" "$1/var/lib/kubelet"' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  bookworm "$rootfs" >/dev/null

log "node rootfs: importing pod images into containerd"
state="$work/containerd-state"
mkdir -p "$state"
cat > "$work/containerd.toml" <<TOML
version = 3
root = "$rootfs/var/lib/containerd"
state = "$state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images", "io.containerd.podsandbox.controller.v1.podsandbox"]
[grpc]
  address = "$state/containerd.sock"
TOML
"$(comp containerd)/containerd" --config "$work/containerd.toml" > "$work/containerd.log" 2>&1 &
cpid=$!
trap 'kill "$cpid" 2>/dev/null || true' EXIT
ctr=("$(comp containerd)/ctr" --address "$state/containerd.sock" --namespace k8s.io)
for _ in $(seq 1 80); do "${ctr[@]}" version >/dev/null 2>&1 && break; sleep 0.25; done
while read -r ref file dir; do
  # containerd 2.x warns about cgroup v1 on every call; keep real errors only.
  "${ctr[@]}" images import --label io.cri-containerd.pinned=pinned "$dir/$file" 2>&1 >/dev/null |
    grep -v 'DEPRECATION' >&2 || true
  listed="$("${ctr[@]}" images ls -q 2>/dev/null)"
  grep -qx "$ref" <<<"$listed" || die "import of $file did not create $ref"
done < <(
  sed "s#\$# $images_dir#" "$images_dir/images.list"
  [ -z "$S" ] || sed "s#\$# $staged_images#" "$staged_images/images.list"
)
kill "$cpid"
wait "$cpid" 2>/dev/null || true
trap - EXIT

log "docker import -> $tag"
tar --numeric-owner --xattrs -C "$rootfs" -c . |
  dk import \
    --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
    --change 'ENV container=docker' \
    --change "LABEL k8s-harden-lab.recipe=$recipe" \
    --change "LABEL k8s-harden-lab.kubernetes=$K" \
    - "$tag" >/dev/null
rm -rf "$work"
# The image this one replaced lost its tag: drop it (and any other untagged leftover).
dk image prune -f >/dev/null
log "node image $tag: built in $((SECONDS - started)) s ($(dk image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%d MB", $1 / 1e6 }'))"
echo "$tag"
