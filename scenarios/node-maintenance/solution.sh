#!/usr/bin/env bash
# node-maintenance reference solution: drain, change the kubelet config, restart, uncordon.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
WORKER="$(lab_node_name worker)"

# 1. Out of service: cordon + evict (PDB-aware; DaemonSet pods stay).
kubectl drain "$WORKER" --ignore-daemonsets --delete-emptydir-data --timeout=180s

# 2. The maintenance step: a kubelet configuration change, applied by a restart.
lab_node_read worker /var/lib/kubelet/config.yaml | lab_yaml_edit 'doc.maxPods = 60' >"$WORKSPACE/.config.yaml"
lab_node_write worker /var/lib/kubelet/config.yaml <"$WORKSPACE/.config.yaml"
rm -f "$WORKSPACE/.config.yaml"
lab_restart_kubelet worker

# 3. Back in service.
kubectl uncordon "$WORKER"
lab_retry 60 sh -c "[ \"\$(kubectl get node '$WORKER' -o jsonpath='{.status.capacity.pods}')\" = 60 ]"
kubectl -n maintenance rollout status deployment/web --timeout=120s
