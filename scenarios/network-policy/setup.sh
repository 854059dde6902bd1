#!/usr/bin/env bash
# network-policy setup: namespace NS with three apps (frontend, backend on PORT and 9090, db on
# 5432) and a visitor in namespace outside, all answering TCP. No NetworkPolicy yet: every pod
# reaches every other. The lab's kube-router enforces policies. API objects only. NS and PORT are
# drawn at setup (scenario.yaml params:).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
app_ns="${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}"
backend_port="${KHL_PARAM_PORT:?the backend port is drawn at setup}"

lab_wait_apiserver 180
image="$(lab_workload_image)"
pod() { # pod NAMESPACE NAME APP PORT...
  local ns="$1" name="$2" app="$3" serve="" port
  shift 3
  for port in "$@"; do serve="$serve httpd -p $port -h /tmp;"; done
  cat <<YAML
---
apiVersion: v1
kind: Pod
metadata:
  name: $name
  namespace: $ns
  labels: { app: $app, k8s-harden-lab/scenario: network-policy }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: $image
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "$serve trap 'exit 0' TERM; while true; do sleep 1; done"]
YAML
}
lab_log "namespaces $app_ns and outside; pods frontend, backend ($backend_port, 9090), db (5432), visitor"
{
  printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels: { k8s-harden-lab/scenario: network-policy }\n' "$app_ns"
  printf -- '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: outside\n  labels: { k8s-harden-lab/scenario: network-policy }\n'
  pod "$app_ns" frontend frontend 80
  pod "$app_ns" backend backend "$backend_port" 9090
  pod "$app_ns" db db 5432
  pod outside visitor visitor 80
} | kubectl apply -f - >/dev/null
kubectl -n "$app_ns" wait --for=condition=Ready pod --all --timeout=180s >/dev/null
kubectl -n outside wait --for=condition=Ready pod --all --timeout=180s >/dev/null
lab_log "workspace kubeconfig: $WORKSPACE/kubeconfig (cluster lab, context admin)"
lab_admin_kubeconfig "$WORKSPACE/kubeconfig"
