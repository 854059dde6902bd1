#!/usr/bin/env bash
# apiserver-client-cert reference solution: curl on the control-plane node with the
# apiserver-kubelet-client certificate (who am I, then every node's pods through the node proxy);
# a key and CSR for ci-reader made in the workspace, signed on the node by the cluster CA; a Role
# that reads pods in ci, bound to the user.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
CP=control-plane

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

# 3. ci-reader: the key stays in the workspace; only the CSR goes to the node to be signed.
openssl genrsa -out ci-reader.key 2048 2>/dev/null
chmod 600 ci-reader.key
openssl req -new -key ci-reader.key -subj "/CN=ci-reader/O=ci" -out ci-reader.csr
khl node cp ci-reader.csr "$CP:/root/ci-reader.csr" >/dev/null
lab_node_sh "$CP" 'cd /etc/kubernetes/pki && openssl x509 -req -in /root/ci-reader.csr -CA ca.crt -CAkey ca.key \
  -CAcreateserial -days 30 -out /root/ci-reader.crt 2>/dev/null && openssl x509 -in /root/ci-reader.crt -noout -subject -issuer'
khl node cp "$CP:/root/ci-reader.crt" ci-reader.crt >/dev/null
lab_node_sh "$CP" 'rm -f /root/ci-reader.csr /root/ci-reader.crt'
rm -f ci-reader.csr

# 4. Pods in ci, read-only, for that user only.
kubectl -n ci create role pod-reader --verb=get,list,watch --resource=pods >/dev/null
kubectl -n ci create rolebinding ci-reader-pods --role=pod-reader --user=ci-reader >/dev/null
SERVER="$(cat server.txt)"
for path in /api/v1/namespaces/ci/pods /api/v1/namespaces/kube-system/pods /api/v1/namespaces/ci/secrets; do
  lab_log "ci-reader GET $path: $(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt --cert ci-reader.crt --key ci-reader.key "$SERVER$path")"
done
