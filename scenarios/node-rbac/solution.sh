#!/usr/bin/env bash
# node-rbac reference: the read-only group keeps only the reads on nodes; the on-call group gets
# its own role with patch (what cordon, uncordon and taint send); nobody keeps a node subresource
# or secrets. A binding's roleRef cannot change, so the on-call group's binding is made again.
# The drawn values come in as KHL_PARAM_* (scenario.yaml params:): the shared role setup made,
# and the on-call group (its binding is named after it).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

kubectl apply -f - <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: $KHL_PARAM_ROLE
rules:
  - apiGroups: [""]
    resources: ["nodes"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-oncall
rules:
  - apiGroups: [""]
    resources: ["nodes"]
    verbs: ["get", "list", "watch", "patch"]
YAML
kubectl delete clusterrolebinding "$KHL_PARAM_ONCALL-nodes"
kubectl create clusterrolebinding "$KHL_PARAM_ONCALL-nodes" --clusterrole=node-oncall --group="$KHL_PARAM_ONCALL"
