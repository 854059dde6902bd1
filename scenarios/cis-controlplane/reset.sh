#!/usr/bin/env bash
# cis-controlplane reset: the finished pods go, and every mode under /etc/kubernetes/pki comes
# back from the list setup wrote before it changed anything (a learner may have chmod-ed other
# keys, certificates or the folders). The engine then restores the four manifests and the three
# keys byte for byte (backed up before setup), removes the list, and waits for a settled control plane.
# shellcheck disable=SC2016 # the single-quoted lines are for the node's (or an inner) shell: their $… expand there.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 240 || true
kubectl delete namespace cis-gc --ignore-not-found --timeout=180s >/dev/null || true
lab_node_sh control-plane '[ -f "$1" ] || exit 0; while read -r mode path; do [ ! -e "$path" ] || chmod "$mode" "$path"; done < "$1"' \
  /var/lib/k8s-harden-lab/cis-controlplane/pki-modes
