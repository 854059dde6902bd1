#!/usr/bin/env bash
# apiserver-client-cert reference solution: curl on the control-plane node with the
# apiserver-kubelet-client certificate (who am I, then every node's pods through the node proxy);
# a key and CSR for the CI job's user made in the workspace, signed on the node by the cluster CA;
# a Role that reads pods in its namespace, bound to the user. The drawn user, group and namespace
# come in as KHL_PARAM_* (scenario.yaml params:).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
CP=control-plane
U="$KHL_PARAM_USER" NS="$KHL_PARAM_NAMESPACE"

# 1–2. On the control-plane node, as the apiserver's kubelet client.
# shellcheck disable=SC2016 # the script belongs to the node's shell.
lab_node_sh "$CP" '
  set -e
  cd /etc/kubernetes/pki
  api() { curl -sS --fail-with-body --cacert ca.crt --cert apiserver-kubelet-client.crt --key apiserver-kubelet-client.key "$@"; }
  A=https://127.0.0.1:6443
  api -X POST -H "Content-Type: application/json" \
    -d "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}" \
    "$A/apis/authentication.k8s.io/v1/selfsubjectreviews" > /root/whoami.json
  jq -c .status.userInfo /root/whoami.json
  # Listing pods is refused to this identity (403); the kubelets it may reach list theirs.
  for n in $(api "$A/api/v1/nodes" | jq -r ".items[].metadata.name"); do
    api "$A/api/v1/nodes/$n/proxy/pods" | jq -r ".items[] | select(.metadata.namespace == \"kube-system\") | .metadata.name"
  done > /root/kube-system-pods.txt
  wc -l < /root/kube-system-pods.txt
'

# 3. The CI job's user: the key stays in the workspace; only the CSR goes to the node to be signed.
openssl genrsa -out "$U.key" 2048 2>/dev/null
chmod 600 "$U.key"
openssl req -new -key "$U.key" -subj "/CN=$U/O=$KHL_PARAM_GROUP" -out "$U.csr"
khl node cp "$U.csr" "$CP:/root/$U.csr" >/dev/null
# shellcheck disable=SC2016 # $1 belongs to the node's shell.
lab_node_sh "$CP" 'cd /etc/kubernetes/pki && openssl x509 -req -in "/root/$1.csr" -CA ca.crt -CAkey ca.key \
  -CAcreateserial -days 30 -out "/root/$1.crt" 2>/dev/null && openssl x509 -in "/root/$1.crt" -noout -subject -issuer' "$U"
khl node cp "$CP:/root/$U.crt" "$U.crt" >/dev/null
# shellcheck disable=SC2016 # $1 belongs to the node's shell.
lab_node_sh "$CP" 'rm -f "/root/$1.csr" "/root/$1.crt"' "$U"
rm -f "$U.csr"

# 4. Pods in its namespace, read-only, for that user only.
kubectl -n "$NS" create role pod-reader --verb=get,list,watch --resource=pods >/dev/null
kubectl -n "$NS" create rolebinding "$U-pods" --role=pod-reader --user="$U" >/dev/null
SERVER="$(cat server.txt)"
for path in "/api/v1/namespaces/$NS/pods" /api/v1/namespaces/kube-system/pods "/api/v1/namespaces/$NS/secrets"; do
  lab_log "$U GET $path: $(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt --cert "$U.crt" --key "$U.key" "$SERVER$path")"
done
