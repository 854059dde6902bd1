#!/usr/bin/env bash
# dashboard-token-access reset: the two namespaces (their accounts, token Secrets and
# RoleBindings go with them) and every ClusterRoleBinding that names an account of
# kubernetes-dashboard, setup's two and any the learner made.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
lab_wait_apiserver 180 || true
kubectl get clusterrolebindings -o json |
  jq -r '.items[] | select(any(.subjects[]?; .kind == "ServiceAccount" and .namespace == "kubernetes-dashboard")) | .metadata.name' |
  while read -r name; do
    kubectl delete clusterrolebinding "$name" --ignore-not-found >/dev/null
  done
kubectl delete namespace kubernetes-dashboard billing --ignore-not-found --timeout=240s >/dev/null
