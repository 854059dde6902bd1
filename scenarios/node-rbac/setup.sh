#!/usr/bin/env bash
# node-rbac setup: the groups $KHL_PARAM_READERS and $KHL_PARAM_ONCALL (drawn) were given
# everything on nodes and the node subresources (nodes/proxy reaches the kubelet API through the
# apiserver) plus read on Secrets, cluster-wide, by one ClusterRole $KHL_PARAM_ROLE (drawn). Both
# keep `view` in namespace `support`. API objects only; nothing on the nodes.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
# Drawn from the attempt's seed (scenario.yaml params:).
readers="${KHL_PARAM_READERS:?the groups are drawn at setup}"
oncall="${KHL_PARAM_ONCALL:?the groups are drawn at setup}"
role="${KHL_PARAM_ROLE:?the role is drawn at setup}"

lab_wait_apiserver 180
# Left over from an attempt that was never reset, whichever names it drew (`start --force` draws
# anew): what reset removes goes first, so no old binding adds rights and none blocks an apply.
bash "$SCENARIO_DIR/reset.sh"
# The heredocs below are unquoted so the drawn names are filled in; the YAML has no other dollar sign.
lab_log "namespace support, where both groups may view everything (RoleBinding to view)"
kubectl apply -f - >/dev/null <<YAML
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
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: $readers }
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: $oncall }
YAML
lab_log "ClusterRole $role: every verb on nodes and their subresources, and read on secrets, bound to both groups"
kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: $role
  labels: { k8s-harden-lab/scenario: node-rbac }
rules:
  - apiGroups: [""]
    # RBAC has no nodes/* wildcard (it would match nothing): subresources are named one by one.
    resources: ["nodes", "nodes/proxy", "nodes/log", "nodes/stats", "nodes/metrics", "nodes/status"]
    verbs: ["*"]
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: $readers-nodes
  labels: { k8s-harden-lab/scenario: node-rbac }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $role }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: $readers }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: $oncall-nodes
  labels: { k8s-harden-lab/scenario: node-rbac }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $role }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: $oncall }
YAML
lab_log "workspace kubeconfig: $WORKSPACE/kubeconfig (the lab admin; try --as=sam --as-group=$readers)"
lab_admin_kubeconfig "$WORKSPACE/kubeconfig"
