#!/usr/bin/env bash
# dashboard-token-access setup: what a Kubernetes Dashboard install plus its "sample user" docs
# leave behind, without the Dashboard itself (archived in January 2026; its image cannot be had
# offline):
#   kubernetes-dashboard/kubernetes-dashboard  the Dashboard's own account, bound to cluster-admin
#                                              (the "skip login" shortcut)
#   kubernetes-dashboard/admin-user            the docs' sample user: cluster-admin, with a
#                                              long-lived token Secret `admin-user`
#   billing                                    the namespace the team actually looks at
# The workspace gets the login files the docs lead to: dashboard.token (the Secret's token, by
# go-template base64decode) and dashboard.kubeconfig (the same token). API objects only.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
for ns in kubernetes-dashboard billing; do
  if kubectl get namespace "$ns" >/dev/null 2>&1; then
    # Left over from an attempt that was never reset: start from a fresh namespace.
    kubectl delete namespace "$ns" --timeout=180s >/dev/null
  fi
  kubectl create namespace "$ns" >/dev/null
done
lab_log "namespace kubernetes-dashboard: the Dashboard's account and admin-user, both cluster-admin"
kubectl apply -f - >/dev/null <<'YAML'
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
metadata: { name: invoice-settings, namespace: billing }
data: { currency: EUR, payment-terms-days: "30" }
---
apiVersion: v1
kind: Secret
metadata: { name: payment-provider, namespace: billing }
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
  kubectl config set-context dashboard --cluster=lab --user=dashboard --namespace=billing
  kubectl config use-context dashboard
) >/dev/null
chmod 600 "$WORKSPACE/dashboard.kubeconfig"
