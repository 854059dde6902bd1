#!/usr/bin/env bash
# apiserver-crash-crictl reference: read the exited container's log with crictl, keep the line
# that says why, fix the flag in place, and wait for the static pod to come back.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

# shellcheck disable=SC2016 # the node's shell expands these.
lab_node_sh control-plane '
  # The newest EXITED attempt: the newest of all may have just started and printed nothing yet.
  id=$(crictl ps -a --name kube-apiserver --state exited -q | head -n 1)
  crictl logs "$id" 2>&1 | grep -m1 "unknown flag" > /root/apiserver-error.txt
  sed -i "s/--authorization-modus=/--authorization-mode=/" /etc/kubernetes/manifests/kube-apiserver.yaml'
sleep 5
lab_wait_apiserver 240
lab_retry 180 kubectl -n kube-system wait --for=condition=Ready pod -l component=kube-apiserver --timeout=10s
