#!/usr/bin/env bash
# docker-daemon-exposure: the workspace stands for `/` of a Docker host. Nothing here touches the
# real /etc, systemd or Docker: every path below is inside $WORKSPACE.
set -euo pipefail
cd "$WORKSPACE"
# Drawn from the attempt's seed (scenario.yaml params:): where the TLS files are, as a host path.
certs="${KHL_PARAM_CERTS:?}"
certs="${certs#/}"
command -v openssl >/dev/null 2>&1 || { echo "openssl is not installed" >&2; exit 1; }

mkdir -p etc/docker "$certs" etc/systemd/system/docker.service.d lib/systemd/system root/docker-ca

# The stock unit as the Debian package ships it (abridged).
cat > lib/systemd/system/docker.service <<'UNIT'
[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target docker.socket firewalld.service containerd.service
Wants=network-online.target containerd.service
Requires=docker.socket

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID
Restart=always

[Install]
WantedBy=multi-user.target
UNIT

# Someone opened the daemon to the network in the drop-in...
cat > etc/systemd/system/docker.service.d/override.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375 --containerd=/run/containerd/containerd.sock
UNIT

# ...and someone else did it again in daemon.json.
cat > etc/docker/daemon.json <<'JSON'
{
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "3" }
}
JSON

# Certificates made the way docs.docker.com/engine/security/protect-access/ shows (EC keys for speed).
ext() { printf '%s\n' "$@"; }
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key root/docker-ca/ca-key.pem
openssl req -x509 -new -key root/docker-ca/ca-key.pem -subj "/CN=docker-host CA" -days 365 \
  -addext basicConstraints=critical,CA:TRUE -out "$certs/ca.pem"
key "$certs/server-key.pem"
openssl req -new -key "$certs/server-key.pem" -subj "/CN=docker-host" -out root/docker-ca/server.csr
ext 'subjectAltName=DNS:docker-host,IP:10.0.0.10,IP:127.0.0.1' 'extendedKeyUsage=serverAuth' > root/docker-ca/server.ext
openssl x509 -req -in root/docker-ca/server.csr -CA "$certs/ca.pem" -CAkey root/docker-ca/ca-key.pem \
  -CAcreateserial -days 365 -extfile root/docker-ca/server.ext -out "$certs/server-cert.pem" 2>/dev/null
key "$certs/key.pem"
openssl req -new -key "$certs/key.pem" -subj "/CN=client" -out root/docker-ca/client.csr
ext 'extendedKeyUsage=clientAuth' > root/docker-ca/client.ext
openssl x509 -req -in root/docker-ca/client.csr -CA "$certs/ca.pem" -CAkey root/docker-ca/ca-key.pem \
  -CAcreateserial -days 365 -extfile root/docker-ca/client.ext -out "$certs/cert.pem" 2>/dev/null
chmod 600 root/docker-ca/ca-key.pem "$certs/server-key.pem" "$certs/key.pem"

echo "Workspace ready: it stands for / of the Docker host ($WORKSPACE)"
