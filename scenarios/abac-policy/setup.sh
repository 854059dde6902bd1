#!/usr/bin/env bash
# abac-policy setup: a service account `john` with no permissions at all, and a workspace
# kubeconfig (a copy of the lab admin's credentials) for the learner to add john's context to.
# Nothing on the nodes changes here; the learner edits the apiserver manifest (backed up first).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
lab_log "service account default/john (no RBAC bindings)"
kubectl -n default get serviceaccount john >/dev/null 2>&1 || kubectl -n default create serviceaccount john >/dev/null
for kind in rolebindings clusterrolebindings; do
  # A binding left over from other practice would make the reads pass without ABAC.
  kubectl get "$kind" -A -o json |
    jq -r '.items[] | select(any(.subjects[]?; .kind == "ServiceAccount" and .name == "john" and (.namespace // "default") == "default")) | "\(.metadata.namespace // "") \(.metadata.name)"' |
    while read -r ns name; do
      [ -z "$name" ] && { name="$ns"; ns=''; }
      kubectl delete "$kind" ${ns:+-n "$ns"} "$name" >/dev/null
    done
done
lab_log "a pod in default for john to read"
kubectl -n default apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: abac-demo
  labels: { app: abac-demo, k8s-harden-lab/scenario: abac-policy }
spec:
  terminationGracePeriodSeconds: 1
  tolerations: [{ operator: Exists, effect: NoSchedule }]
  containers:
    - name: main
      image: $(lab_workload_image)
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
YAML
lab_log "workspace kubeconfig: $WORKSPACE/kubeconfig (cluster lab, context admin)"
lab_admin_kubeconfig "$WORKSPACE/kubeconfig"
