#!/usr/bin/env bash
# abac-policy reset: API objects setup or the learner created. The engine restores the apiserver
# manifest and removes the policy file (both backed up before setup) after this script.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 240 || true
kubectl -n default delete pod abac-demo --ignore-not-found --timeout=180s >/dev/null
kubectl -n default delete secret john-token --ignore-not-found >/dev/null
# Token secrets of a service account are cleaned up by the token controller once it is gone.
kubectl -n default delete serviceaccount john --ignore-not-found >/dev/null
