#!/usr/bin/env bash
# api-endpoints reference: a kubectl proxy on 8090 (in a session of its own, so it outlives this
# script as it would outlive a learner's command line), the answers read through it, and a
# ClusterRole for exactly the URLs the scraper reads.
set -euo pipefail
export KUBECONFIG="$WORKSPACE/kubeconfig"

setsid -f kubectl proxy --port=8090 >/dev/null 2>&1 </dev/null
for _ in $(seq 1 30); do
  curl -sf http://127.0.0.1:8090/api >/dev/null && break
  sleep 1
done
curl -s http://127.0.0.1:8090/version >"$WORKSPACE/version.json"
curl -s http://127.0.0.1:8090/apis/batch | jq -r .preferredVersion.groupVersion >"$WORKSPACE/cronjobs-gv"

kubectl apply -f - <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-scraper
rules:
  - nonResourceURLs: ["/metrics", "/healthz", "/livez", "/readyz"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics-scraper
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-scraper }
subjects:
  - { kind: ServiceAccount, name: scraper, namespace: monitoring }
YAML
