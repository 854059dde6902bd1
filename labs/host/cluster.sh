#!/usr/bin/env bash
# Cluster steps for the host lab, run against the lab's private Docker Engine.
#   cluster.sh network                 create the lab's bridge network
#   cluster.sh nodes IMAGE WORKERS     create/boot node containers (kind names and labels)
#   cluster.sh init                    kubeadm init on the control-plane node
#   cluster.sh join                    kubeadm join on every worker not yet joined
#   cluster.sh podnet                  per-node CNI conflist + routes between pod ranges
#   cluster.sh kubeconfig FILE         write the lab kubeconfig (server = control-plane IP)
#   cluster.sh wait-ready TIMEOUT_S    wait until every node is Ready
#   cluster.sh down                    remove containers, network, engine, leftovers
# Every step is idempotent. Node N (0 = control plane) gets 172.30.0.(2+N).
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
need_root

CP="${LAB_CLUSTER}-control-plane"
net_prefix="${LAB_NET_SUBNET%.*}"   # 172.30.0
node_ip() { echo "${net_prefix}.$((2 + $1))"; }
CP_IP="$(node_ip 0)"
worker_name() { if [ "$1" -eq 1 ]; then echo "${LAB_CLUSTER}-worker"; else echo "${LAB_CLUSTER}-worker$1"; fi; }

# Nodes of this cluster, control plane first.
list_nodes() {
  dk ps -a --filter "label=io.x-k8s.kind.cluster=${LAB_CLUSTER}" --format '{{.Names}}' | sort
}
list_workers() {
  dk ps -a --filter "label=io.x-k8s.kind.cluster=${LAB_CLUSTER}" --filter "label=io.x-k8s.kind.role=worker" \
    --format '{{.Names}}' | sort -V
}
kctl() { dk exec "$CP" kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }

# Every capability but CAP_SYS_RESOURCE, which this machine withholds (--privileged fails with
# "unable to apply caps: operation not permitted"). Not --privileged: same effect otherwise.
CAP_ARGS=(--cap-add ALL --cap-drop SYS_RESOURCE)

cmd_network() {
  if dk network inspect "$LAB_NET_NAME" >/dev/null 2>&1; then
    log "network $LAB_NET_NAME exists"
    return
  fi
  log "creating network $LAB_NET_NAME ($LAB_NET_SUBNET, bridge $LAB_NET_BRIDGE)"
  dk network create --driver bridge \
    --subnet "$LAB_NET_SUBNET" --gateway "$LAB_NET_GATEWAY" \
    -o "com.docker.network.bridge.name=$LAB_NET_BRIDGE" \
    -o com.docker.network.bridge.enable_ip_masquerade=false \
    --label "io.x-k8s.kind.cluster=${LAB_CLUSTER}" \
    "$LAB_NET_NAME" >/dev/null
}

run_node() { # name role index image
  local name="$1" role="$2" idx="$3" image="$4"
  local args=(run -d --name "$name" --hostname "$name"
    --label "io.x-k8s.kind.cluster=${LAB_CLUSTER}" --label "io.x-k8s.kind.role=${role}"
    --label "k8s-harden-lab.node-index=${idx}"
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined
    --security-opt systempaths=unconfined
    --device-cgroup-rule 'a *:* rwm' --device /dev/kmsg
    --tmpfs /tmp --tmpfs /run --volume /var
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw
    --network "$LAB_NET_NAME" --ip "$(node_ip "$idx")"
    --restart=no --init=false --stop-signal SIGRTMIN+3 --stop-timeout 5
    --cgroup-parent "/k8s-harden-lab/${name}")
  args+=("${CAP_ARGS[@]}")
  # kind mounts /lib/modules read-only; only when the host has it (docker would create it).
  [ -d /lib/modules ] && args+=(-v /lib/modules:/lib/modules:ro)
  [ "$role" = control-plane ] && args+=(-e KUBECONFIG=/etc/kubernetes/admin.conf)
  dk "${args[@]}" "$image" >/dev/null
}

