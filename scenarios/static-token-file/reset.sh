#!/usr/bin/env bash
# static-token-file reset: the API objects setup or the learner made. The engine then restores the
# apiserver manifest and removes the token file (both backed up before setup); the apiserver
# restarts without --token-auth-file.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 240 || true
kubectl delete namespace apps --ignore-not-found --timeout=180s >/dev/null
kubectl get clusterrolebindings -o json |
  jq -r '.items[] | select(any(.subjects[]?; .kind == "User" and (.name == "deploy-bot" or .name == "old-admin"))) | .metadata.name' |
  while read -r name; do kubectl delete clusterrolebinding "$name" >/dev/null; done
# A manifest a learner moved out to restart the apiserver and never put back.
lab_node_sh control-plane 'rm -f /root/kube-apiserver.yaml'
# The token file goes with the backup's restore; its folder, made by setup, goes here when empty.
lab_node_sh control-plane 'rm -f /etc/kubernetes/auth/tokens.csv; [ ! -d /etc/kubernetes/auth ] || rmdir --ignore-fail-on-non-empty /etc/kubernetes/auth'
