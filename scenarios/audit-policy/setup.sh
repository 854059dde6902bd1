#!/usr/bin/env bash
# audit-policy setup: auditing is off (kind's apiserver starts without it). A ConfigMap for the
# learner to try the rules on, and a workspace kubeconfig. The learner edits the apiserver
# manifest and adds the policy and the log on the control-plane node (all backed up first).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
if lab_node_sh control-plane 'grep -q -- "--audit-policy-file" /etc/kubernetes/manifests/kube-apiserver.yaml'; then
  lab_die "the apiserver already audits: reset the scenario that turned it on first"
fi
lab_log "configmap default/audit-demo to try the rules on"
kubectl -n default create configmap audit-demo --from-literal=greeting=hello --dry-run=client -o yaml |
  kubectl label --local -f - k8s-harden-lab/scenario=audit-policy -o yaml | kubectl apply -f - >/dev/null
lab_log "workspace kubeconfig: $WORKSPACE/kubeconfig (cluster lab, context admin)"
lab_admin_kubeconfig "$WORKSPACE/kubeconfig"
