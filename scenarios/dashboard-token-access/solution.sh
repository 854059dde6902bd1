#!/usr/bin/env bash
# dashboard-token-access reference solution: both cluster-admin bindings and admin-user's
# long-lived token gone; a read-only account for the team's namespace with a day-long token, and
# the login kubeconfig that carries it. The drawn values come in as KHL_PARAM_* (scenario.yaml
# params:): the namespace and the account's name.
set -euo pipefail
cd "$WORKSPACE"
ns="$KHL_PARAM_NAMESPACE" viewer="$KHL_PARAM_VIEWER"

# 1. No cluster-admin for the Dashboard's own account or for admin-user; revoke the leaked token.
kubectl delete clusterrolebinding kubernetes-dashboard admin-user
kubectl -n kubernetes-dashboard delete secret admin-user

# 2. A read-only account, bound to `view` in that namespace only (a RoleBinding there).
kubectl -n kubernetes-dashboard create serviceaccount "$viewer"
kubectl -n "$ns" create rolebinding "$viewer" --clusterrole=view \
  --serviceaccount="kubernetes-dashboard:$viewer"

# 3. Its token (a day, so a login does not run out mid-shift) and the login kubeconfig.
kubectl -n kubernetes-dashboard create token "$viewer" --duration=24h >dashboard.token
kubectl config view --raw --minify -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}' |
  base64 -d >ca.crt
SERVER="$(kubectl config view --minify -o 'jsonpath={.clusters[0].cluster.server}')"
rm -f dashboard.kubeconfig
kubectl --kubeconfig dashboard.kubeconfig config set-cluster lab --server="$SERVER" \
  --certificate-authority=ca.crt --embed-certs=true
kubectl --kubeconfig dashboard.kubeconfig config set-credentials "$viewer" --token="$(cat dashboard.token)"
kubectl --kubeconfig dashboard.kubeconfig config set-context "$ns" --cluster=lab --user="$viewer" --namespace="$ns"
kubectl --kubeconfig dashboard.kubeconfig config use-context "$ns"
kubectl --kubeconfig dashboard.kubeconfig get configmaps
