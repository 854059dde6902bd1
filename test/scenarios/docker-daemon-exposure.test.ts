import { defineScenarioSelfTest } from './harness.js';

const DROPIN = 'etc/systemd/system/docker.service.d/override.conf';
const CERTS = '/etc/docker/certs';

/** daemon.json with TLS settings; `extra` adds keys (JSON text, leading comma included). */
const daemonJson = (extra: string) => `cat > etc/docker/daemon.json <<'JSON'
{
  "tlsverify": true,
  "tlscacert": "${CERTS}/ca.pem",
  "tlscert": "${CERTS}/server-cert.pem",
  "tlskey": "${CERTS}/server-key.pem"${extra}
}
JSON
`;

const dropinWithoutHosts = `printf '[Service]\\nExecStart=\\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\\n' > ${DROPIN}\n`;
const hostsInJson = `,\n  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"]`;

defineScenarioSelfTest('docker-daemon-exposure', {
  timeout: 30_000,
  otherSolutions: [
    {
      name: '-H flags (with line continuation) in the drop-in and no hosts in daemon.json',
      script: `${daemonJson('')}
cat > ${DROPIN} <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd -H fd:// \\
  --host=tcp://0.0.0.0:2376 --containerd=/run/containerd/containerd.sock
UNIT
`,
    },
    {
      name: 'everything as flags in the drop-in, daemon.json keeps only logging; drop-in removed and re-added as 10-tls.conf',
      script: `rm ${DROPIN}
cat > etc/docker/daemon.json <<'JSON'
{ "log-driver": "json-file" }
JSON
cat > etc/systemd/system/docker.service.d/10-tls.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd -H unix:///var/run/docker.sock -H tcp://10.0.0.10:2376 --tlsverify --tlscacert=${CERTS}/ca.pem --tlscert ${CERTS}/server-cert.pem --tlskey=${CERTS}/server-key.pem
UNIT
`,
    },
  ],
  nearMisses: [
    {
      name: 'nothing fixed, but .khl/dockerd-facts (a file in the workspace) rewritten to print passing answers',
      script: `mkdir -p .khl
cat > .khl/dockerd-facts <<'SH'
#!/bin/sh
case "$1" in
  plaintext|conflict) echo none ;;
  tls-host) echo tcp://0.0.0.0:2376 ;;
  tlsverify) echo on ;;
  tls-files) echo all three exist ;;
  tls-pair) echo a server certificate that matches its key and the CA ;;
esac
SH
`,
      failing: ['no-plaintext-tcp', 'hosts-in-one-place', 'tls-port', 'tlsverify', 'tls-files', 'tls-pair'],
    },
    {
      name: 'hosts moved to daemon.json but ExecStart keeps -H fd://',
      script: `${daemonJson(hostsInJson)}
printf '[Service]\\nExecStart=\\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\\n' > ${DROPIN}
`,
      failing: ['hosts-in-one-place'],
    },
    {
      name: 'daemon.json fixed but the drop-in deleted, so the packaged -H fd:// conflicts with hosts',
      script: `${daemonJson(hostsInJson)}
rm ${DROPIN}
`,
      failing: ['hosts-in-one-place'],
    },
    {
      name: 'only daemon.json fixed: the drop-in still opens 2375',
      script: daemonJson(hostsInJson),
      failing: ['no-plaintext-tcp', 'hosts-in-one-place'],
    },
    {
      name: 'the client pair (cert.pem/key.pem) given to the daemon',
      script: `${daemonJson(hostsInJson).replace('server-cert.pem', 'cert.pem').replace('server-key.pem', 'key.pem')}${dropinWithoutHosts}`,
      failing: ['tls-pair'],
    },
    {
      name: 'tls: true instead of tlsverify',
      script: `${daemonJson(hostsInJson).replace('"tlsverify": true', '"tls": true')}${dropinWithoutHosts}`,
      failing: ['tlsverify'],
    },
    {
      name: 'a key path with a typo',
      script: `${daemonJson(hostsInJson).replace('server-key.pem', 'server.key')}${dropinWithoutHosts}`,
      failing: ['tls-files', 'tls-pair'],
    },
  ],
});
