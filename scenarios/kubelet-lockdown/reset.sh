#!/usr/bin/env bash
# kubelet-lockdown reset: the workload. The engine restores the kubelet's files (backed up before
# setup) and restarts it after this script.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
kubectl delete namespace kubelet-lockdown --ignore-not-found --timeout=180s >/dev/null
