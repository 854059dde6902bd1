#!/usr/bin/env bash
# node-rbac setup: groups `support` and `oncall` were given everything on nodes and the node
# subresources (nodes/proxy reaches the kubelet API through the apiserver) plus read on Secrets,
# cluster-wide. Both keep `view` in namespace `support`. API objects only; nothing on the nodes.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
lab_log "namespace support, where both groups may view everything (RoleBinding to view)"
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: support
  labels: { k8s-harden-lab/scenario: node-rbac }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: support-view
  namespace: support
  labels: { k8s-harden-lab/scenario: node-rbac }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: support }
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: oncall }
YAML
lab_log "ClusterRole node-support: every verb on nodes and their subresources, and read on secrets, bound to both groups"
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-support
  labels: { k8s-harden-lab/scenario: node-rbac }
rules:
  - apiGroups: [""]
    # RBAC has no `nodes/*` wildcard (it would match nothing): subresources are named one by one.
    resources: ["nodes", "nodes/proxy", "nodes/log", "nodes/stats", "nodes/metrics", "nodes/status"]
    verbs: ["*"]
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: support-nodes
  labels: { k8s-harden-lab/scenario: node-rbac }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-support }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: support }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: oncall-nodes
  labels: { k8s-harden-lab/scenario: node-rbac }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-support }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: oncall }
YAML
lab_log "workspace kubeconfig: $WORKSPACE/kubeconfig (the lab admin; try --as=sam --as-group=support)"
lab_admin_kubeconfig "$WORKSPACE/kubeconfig"
