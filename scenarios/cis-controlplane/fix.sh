#!/usr/bin/env bash
# fix.sh [GC_THRESHOLD] [KEYS]  — what a learner does by hand, for solution.sh and the self-test:
# one static-pod manifest at a time on the control-plane node (edited in place, as an editor does),
# each component waited for before the next. GC_THRESHOLD (default 10) goes to
# --terminated-pod-gc-threshold; KEYS is `all` (every key under /etc/kubernetes/pki, subfolders
# too; the default) or `top` (kube-bench's printed remediation, `chmod 600 /etc/kubernetes/pki/*.key`).
# GC_THRESHOLD `none`: no threshold flag; the five oldest finished pods are deleted by hand instead.
# With a threshold above 0 it waits until the collector has brought cis-gc down to it; with 0 it
# waits until the new controller-manager leads and one collector period (20 s) has passed.
# shellcheck disable=SC2016 # the single-quoted lines are for the node's (or an inner) shell: their $… expand there.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

threshold="${1:-10}" keys="${2:-all}"
m=/etc/kubernetes/manifests

# edit FILE SED-SCRIPT  — the manifest through sed, written back in place.
edit() {
  lab_node_read control-plane "$m/$1" | sed "$2" >"$WORKSPACE/$1"
  lab_node_write control-plane "$m/$1" <"$WORKSPACE/$1"
  rm -f "$WORKSPACE/$1"
}
# By the command line, not `pgrep -x`: a process name is cut to 15 characters, so
# `pgrep -x kube-controller-manager` finds nothing.
newest() { lab_node_sh control-plane 'pgrep -n -f "^$1 " || true' "$1"; }
# wait_new PROGRAM OLD_PID  — a process other than OLD_PID runs the program.
wait_new() {
  # shellcheck disable=SC2016 # $1 and $2 belong to the node's shell.
  lab_retry 240 lab_node_sh control-plane 'p="$(pgrep -n -f "^$1 ")" && [ "$p" != "$2" ]' "$1" "$2"
}

lab_log "etcd: --client-cert-auth=true and --trusted-ca-file (the CA whose client certificates it accepts)"
old="$(newest etcd)"
edit etcd.yaml 's|^\( *\)- --client-cert-auth=false$|\1- --client-cert-auth=true\n\1- --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt|'
wait_new etcd "$old"
lab_wait_apiserver 240

lab_log "kube-apiserver: --profiling=false"
old="$(lab_apiserver_pid)"
edit kube-apiserver.yaml 's/^\( *\)- kube-apiserver$/&\n\1- --profiling=false/'
lab_wait_new_apiserver "$old" 240

gc_flag="\\n\\1- --terminated-pod-gc-threshold=$threshold"
[ "$threshold" = none ] && gc_flag=''
lab_log "kube-controller-manager: --profiling=false, --terminated-pod-gc-threshold=$threshold"
lease() { kubectl -n kube-system get lease kube-controller-manager -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null || true; }
old_lease="$(lease)" old="$(newest kube-controller-manager)"
edit kube-controller-manager.yaml \
  "s/^\( *\)- kube-controller-manager\$/&\n\1- --profiling=false$gc_flag/"
wait_new kube-controller-manager "$old"

lab_log "kube-scheduler: --profiling=false"
old="$(newest kube-scheduler)"
edit kube-scheduler.yaml 's/^\( *\)- kube-scheduler$/&\n\1- --profiling=false/'
wait_new kube-scheduler "$old"

lab_log "PKI keys: 600 ($keys)"
if [ "$keys" = top ]; then
  lab_node_sh control-plane 'chmod 600 /etc/kubernetes/pki/*.key'
else
  lab_node_sh control-plane "find /etc/kubernetes/pki -name '*.key' -exec chmod 600 {} +"
fi

lab_retry 120 lab_node_sh control-plane 'curl -sfk -m 5 https://127.0.0.1:10257/healthz >/dev/null && curl -sfk -m 5 https://127.0.0.1:10259/healthz >/dev/null'
# A new controller-manager leads only once the old one's lease has run out (up to about a minute).
lab_log "waiting for the new controller-manager to lead"
lab_retry 180 sh -c 'h="$(kubectl -n kube-system get lease kube-controller-manager -o "jsonpath={.spec.holderIdentity}")" && [ -n "$h" ] && [ "$h" != "$1" ]' sh "$old_lease"
if [ "$threshold" = none ]; then
  lab_log "deleting the five oldest finished pods by hand"
  kubectl -n cis-gc delete pod done-01 done-02 done-03 done-04 done-05 --wait=false >/dev/null
  lab_retry 60 sh -c '[ "$(kubectl -n cis-gc get pods -o name | wc -l)" -le 10 ]'
elif [ "$threshold" -gt 0 ]; then
  lab_log "waiting for the pod garbage collector (every 20 s) to bring cis-gc down to $threshold"
  # shellcheck disable=SC2016 # $1 belongs to the inner shell.
  lab_retry 180 sh -c '[ "$(kubectl -n cis-gc get pods -o name | wc -l)" -le "$1" ]' sh "$threshold"
else
  sleep 30
fi