wait_booted() { # name
  local name="$1"
  for _ in $(seq 1 240); do
    if dk exec "$name" test -e /run/khl-images-imported 2>/dev/null; then return 0; fi
    if [ "$(dk inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then
      dk logs --tail 50 "$name" >&2 || true
      die "node $name is not running"
    fi
    sleep 0.5
  done
  dk exec "$name" systemctl --no-pager status containerd khl-images >&2 || true
  die "node $name did not finish booting (images not imported) within 120s"
}

cmd_nodes() {
  local image="$1" workers="$2"
  local want=("$CP")
  for i in $(seq 1 "$workers"); do want+=("$(worker_name "$i")"); done
  local idx=0 name role
  for name in "${want[@]}"; do
    role=worker
    [ "$idx" -eq 0 ] && role=control-plane
    if dk inspect "$name" >/dev/null 2>&1; then
      if [ "$(dk inspect -f '{{.State.Running}}' "$name")" != true ]; then
        log "starting stopped node $name"
        dk start "$name" >/dev/null
      else
        log "node $name exists"
      fi
    else
      log "creating node $name ($role, $(node_ip "$idx"))"
      run_node "$name" "$role" "$idx" "$image"
    fi
    idx=$((idx + 1))
  done
  for name in "${want[@]}"; do
    wait_booted "$name"
    log "node $name booted (systemd: $(dk exec "$name" systemctl is-system-running 2>/dev/null || true))"
  done
}

kubeadm_config() { # writes the init config for the control plane
  local token="$1"
  cat <<CFG
apiVersion: kubeadm.k8s.io/v1beta2
kind: InitConfiguration
bootstrapTokens:
- token: "${token}"
  ttl: 24h0m0s
  groups: [system:bootstrappers:kubeadm:default-node-token]
  usages: [signing, authentication]
localAPIEndpoint:
  advertiseAddress: ${CP_IP}
  bindPort: 6443
nodeRegistration:
  name: ${CP}
  criSocket: /run/containerd/containerd.sock
  kubeletExtraArgs:
    node-ip: ${CP_IP}
    provider-id: kind://docker/${LAB_CLUSTER}/${CP}
---
apiVersion: kubeadm.k8s.io/v1beta2
kind: ClusterConfiguration
clusterName: ${LAB_CLUSTER}
kubernetesVersion: ${K8S_VERSION}
controlPlaneEndpoint: ${CP_IP}:6443
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/16
  dnsDomain: cluster.local
apiServer:
  certSANs: [localhost, 127.0.0.1, ${CP_IP}, ${CP}]
  extraArgs:
    # No DNS for node names: the apiserver reaches kubelets (logs/exec) by InternalIP.
    kubelet-preferred-address-types: InternalIP
controllerManager:
  extraArgs:
    enable-hostpath-provisioner: "true"
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
# Every node's kubelet sees the machine's one cgroup v1 tree: with per-QoS cgroups they would
# fight over (and garbage-collect) each other's pod cgroups. Written explicitly because the
# kubelet otherwise defaults enforceNodeAllocatable to [pods], invalid without cgroupsPerQOS.
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
# Like kind: never evict for disk pressure and never garbage-collect the preloaded images
# (there is no registry to pull them again).
imageGCHighThresholdPercent: 100
evictionHard:
  nodefs.available: "0%"
  nodefs.inodesFree: "0%"
  imagefs.available: "0%"
CFG
}

join_config() { # name ip token
  cat <<CFG
apiVersion: kubeadm.k8s.io/v1beta2
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: ${CP_IP}:6443
    token: "$3"
    # Same trade-off as kind: the network is private to this machine.
    unsafeSkipCAVerification: true
nodeRegistration:
  name: $1
  criSocket: /run/containerd/containerd.sock
  kubeletExtraArgs:
    node-ip: $2
    provider-id: kind://docker/${LAB_CLUSTER}/$1
CFG
}

cmd_init() {
  # /kind/init-done marks a completed init; after a half-failed one kubeadm runs again (it reuses
  # the certificates and kubeconfigs already written).
  if dk exec "$CP" test -f /kind/init-done; then
    log "control plane already initialised"
    return
  fi
  local token
  token="$(dk exec "$CP" sh -c "sed -n 's/^- token: \"\\(.*\\)\"/\\1/p' /kind/kubeadm.conf 2>/dev/null || true")"
  [ -n "$token" ] || token="$(dk exec "$CP" kubeadm token generate)"
  kubeadm_config "$token" | dk exec -i "$CP" sh -c 'mkdir -p /kind && cat > /kind/kubeadm.conf'
  log "kubeadm init on $CP"
  dk exec "$CP" kubeadm init --config /kind/kubeadm.conf \
    --skip-phases=preflight,addon/kube-proxy,addon/coredns \
    --ignore-preflight-errors=all --skip-token-print --v=1
  dk exec "$CP" touch /kind/init-done
  # Like kind with more than one node: the control plane keeps its NoSchedule taint.
  log "control plane up: $(kctl get --raw /readyz 2>&1)"
}

cmd_join() {
  local token w idx ip
  token="$(dk exec "$CP" sh -c "sed -n 's/^- token: \"\\(.*\\)\"/\\1/p' /kind/kubeadm.conf")"
  [ -n "$token" ] || die "no bootstrap token in $CP:/kind/kubeadm.conf (run init first)"
  # The token may have expired on a long-lived lab: make sure it exists.
  if ! dk exec "$CP" kubeadm token list 2>/dev/null | grep -q "^${token%%.*}"; then
    dk exec "$CP" kubeadm token create "$token" >/dev/null
  fi
  for w in $(list_workers); do
    if dk exec "$w" test -f /etc/kubernetes/kubelet.conf; then
      log "$w already joined"
      continue
    fi
    idx="$(dk inspect -f '{{index .Config.Labels "k8s-harden-lab.node-index"}}' "$w")"
    ip="$(node_ip "$idx")"
    join_config "$w" "$ip" "$token" | dk exec -i "$w" sh -c 'mkdir -p /kind && cat > /kind/kubeadm.conf'
    log "kubeadm join on $w"
    dk exec "$w" kubeadm join --config /kind/kubeadm.conf --ignore-preflight-errors=all --v=1
  done
}

cmd_podnet() {
  # kind's kindnetd does this dynamically; the lab's topology is fixed, so a static bridge
  # conflist per node (its podCIDR from the controller manager) and routes do the same job.
  local n cidr ip other ocidr oip
  declare -A cidrs ips
  for n in $(list_nodes); do
    for _ in $(seq 1 60); do
      cidr="$(kctl get node "$n" -o 'jsonpath={.spec.podCIDR}' 2>/dev/null || true)"
      [ -n "$cidr" ] && break
      sleep 1
    done
    [ -n "$cidr" ] || die "node $n has no podCIDR"
    cidrs[$n]="$cidr"
    ips[$n]="$(node_ip "$(dk inspect -f '{{index .Config.Labels "k8s-harden-lab.node-index"}}' "$n")")"
  done
  for n in "${!cidrs[@]}"; do
    cidr="${cidrs[$n]}"
    ip="${ips[$n]}"
    log "$n: pods $cidr"
    jq -n --arg subnet "$cidr" '{
      cniVersion: "0.4.0", name: "khl-pods",
      plugins: [
        {type: "bridge", bridge: "cni0", isGateway: true, ipMasq: false, hairpinMode: true,
         ipam: {type: "host-local", ranges: [[{subnet: $subnet}]], routes: [{dst: "0.0.0.0/0"}]}},
        {type: "portmap", capabilities: {portMappings: true}}
      ]}' | dk exec -i "$n" sh -c 'cat > /etc/cni/net.d/10-khl-bridge.conflist.tmp && mv /etc/cni/net.d/10-khl-bridge.conflist.tmp /etc/cni/net.d/10-khl-bridge.conflist'
    for other in "${!cidrs[@]}"; do
      [ "$other" = "$n" ] && continue
      ocidr="${cidrs[$other]}"
      oip="${ips[$other]}"
      dk exec "$n" ip route replace "$ocidr" via "$oip"
    done
  done
}

