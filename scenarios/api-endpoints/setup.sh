#!/usr/bin/env bash
# api-endpoints setup: namespace monitoring with a service account `scraper` that has no rights,
# and a workspace kubeconfig (the lab admin's) for the learner's kubectl proxy. API objects only.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_wait_apiserver 180
lab_log "namespace monitoring, service account scraper (no rights yet)"
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
  labels: { k8s-harden-lab/scenario: api-endpoints }
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: scraper
  namespace: monitoring
YAML
lab_log "answer files to fill in: version.json, cronjobs-gv"
printf '{}\n' >"$WORKSPACE/version.json"
: >"$WORKSPACE/cronjobs-gv"
lab_log "workspace kubeconfig: $WORKSPACE/kubeconfig (cluster lab, context admin)"
lab_admin_kubeconfig "$WORKSPACE/kubeconfig"
