#!/usr/bin/env bash
# Reference solution: TLS on the drawn port configured in daemon.json; the drop-in goes back to no
# -H flags. The drawn values come in as KHL_PARAM_* (scenario.yaml params:).
set -euo pipefail
cd "$WORKSPACE"

cat > etc/docker/daemon.json <<JSON
{
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:$KHL_PARAM_PORT"],
  "tlsverify": true,
  "tlscacert": "$KHL_PARAM_CERTS/ca.pem",
  "tlscert": "$KHL_PARAM_CERTS/server-cert.pem",
  "tlskey": "$KHL_PARAM_CERTS/server-key.pem",
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "3" }
}
JSON

# hosts now live in daemon.json, so ExecStart must not pass -H (not even -H fd://).
cat > etc/systemd/system/docker.service.d/override.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock
UNIT
# On a real host: systemctl daemon-reload && systemctl restart docker