cmd_kubeconfig() {
  local file="$1"
  mkdir -p "$(dirname "$file")"
  # kind's host kubeconfig is admin.conf; ours points at the control plane's bridge address
  # and renames cluster/user/context so the app can tell its lab from any other cluster.
  dk exec "$CP" cat /etc/kubernetes/admin.conf |
    sed -e "s#server: https://.*#server: https://${CP_IP}:6443#" \
      -e "s#kubernetes-admin@${LAB_CLUSTER}#${LAB_CLUSTER}#g" \
      -e "s#^- name: kubernetes-admin\$#- name: ${LAB_CLUSTER}-admin#" \
      -e "s#user: kubernetes-admin\$#user: ${LAB_CLUSTER}-admin#" >"$file.tmp"
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
  log "kubeconfig written: $file"
}

cmd_wait_ready() {
  local timeout="${1:-180}" end
  end=$((SECONDS + timeout))
  while [ "$SECONDS" -lt "$end" ]; do
    local total ready
    total="$(list_nodes | wc -l)"
    ready="$(kctl get nodes --no-headers 2>/dev/null | awk '$2 ~ /^Ready/' | wc -l)"
    if [ "$total" -gt 0 ] && [ "$ready" -eq "$total" ]; then
      kctl get nodes -o wide
      return 0
    fi
    sleep 1
  done
  kctl get nodes -o wide >&2 || true
  die "nodes not Ready within ${timeout}s"
}

