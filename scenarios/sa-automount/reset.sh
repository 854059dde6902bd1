#!/usr/bin/env bash
# sa-automount reset: everything setup (or the learner) made lives in the drawn namespace.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
lab_wait_apiserver 180 || true
kubectl delete namespace "${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}" --ignore-not-found --timeout=240s >/dev/null
