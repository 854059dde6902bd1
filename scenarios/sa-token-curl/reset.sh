#!/usr/bin/env bash
# sa-token-curl reset: everything setup (or the learner: a token Secret) made lives in namespace
# monitoring; deleting it also ends every token of its service accounts.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
lab_wait_apiserver 180 || true
kubectl delete namespace monitoring --ignore-not-found --timeout=240s >/dev/null
