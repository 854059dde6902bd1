#!/usr/bin/env bash
# audit-policy reset: the engine restores the apiserver manifest and removes the policy (backed
# up before setup) after this script; this removes the logs the apiserver wrote and the demo
# ConfigMap.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_node_sh control-plane 'rm -rf /var/log/kubernetes/audit'
lab_wait_apiserver 240 || true
kubectl -n default delete configmap audit-demo --ignore-not-found >/dev/null || true
