#!/usr/bin/env bash
# sa-token-curl reference solution: a 30-minute token for the drawn account, its JWT payload
# decoded with cut/tr/base64 (base64url, no padding), the pod list fetched with curl and the
# cluster's CA. The drawn values come in as KHL_PARAM_* (scenario.yaml params:).
set -euo pipefail
cd "$WORKSPACE"

# 1. A short-lived token from the TokenRequest API.
kubectl -n "$KHL_PARAM_NAMESPACE" create token "$KHL_PARAM_ACCOUNT" --duration=30m >reporter.token

# 2. The payload is the second dot-separated part, base64url without padding: map - and _ back
#    to + and /, pad to a multiple of 4, then decode.
payload="$(cut -d. -f2 reporter.token | tr '_-' '/+')"
while [ $((${#payload} % 4)) -ne 0 ]; do payload="$payload="; done
printf '%s' "$payload" | base64 -d >reporter-claims.json

# 3. curl, with the token as a bearer header and the cluster's CA (from the kubeconfig).
kubectl config view --raw --minify -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}' |
  base64 -d >ca.crt
SERVER="$(kubectl config view --minify -o 'jsonpath={.clusters[0].cluster.server}')"
curl -sf --cacert ca.crt -H "Authorization: Bearer $(cat reporter.token)" \
  "$SERVER/api/v1/namespaces/$KHL_PARAM_NAMESPACE/pods" -o pods.json
