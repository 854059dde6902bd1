#!/usr/bin/env bash
# node-maintenance reset: workloads, the worker's label and cordon, the placement taint. The engine
# restores the kubelet's files (backed up before setup) and restarts it after this script.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
WORKER="$(lab_node_name worker)"
CP="$(lab_node_name control-plane)"
kubectl delete namespace maintenance --ignore-not-found --timeout=180s >/dev/null
kubectl uncordon "$WORKER" >/dev/null || true
kubectl label node "$WORKER" k8s-harden-lab/maintenance- >/dev/null 2>&1 || true
kubectl taint node "$CP" k8s-harden-lab/placing- >/dev/null 2>&1 || true
