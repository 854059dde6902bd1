#!/usr/bin/env bash
# sa-automount reset: everything setup (or the learner) made lives in namespace shop.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
lab_wait_apiserver 180 || true
kubectl delete namespace shop --ignore-not-found --timeout=240s >/dev/null
