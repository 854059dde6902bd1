#!/usr/bin/env bash
# network-policy reset: both namespaces (their pods and every NetworkPolicy in them); the drawn
# namespace comes in as KHL_PARAM_NAMESPACE, as at setup.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180 || true
kubectl delete namespace "${KHL_PARAM_NAMESPACE:?}" outside --ignore-not-found --timeout=180s >/dev/null
