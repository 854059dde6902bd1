#!/usr/bin/env bash
# kubeconfig-contexts-cluster reset: everything setup created in the API (no node files change),
# for the values drawn at setup (the same KHL_PARAM_* as setup's).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
kubectl delete namespace "${KHL_PARAM_NAMESPACE:?}" staging --ignore-not-found --timeout=180s >/dev/null
kubectl delete csr "k8s-harden-lab-${KHL_PARAM_USER:?}" --ignore-not-found >/dev/null
