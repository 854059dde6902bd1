#!/usr/bin/env bash
# cis-controlplane setup: the control plane fails CIS controls of benchmark cis-1.12 (the one
# kube-bench maps Kubernetes 1.34 to). A stock kubeadm (kind) control plane already runs with
# profiling on in kube-apiserver, kube-controller-manager and kube-scheduler, and with the default
# --terminated-pod-gc-threshold (12500: finished pods pile up). Setup adds what kubeadm gets right:
# etcd stops requiring client certificates (no --client-cert-auth, no --trusted-ca-file), and three PKI private keys become readable by others.
# Fifteen finished pods in namespace cis-gc show whether the pod garbage collector really runs.
# Every node file changed here (and by the learner) is backed up first (scenario.yaml `backup:`).
# shellcheck disable=SC2016 # the single-quoted lines are for the node's (or an inner) shell: their $… expand there.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
manifests=/etc/kubernetes/manifests
for f in kube-apiserver kube-controller-manager kube-scheduler; do
  if lab_node_sh control-plane 'grep -q -- "--profiling=false" "$1"' "$manifests/$f.yaml"; then
    lab_die "$f already runs with --profiling=false: reset the scenario that changed it first"
  fi
done

# Every mode under /etc/kubernetes/pki as it was, for reset.sh (a learner may chmod more than the
# three keys below); kept from the first setup if setup runs again before a reset.
lab_node_sh control-plane '[ -e "$1" ] || { mkdir -p "$(dirname "$1")"; find /etc/kubernetes/pki -exec stat -c "%a %n" {} + > "$1"; }' \
  /var/lib/k8s-harden-lab/cis-controlplane/pki-modes

lab_log "namespace cis-gc with 15 finished pods (done-01 … done-15, the last one newest)"
image="$(lab_workload_image)"
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: cis-gc
  labels: { k8s-harden-lab/scenario: cis-controlplane }
YAML
# The namespace's default service account comes a moment later (pods are refused until then).
lab_retry 60 kubectl -n cis-gc get serviceaccount default
pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
  namespace: cis-gc
  labels: { app: batch-step, k8s-harden-lab/scenario: cis-controlplane }
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 1
  tolerations: [{ operator: Exists, effect: NoSchedule }]
  containers:
    - name: step
      image: $image
      imagePullPolicy: IfNotPresent
      command: ["true"]
---
YAML
}
{ for i in $(seq -w 1 14); do pod "done-$i"; done; } | kubectl apply -f - >/dev/null
# Finished = Succeeded or Failed (a container that failed to start counts: the collector takes both).
# The collector deletes the oldest finished pods first; done-15 is strictly the newest (creation
# timestamps have whole seconds), so it must survive any threshold of 1 or more.
sleep 2
pod done-15 | kubectl apply -f - >/dev/null
lab_retry 240 sh -c '[ "$(kubectl -n cis-gc get pods --field-selector=status.phase!=Pending,status.phase!=Running,status.phase!=Unknown -o name | wc -l)" -eq 15 ]'

lab_log "etcd: --client-cert-auth=false and no --trusted-ca-file (anyone who reaches 2379 may read and write every object)"
# etcd 3.5 and 3.6 ask every client for a certificate signed by --trusted-ca-file when that flag is
# set, whatever --client-cert-auth says (client/pkg/transport TLSInfo.ServerConfig): both must go.
etcd_pid="$(lab_node_sh control-plane 'pgrep -n -x etcd || true')"
lab_node_read control-plane "$manifests/etcd.yaml" |
  sed -e 's/^\( *\)- --client-cert-auth=true$/\1- --client-cert-auth=false/' -e '/^ *- --trusted-ca-file=/d' >"$WORKSPACE/etcd.yaml"
grep -q -- '- --client-cert-auth=false$' "$WORKSPACE/etcd.yaml" || lab_die "etcd.yaml has no --client-cert-auth=true line to change"
# Written in place (the kubelet reads every file in the manifests folder, a temporary copy too).
lab_node_write control-plane "$manifests/etcd.yaml" <"$WORKSPACE/etcd.yaml"
rm -f "$WORKSPACE/etcd.yaml"
lab_retry 240 lab_node_sh control-plane 'p="$(pgrep -n -x etcd)" && [ "$p" != "$1" ]' "$etcd_pid"
lab_retry 240 lab_node_sh control-plane '[ "$(curl -sk -m 5 -o /dev/null -w "%{http_code}" https://127.0.0.1:2379/version)" = 200 ]'
lab_wait_apiserver 240

lab_log "PKI keys readable by others: sa.key, front-proxy-ca.key, etcd/ca.key"
lab_node_sh control-plane 'chmod 644 /etc/kubernetes/pki/sa.key /etc/kubernetes/pki/front-proxy-ca.key /etc/kubernetes/pki/etcd/ca.key'

# An etcd restart can cost the controller-manager and the scheduler their leases: they exit and the
# kubelet restarts them with a back-off. The attempt starts with both healthy.
lab_log "waiting for kube-controller-manager and kube-scheduler to be healthy"
lab_retry 420 lab_node_sh control-plane 'curl -sfk -m 5 https://127.0.0.1:10257/healthz >/dev/null && curl -sfk -m 5 https://127.0.0.1:10259/healthz >/dev/null'
