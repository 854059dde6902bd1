#!/usr/bin/env bash
# etcd-encryption reference: aescbc with a fresh 32-byte key first, identity second (so Secrets
# written before still read), then every Secret written again.
set -euo pipefail
key="$(head -c 32 /dev/urandom | base64)"
cat >"$WORKSPACE/enc.yaml" <<YAML
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ["secrets"]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: $key
      - identity: {}
YAML
"$SCENARIO_DIR/encrypt.sh" "$WORKSPACE/enc.yaml"
rm -f "$WORKSPACE/enc.yaml"
