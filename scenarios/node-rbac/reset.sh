#!/usr/bin/env bash
# node-rbac reset: every ClusterRoleBinding that names the groups support/oncall or the users
# sam/olga (setup's and the learner's), the ClusterRoles they pointed at unless built in, and the
# namespace support. Nothing on the nodes changed.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180 || true
lab_delete_bindings '(.kind == "Group" and (.name == "support" or .name == "oncall"))
  or (.kind == "User" and (.name == "sam" or .name == "olga"))'
kubectl delete clusterrole,clusterrolebinding -l k8s-harden-lab/scenario=node-rbac --ignore-not-found >/dev/null
kubectl delete namespace support --ignore-not-found --timeout=180s >/dev/null
