#!/usr/bin/env bash
# node-rbac reset: every ClusterRoleBinding that names one of the attempt's groups
# ($KHL_PARAM_READERS, $KHL_PARAM_ONCALL) or the users sam/olga (setup's and the learner's), the
# ClusterRoles they pointed at unless built in, setup's own objects (labelled), the shared role
# ($KHL_PARAM_ROLE) and the namespace support. Nothing on the nodes changed.
# The groups also come from the RoleBinding support-view (setup names both there), so a reset run
# without the attempt's values, or before a setup that drew other ones, still finds them.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180 || true
groups="${KHL_PARAM_READERS:-} ${KHL_PARAM_ONCALL:-} $(kubectl -n support get rolebinding support-view \
  -o 'jsonpath={.subjects[*].name}' 2>/dev/null || true)"
# The drawn groups are Kubernetes names (scenario.yaml params:): a word each, no quoting needed in
# jq. Anything else in support-view (a system: group a learner added) is never a reason to delete.
names='.name == ""'
for g in $groups; do
  if [[ $g =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]]; then names+=" or .name == \"$g\""; fi
done
lab_delete_bindings "(.kind == \"Group\" and ($names))
  or (.kind == \"User\" and (.name == \"sam\" or .name == \"olga\"))"
kubectl delete clusterrole,clusterrolebinding -l k8s-harden-lab/scenario=node-rbac --ignore-not-found >/dev/null
if [ -n "${KHL_PARAM_ROLE:-}" ]; then
  kubectl delete clusterrole "$KHL_PARAM_ROLE" --ignore-not-found >/dev/null
fi
kubectl delete namespace support --ignore-not-found --timeout=180s >/dev/null
