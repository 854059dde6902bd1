#!/usr/bin/env bash
# node-rbac reference: support keeps only the reads on nodes; oncall gets its own role with
# patch (what cordon, uncordon and taint send); nobody keeps a node subresource or secrets. A binding's
# roleRef cannot change, so oncall's binding is made again.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

kubectl apply -f - <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-support
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
kubectl delete clusterrolebinding oncall-nodes
kubectl create clusterrolebinding oncall-nodes --clusterrole=node-oncall --group=oncall
