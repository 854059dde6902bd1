#!/usr/bin/env bash
# audit-policy reference: health checks not at all, Secrets at Metadata, ConfigMap writes with
# both bodies, everything else at Metadata. The first matching rule wins, so the catch-all is last.
set -euo pipefail
cat >"$WORKSPACE/policy.yaml" <<'YAML'
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*"]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets"] }]
  - level: RequestResponse
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    resources: [{ group: "", resources: ["configmaps"] }]
  - level: Metadata
YAML
"$SCENARIO_DIR/enable-audit.sh" "$WORKSPACE/policy.yaml"
