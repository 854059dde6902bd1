#!/usr/bin/env bash
# kubeconfig-contexts-cluster reset: everything setup created in the API (no node files change).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
kubectl delete namespace dev staging --ignore-not-found --timeout=180s >/dev/null
kubectl delete csr k8s-harden-lab-dev-user --ignore-not-found >/dev/null
