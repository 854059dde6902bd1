#!/usr/bin/env bash
# network-policy reset: both namespaces (their pods and every NetworkPolicy in them).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180 || true
kubectl delete namespace shop outside --ignore-not-found --timeout=180s >/dev/null
