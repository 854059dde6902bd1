#!/usr/bin/env bash
# api-endpoints reset: stop the kubectl proxies that talk to this lab (started with the workspace
# kubeconfig or the lab's own; never another cluster's), remove what binds the scraper, and the
# namespace.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

for pid in $(pgrep -f 'kubectl.* proxy' || true); do
  env_of="$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null || true)"
  args_of="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  if grep -qxF "KUBECONFIG=$WORKSPACE/kubeconfig" <<<"$env_of" ||
    grep -qxF "KUBECONFIG=$KUBECONFIG" <<<"$env_of" ||
    [[ "$args_of" == *"$WORKSPACE/kubeconfig"* ]]; then
    lab_log "stopping kubectl proxy (pid $pid)"
    kill "$pid" 2>/dev/null || true
  fi
done
lab_wait_apiserver 180 || true
lab_delete_bindings '(.kind == "ServiceAccount" and .namespace == "monitoring")
  or (.kind == "Group" and .name == "system:serviceaccounts:monitoring")'
kubectl delete namespace monitoring --ignore-not-found --timeout=180s >/dev/null