cmd_down() {
  if [ -S "$LAB_DOCKER_SOCK" ] && dk version >/dev/null 2>&1; then
    local ids
    ids="$(dk ps -aq --filter "label=io.x-k8s.kind.cluster=${LAB_CLUSTER}")"
    if [ -n "$ids" ]; then
      # Pod containers: with cgroupsPerQOS off the kubelet gives containerd no cgroup parent, so
      # their cgroups are containerd's default /k8s.io/<id> at the top of the machine's (shared,
      # cgroup v1) tree, outside the node's own. Note them now, remove them once the nodes are gone.
      local n
      for n in $(list_nodes); do
        dk exec "$n" ctr -n k8s.io containers ls -q 2>/dev/null || true
      done >"$LAB_VAR_ROOT/pod-cgroups.txt"
      log "removing node containers: $(list_nodes | tr '\n' ' ')"
      # shellcheck disable=SC2086
      dk rm -f -v $ids >/dev/null
    fi
    if dk network inspect "$LAB_NET_NAME" >/dev/null 2>&1; then
      log "removing network $LAB_NET_NAME"
      dk network rm "$LAB_NET_NAME" >/dev/null
    fi
    # Only stop the engine when no other lab cluster still uses it.
    if [ -z "$(dk ps -aq --filter label=io.x-k8s.kind.cluster)" ]; then
      bash "$LAB_HOST_DIR/engine.sh" stop
    fi
  else
    bash "$LAB_HOST_DIR/engine.sh" stop
  fi
  # Leftovers after a crash of the engine: the bridge, mounts under our roots (netns handles,
  # overlay layers), empty cgroup folders of our nodes, the runtime folder.
  if ! [ -S "$LAB_DOCKER_SOCK" ]; then
    if ip link show "$LAB_NET_BRIDGE" >/dev/null 2>&1; then
      log "removing leftover bridge $LAB_NET_BRIDGE"
      ip link delete "$LAB_NET_BRIDGE" || true
    fi
    local m
    awk -v a="$LAB_RUN_ROOT" -v b="$LAB_DOCKER_DATA" 'index($5, a) == 1 || index($5, b) == 1 {print $5}' \
      /proc/self/mountinfo | sort -r | while read -r m; do
      log "unmounting leftover $m"
      umount -l "$m" || true
    done
    local d id
    if [ -f "$LAB_VAR_ROOT/pod-cgroups.txt" ]; then
      while read -r id; do
        [ -n "$id" ] || continue
        for d in /sys/fs/cgroup/*/k8s.io/"$id"; do rmdir "$d" 2>/dev/null || true; done
      done <"$LAB_VAR_ROOT/pod-cgroups.txt"
      rm -f "$LAB_VAR_ROOT/pod-cgroups.txt"
      # containerd's parent folder too, when nothing else (a host containerd) has pods in it.
      for d in /sys/fs/cgroup/*/k8s.io; do rmdir "$d" 2>/dev/null || true; done
    fi
    for d in /sys/fs/cgroup/*/k8s-harden-lab; do
      [ -d "$d" ] || continue
      find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
    rm -rf "$LAB_RUN_ROOT"
  fi
  log "down complete"
}

sub="${1:-}"
shift || true
case "$sub" in
  network) cmd_network ;;
  nodes) cmd_nodes "$@" ;;
  init) cmd_init ;;
  join) cmd_join ;;
  podnet) cmd_podnet ;;
  kubeconfig) cmd_kubeconfig "$@" ;;
  wait-ready) cmd_wait_ready "$@" ;;
  down) cmd_down ;;
  *) die "usage: cluster.sh network|nodes IMAGE WORKERS|init|join|podnet|kubeconfig FILE|wait-ready [S]|down" ;;
esac
