#!/usr/bin/env bash
# kubeconfig-contexts-cluster reference solution: find the context whose user is dev-user and whose
# namespace is dev, switch to it, and prove it against the API.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
export KUBECONFIG="$WORKSPACE/kubeconfig"

ctx="$(kubectl config view -o json |
  jq -r '.contexts[] | select(.context.user == "dev-user" and .context.namespace == "dev") | .name' | head -n1)"
[ -n "$ctx" ] || lab_die "no context for dev-user in dev"
kubectl config use-context "$ctx"
kubectl auth can-i list pods        # yes, in dev
kubectl auth can-i create configmaps
kubectl get pods
