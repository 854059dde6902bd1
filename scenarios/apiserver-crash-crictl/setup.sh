#!/usr/bin/env bash
# apiserver-crash-crictl setup: one character in the apiserver's static-pod manifest breaks it
# (the kubelet restarts it, it exits at once), so kubectl cannot reach the cluster. The learner
# works on the control-plane node with crictl and the pod logs. The manifest is backed up first.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

manifest=/etc/kubernetes/manifests/kube-apiserver.yaml
lab_wait_apiserver 180
lab_log "breaking the apiserver (a flag of its manifest)"
# shellcheck disable=SC2016 # $1 and $KHL_* are expanded by the inner shells.
lab_node_sh control-plane 'sed -i "s/--authorization-mode=/--authorization-modus=/" "$1" && grep -q -- --authorization-modus= "$1"' "$manifest"
lab_log "waiting for the apiserver to go down"
# shellcheck disable=SC2016
lab_retry 180 sh -c '! "$KHL_NODE" "$KHL_BIN" node exec control-plane -- curl -sk -m 3 -o /dev/null -f https://127.0.0.1:6443/readyz'
# The attempt starts once the broken apiserver has exited with its error where a learner looks
# (crictl logs, the pod log files): an exited container alone may be the old, stopped apiserver,
# before the broken one has run (an other solution once found no error line to read).
# shellcheck disable=SC2016
lab_retry 120 sh -c '"$KHL_NODE" "$KHL_BIN" node exec control-plane -- sh -c "crictl ps -a --name kube-apiserver --state exited -q | grep -q . && grep -qs -- \"unknown flag: --authorization-modus\" /var/log/pods/kube-system_kube-apiserver-*/kube-apiserver/*.log"'
lab_log "the apiserver is down: over to you on the control-plane node"
