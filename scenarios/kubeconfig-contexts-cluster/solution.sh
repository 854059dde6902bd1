#!/usr/bin/env bash
# kubeconfig-contexts-cluster reference solution: find the context whose user is the developer and
# whose namespace is theirs, switch to it, and prove it against the API. The drawn values come in
# as KHL_PARAM_* (scenario.yaml params:).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
export KUBECONFIG="$WORKSPACE/kubeconfig"

ctx="$(kubectl config view -o json |
  jq -r --arg u "$KHL_PARAM_USER" --arg ns "$KHL_PARAM_NAMESPACE" \
    '.contexts[] | select(.context.user == $u and .context.namespace == $ns) | .name' | head -n1)"
[ -n "$ctx" ] || lab_die "no context for $KHL_PARAM_USER in $KHL_PARAM_NAMESPACE"
kubectl config use-context "$ctx"
kubectl auth can-i list pods        # yes, in the developer's namespace
kubectl auth can-i create configmaps
kubectl get pods
