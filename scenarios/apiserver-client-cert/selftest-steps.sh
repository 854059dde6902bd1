# shellcheck shell=bash
# The learner's steps of apiserver-client-cert, one function each, for selftest.yaml's cases: a near
# miss is the right steps with one of them done wrong. Sourced after ../_lib/lab.sh, cwd = workspace.

# whoami_with_cert  — the SelfSubjectReview answer for apiserver-kubelet-client, with curl.
whoami_with_cert() {
  lab_node_sh control-plane 'cd /etc/kubernetes/pki && curl -sS --fail-with-body --cacert ca.crt \
    --cert apiserver-kubelet-client.crt --key apiserver-kubelet-client.key -X POST \
    -H "Content-Type: application/json" -d "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}" \
    https://127.0.0.1:6443/apis/authentication.k8s.io/v1/selfsubjectreviews > /root/whoami.json'
}

# pods_via_nodes [NODE]  — kube-system pod names through every node's proxy (or only NODE's).
pods_via_nodes() {
  # shellcheck disable=SC2016 # $1 and the loop belong to the node's shell.
  lab_node_sh control-plane 'cd /etc/kubernetes/pki
    api() { curl -sS --fail-with-body --cacert ca.crt --cert apiserver-kubelet-client.crt --key apiserver-kubelet-client.key "https://127.0.0.1:6443$1"; }
    nodes="${1:-$(api /api/v1/nodes | jq -r ".items[].metadata.name")}"
    for n in $nodes; do api "/api/v1/nodes/$n/proxy/pods" | jq -r ".items[].metadata | select(.namespace == \"kube-system\") | .name"; done > /root/kube-system-pods.txt' "${1:-}"
}

# ci_cert_signed_on_node SUBJECT  — key and CSR in the workspace, signed by the cluster CA on the node.
ci_cert_signed_on_node() {
  openssl req -new -newkey rsa:2048 -nodes -keyout ci-reader.key -subj "$1" -out ci-reader.csr 2>/dev/null
  khl node cp ci-reader.csr control-plane:/root/ci-reader.csr >/dev/null
  lab_node_sh control-plane 'cd /etc/kubernetes/pki && openssl x509 -req -in /root/ci-reader.csr -CA ca.crt \
    -CAkey ca.key -CAcreateserial -days 7 -out /root/ci-reader.crt 2>/dev/null'
  khl node cp control-plane:/root/ci-reader.crt ci-reader.crt >/dev/null
}

# ci_role_for_user  — read pods in ci, bound to the user ci-reader.
ci_role_for_user() {
  kubectl -n ci create role pod-reader --verb=get,list,watch --resource=pods >/dev/null
  kubectl -n ci create rolebinding ci-reader-pods --role=pod-reader --user=ci-reader >/dev/null
}
