#!/usr/bin/env bash
# Waits until the lab's enforcer has applied the policies of the drawn namespace
# (KHL_PARAM_NAMESPACE, inherited from the script that runs this): frontend can no longer reach db
# (denied by every correct solution and every near miss), then a short settle for the rest.
# Used by solution.sh and the self-test's scripts; a learner simply tries again.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

ns="${KHL_PARAM_NAMESPACE:?the namespace is drawn at setup}"
db="$(kubectl -n "$ns" get pod db -o jsonpath='{.status.podIP}')"
lab_retry 150 sh -c "! kubectl -n '$ns' exec frontend -- timeout 4 nc -z -w 2 $db 5432"
sleep 5
