#!/usr/bin/env bash
# dashboard-token-access reset: the two namespaces (their accounts, token Secrets and
# RoleBindings go with them) and every ClusterRoleBinding that names an account of
# kubernetes-dashboard, setup's two and any the learner made. The team's namespace is the one
# drawn for the attempt ($KHL_PARAM_NAMESPACE); setup labels both namespaces, so a reset that
# runs without the attempt's values still finds it.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
lab_wait_apiserver 180 || true
kubectl get clusterrolebindings -o json |
  jq -r '.items[] | select(any(.subjects[]?; .kind == "ServiceAccount" and .namespace == "kubernetes-dashboard")) | .metadata.name' |
  while read -r name; do
    kubectl delete clusterrolebinding "$name" --ignore-not-found >/dev/null
  done
kubectl delete namespace kubernetes-dashboard ${KHL_PARAM_NAMESPACE:+"$KHL_PARAM_NAMESPACE"} \
  --ignore-not-found --timeout=240s >/dev/null
kubectl delete namespace -l k8s-harden-lab/scenario=dashboard-token-access --ignore-not-found \
  --timeout=240s >/dev/null
