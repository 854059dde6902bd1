#!/usr/bin/env bash
# sa-token-curl reset: everything setup (or the learner: a token Secret) made lives in the drawn
# namespace; deleting it also ends every token of its service accounts.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
lab_wait_apiserver 180 || true
kubectl delete namespace "${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}" --ignore-not-found --timeout=240s >/dev/null
