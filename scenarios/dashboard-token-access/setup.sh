#!/usr/bin/env bash
# dashboard-token-access setup: what a Kubernetes Dashboard install plus its "sample user" docs
# leave behind, without the Dashboard itself (archived in January 2026; its image cannot be had
# offline):
#   kubernetes-dashboard/kubernetes-dashboard  the Dashboard's own account, bound to cluster-admin
#                                              (the "skip login" shortcut)
#   kubernetes-dashboard/admin-user            the docs' sample user: cluster-admin, with a
#                                              long-lived token Secret `admin-user`
#   $KHL_PARAM_NAMESPACE                       the namespace the team actually looks at (drawn)
# The workspace gets the login files the docs lead to: dashboard.token (the Secret's token, by
# go-template base64decode) and dashboard.kubeconfig (the same token). API objects only.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
# Drawn from the attempt's seed (scenario.yaml params:): the team's namespace. (The account the
# learner makes, $KHL_PARAM_VIEWER, is not setup's business.)
team_ns="${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}"

lab_wait_apiserver 180
# Left over from an attempt that was never reset, whichever names it drew (`start --force` draws
# anew): what reset removes goes first (the namespaces, and every ClusterRoleBinding to an account
# of kubernetes-dashboard), so no old binding gives a new account rights.
bash "$SCENARIO_DIR/reset.sh"
for ns in kubernetes-dashboard "$team_ns"; do
  kubectl create namespace "$ns" >/dev/null
  # The label lets reset find the drawn namespace even when it runs without this attempt's values.
  kubectl label namespace "$ns" k8s-harden-lab/scenario=dashboard-token-access >/dev/null
done
lab_log "namespace kubernetes-dashboard: the Dashboard's account and admin-user, both cluster-admin"
# Unquoted, so the team's namespace is filled in (the YAML has no other dollar sign).
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: { name: kubernetes-dashboard, namespace: kubernetes-dashboard, labels: { k8s-app: kubernetes-dashboard } }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kubernetes-dashboard, labels: { k8s-app: kubernetes-dashboard } }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: kubernetes-dashboard, namespace: kubernetes-dashboard }]
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: admin-user, namespace: kubernetes-dashboard }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: admin-user }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: admin-user, namespace: kubernetes-dashboard }]
---
apiVersion: v1
kind: Secret
metadata:
  name: admin-user
  namespace: kubernetes-dashboard
  annotations: { kubernetes.io/service-account.name: admin-user }
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: ConfigMap
metadata: { name: invoice-settings, namespace: $team_ns }
data: { currency: EUR, payment-terms-days: "30" }
---
apiVersion: v1
kind: Secret
metadata: { name: payment-provider, namespace: $team_ns }
stringData: { api-key: not-a-real-key }
YAML

lab_log "workspace: dashboard.token and dashboard.kubeconfig (admin-user's token)"
token=''
for _ in $(seq 1 60); do
  token="$(kubectl -n kubernetes-dashboard get secret admin-user -o go-template='{{.data.token | base64decode}}' 2>/dev/null || true)"
  [ -n "$token" ] && break
  sleep 1
done
[ -n "$token" ] || lab_die "the token controller did not fill secret kubernetes-dashboard/admin-user"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
kubectl config view --raw --minify -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}' |
  base64 -d >"$tmp/ca.crt"
SERVER="$(kubectl config view --minify -o 'jsonpath={.clusters[0].cluster.server}')"
(umask 077 && printf '%s\n' "$token" >"$WORKSPACE/dashboard.token")
rm -f "$WORKSPACE/dashboard.kubeconfig"
(
  export KUBECONFIG="$WORKSPACE/dashboard.kubeconfig"
  kubectl config set-cluster lab --server="$SERVER" --certificate-authority="$tmp/ca.crt" --embed-certs=true
  kubectl config set-credentials dashboard --token="$token"
  kubectl config set-context dashboard --cluster=lab --user=dashboard --namespace="$team_ns"
  kubectl config use-context dashboard
) >/dev/null
chmod 600 "$WORKSPACE/dashboard.kubeconfig"
