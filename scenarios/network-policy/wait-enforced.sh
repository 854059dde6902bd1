#!/usr/bin/env bash
# Waits until the lab's enforcer has applied the policies of shop: frontend can no longer reach
# db (denied by every correct solution and every near miss), then a short settle for the rest.
# Used by solution.sh and the self-test's scripts; a learner simply tries again.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

db="$(kubectl -n shop get pod db -o jsonpath='{.status.podIP}')"
lab_retry 150 sh -c "! kubectl -n shop exec frontend -- timeout 4 nc -z -w 2 $db 5432"
sleep 5
