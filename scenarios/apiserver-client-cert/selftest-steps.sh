# shellcheck shell=bash
# The learner's steps of apiserver-client-cert, one function each, for selftest.yaml's cases: a near
# miss is the right steps with one of them done wrong. Sourced after ../_lib/lab.sh, cwd = workspace.
# The drawn values come from the case's environment: KHL_PARAM_USER, KHL_PARAM_GROUP and
# KHL_PARAM_NAMESPACE (the CI job's user, group and namespace).

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
  local u="$KHL_PARAM_USER"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$u.key" -subj "$1" -out "$u.csr" 2>/dev/null
  khl node cp "$u.csr" "control-plane:/root/$u.csr" >/dev/null
  # shellcheck disable=SC2016 # $1 belongs to the node's shell.
  lab_node_sh control-plane 'cd /etc/kubernetes/pki && openssl x509 -req -in "/root/$1.csr" -CA ca.crt \
    -CAkey ca.key -CAcreateserial -days 7 -out "/root/$1.crt" 2>/dev/null' "$u"
  khl node cp "control-plane:/root/$u.crt" "$u.crt" >/dev/null
}

# ci_role_for_user  — read pods in the CI job's namespace, bound to its user.
ci_role_for_user() {
  kubectl -n "$KHL_PARAM_NAMESPACE" create role pod-reader --verb=get,list,watch --resource=pods >/dev/null
  kubectl -n "$KHL_PARAM_NAMESPACE" create rolebinding "$KHL_PARAM_USER-pods" --role=pod-reader --user="$KHL_PARAM_USER" >/dev/null
}
