#!/usr/bin/env bash
# kubeconfig-contexts-cluster setup: two identities with different rights in two namespaces, and a
# workspace kubeconfig with four contexts combining them. The current one is the wrong user in the
# wrong namespace.
#   dev-user  a client certificate (CN=dev-user) signed by the lab's CA through the CSR API;
#             in dev: read pods, create configmaps
#   ops-bot   service account staging/ops-bot with a token; in staging: read configmaps
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
KC="$WORKSPACE/kubeconfig"

lab_wait_apiserver 180
for ns in dev staging; do
  kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
done
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: developer, namespace: dev }
rules:
  - { apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch] }
  - { apiGroups: [""], resources: [configmaps], verbs: [get, list, create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: developer, namespace: dev }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: developer }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: dev-user }]
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: ops-bot, namespace: staging }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: config-reader, namespace: staging }
rules:
  - { apiGroups: [""], resources: [configmaps], verbs: [get, list] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: config-reader, namespace: staging }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader }
subjects: [{ kind: ServiceAccount, name: ops-bot, namespace: staging }]
YAML

lab_log "client certificate for dev-user (CSR signed by the lab's CA)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
openssl req -new -newkey rsa:2048 -nodes -keyout "$tmp/dev-user.key" -subj "/CN=dev-user/O=developers" \
  -out "$tmp/dev-user.csr" 2>/dev/null
kubectl delete csr k8s-harden-lab-dev-user --ignore-not-found >/dev/null
kubectl apply -f - >/dev/null <<YAML
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: { name: k8s-harden-lab-dev-user }
spec:
  request: $(base64 -w0 <"$tmp/dev-user.csr")
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
YAML
kubectl certificate approve k8s-harden-lab-dev-user >/dev/null
for _ in $(seq 1 60); do
  kubectl get csr k8s-harden-lab-dev-user -o 'jsonpath={.status.certificate}' | base64 -d >"$tmp/dev-user.crt"
  [ -s "$tmp/dev-user.crt" ] && break
  sleep 1
done
[ -s "$tmp/dev-user.crt" ] || lab_die "the CSR for dev-user was not signed"

lab_log "token for staging/ops-bot"
OPS_TOKEN="$(lab_sa_token staging ops-bot)"

lab_log "workspace kubeconfig: $KC"
lab_admin_kubeconfig "$tmp/admin.kubeconfig"
SERVER="$(kubectl --kubeconfig "$tmp/admin.kubeconfig" config view -o 'jsonpath={.clusters[0].cluster.server}')"
kubectl --kubeconfig "$tmp/admin.kubeconfig" config view --raw -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}' |
  base64 -d >"$tmp/ca.crt"
rm -f "$KC"
(
  export KUBECONFIG="$KC"
  kubectl config set-cluster lab --server="$SERVER" --certificate-authority="$tmp/ca.crt" --embed-certs=true
  kubectl config set-credentials dev-user --client-certificate="$tmp/dev-user.crt" \
    --client-key="$tmp/dev-user.key" --embed-certs=true
  kubectl config set-credentials ops-bot --token="$OPS_TOKEN"
  kubectl config set-context ops --cluster=lab --user=ops-bot --namespace=staging
  kubectl config set-context team-a --cluster=lab --user=dev-user --namespace=staging
  kubectl config set-context team-b --cluster=lab --user=ops-bot --namespace=dev
  kubectl config set-context team-c --cluster=lab --user=dev-user --namespace=dev
  kubectl config use-context ops
) >/dev/null
chmod 600 "$KC"
