#!/usr/bin/env bash
# etcd-encryption setup: Secrets are stored in etcd as plain protobuf (kind's apiserver has no
# encryption provider config). Two Secrets in namespace vault to protect. The learner edits the
# apiserver manifest and adds the config on the control-plane node (both backed up first).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
if lab_node_sh control-plane 'grep -q -- "--encryption-provider-config" /etc/kubernetes/manifests/kube-apiserver.yaml'; then
  lab_die "the apiserver already encrypts: reset the scenario that turned it on first"
fi
lab_log "namespace vault with Secrets db-password and api-key"
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: vault
  labels: { k8s-harden-lab/scenario: etcd-encryption }
---
apiVersion: v1
kind: Secret
metadata: { name: db-password, namespace: vault }
stringData: { password: correct-horse-battery-staple }
---
apiVersion: v1
kind: Secret
metadata: { name: api-key, namespace: vault }
stringData: { key: lab-api-key-0123456789 }
YAML
lab_log "workspace kubeconfig: $WORKSPACE/kubeconfig (cluster lab, context admin)"
lab_admin_kubeconfig "$WORKSPACE/kubeconfig"
