#!/usr/bin/env bash
# kubeconfig-contexts-cluster setup: two identities with different rights in two namespaces, and a
# workspace kubeconfig with four contexts combining them. The current one is the wrong user in the
# wrong namespace. Drawn at setup (scenario.yaml params:): the developer USER, its namespace NS, and
# which of team-a/team-b/team-c is the right context (the other two are the decoys).
#   USER      a client certificate (CN=USER) signed by the lab's CA through the CSR API;
#             in NS: read pods, create configmaps
#   ops-bot   service account staging/ops-bot with a token; in staging: read configmaps
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
user="${KHL_PARAM_USER:?the user is drawn at setup}"
ns="${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}"
right="${KHL_PARAM_RIGHT:?the right context is drawn at setup}"
csr="k8s-harden-lab-$user"
KC="$WORKSPACE/kubeconfig"

# The three team contexts in a ring: the drawn one is right, the next one has the right user in the
# bot's namespace, the one after it the bot's token in the right namespace.
teams=(team-a team-b team-c)
case "$right" in
  team-a) i=0 ;;
  team-b) i=1 ;;
  team-c) i=2 ;;
  *) lab_die "unknown context $right" ;;
esac
wrong_ns="${teams[(i + 1) % 3]}" wrong_user="${teams[(i + 2) % 3]}"

lab_wait_apiserver 180
for n in "$ns" staging; do
  kubectl create namespace "$n" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
done
kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: developer, namespace: $ns }
rules:
  - { apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch] }
  - { apiGroups: [""], resources: [configmaps], verbs: [get, list, create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: developer, namespace: $ns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: developer }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: $user }]
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

lab_log "client certificate for $user (CSR signed by the lab's CA)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
openssl req -new -newkey rsa:2048 -nodes -keyout "$tmp/user.key" -subj "/CN=$user/O=developers" \
  -out "$tmp/user.csr" 2>/dev/null
kubectl delete csr "$csr" --ignore-not-found >/dev/null
kubectl apply -f - >/dev/null <<YAML
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: { name: $csr }
spec:
  request: $(base64 -w0 <"$tmp/user.csr")
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
YAML
kubectl certificate approve "$csr" >/dev/null
for _ in $(seq 1 60); do
  kubectl get csr "$csr" -o 'jsonpath={.status.certificate}' | base64 -d >"$tmp/user.crt"
  [ -s "$tmp/user.crt" ] && break
  sleep 1
done
[ -s "$tmp/user.crt" ] || lab_die "the CSR for $user was not signed"

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
  kubectl config set-credentials "$user" --client-certificate="$tmp/user.crt" \
    --client-key="$tmp/user.key" --embed-certs=true
  kubectl config set-credentials ops-bot --token="$OPS_TOKEN"
  kubectl config set-context ops --cluster=lab --user=ops-bot --namespace=staging
  kubectl config set-context "$wrong_ns" --cluster=lab --user="$user" --namespace=staging
  kubectl config set-context "$wrong_user" --cluster=lab --user=ops-bot --namespace="$ns"
  kubectl config set-context "$right" --cluster=lab --user="$user" --namespace="$ns"
  kubectl config use-context ops
) >/dev/null
chmod 600 "$KC"
