#!/usr/bin/env bash
# apiserver-client-cert reset: what setup or the learner made in the API, and the learner's scratch
# files on the control-plane node. The engine removes /root/whoami.json, /root/kube-system-pods.txt
# and the CA's serial file (absent before setup) after this script.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 240 || true
kubectl delete namespace ci --ignore-not-found --timeout=180s >/dev/null
kubectl delete certificatesigningrequest ci-reader --ignore-not-found >/dev/null
kubectl get clusterrolebindings -o json |
  jq -r '.items[] | select(any(.subjects[]?; (.kind == "User" and .name == "ci-reader") or (.kind == "Group" and .name == "ci"))) | .metadata.name' |
  while read -r name; do kubectl delete clusterrolebinding "$name" >/dev/null; done
# A CSR or certificate signed on the node, and anything else named after ci-reader there.
lab_node_sh control-plane 'rm -f /root/ci-reader.* /etc/kubernetes/pki/ci-reader.*'
