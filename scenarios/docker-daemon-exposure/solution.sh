#!/usr/bin/env bash
# Reference solution: TLS on 2376 configured in daemon.json; the drop-in goes back to no -H flags.
set -euo pipefail
cd "$WORKSPACE"

cat > etc/docker/daemon.json <<'JSON'
{
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
  "tlsverify": true,
  "tlscacert": "/etc/docker/certs/ca.pem",
  "tlscert": "/etc/docker/certs/server-cert.pem",
  "tlskey": "/etc/docker/certs/server-key.pem",
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
