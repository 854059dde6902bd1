#!/usr/bin/env bash
# apiserver-client-cert reset: what setup or the learner made in the API, and the learner's scratch
# files on the control-plane node. The engine removes /root/whoami.json, /root/kube-system-pods.txt
# and the CA's serial file (absent before setup) after this script. The drawn user, group and
# namespace come in as KHL_PARAM_*, as at setup.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
user="${KHL_PARAM_USER:?}" group="${KHL_PARAM_GROUP:?}" ns="${KHL_PARAM_NAMESPACE:?}"

lab_wait_apiserver 240 || true
kubectl delete namespace "$ns" --ignore-not-found --timeout=180s >/dev/null
kubectl delete certificatesigningrequest "$user" --ignore-not-found >/dev/null
kubectl get clusterrolebindings -o json |
  jq -r --arg u "$user" --arg g "$group" \
    '.items[] | select(any(.subjects[]?; (.kind == "User" and .name == $u) or (.kind == "Group" and .name == $g))) | .metadata.name' |
  while read -r name; do kubectl delete clusterrolebinding "$name" >/dev/null; done
# A CSR or certificate signed on the node, and anything else named after the user there.
# shellcheck disable=SC2016 # $1 belongs to the node's shell.
lab_node_sh control-plane 'rm -f /root/"$1".* /etc/kubernetes/pki/"$1".*' "$user"
