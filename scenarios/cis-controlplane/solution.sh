#!/usr/bin/env bash
# cis-controlplane reference: on the control-plane node, one manifest at a time: etcd requires
# client certificates again, profiling off in kube-apiserver, kube-controller-manager and
# kube-scheduler, the pod garbage collector bounded at 10 finished pods, and every PKI key 600
# (subfolders included). fix.sh waits for each component and for the collector.
set -euo pipefail
"$SCENARIO_DIR/fix.sh" 10 all
