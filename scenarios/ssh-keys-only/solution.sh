#!/usr/bin/env bash
# ssh-keys-only reference solution: jim's key first (and proven), then passwords,
# keyboard-interactive and root off in sshd_config AND the drop-in that overrides it, checked with
# `sshd -t` and applied with a reload.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

WORKER="$(lab_node_name worker)"

lab_log "jim's authorized_keys on $WORKER: the control plane's public key"
lab_node_read control-plane /root/.ssh/id_ed25519.pub |
  lab_node_exec worker sh -c 'set -e; install -d -m 700 -o jim -g jim /home/jim/.ssh
    cat >> /home/jim/.ssh/authorized_keys
    chown jim:jim /home/jim/.ssh/authorized_keys; chmod 600 /home/jim/.ssh/authorized_keys'

lab_log "the key gets jim in, before any password door closes"
# shellcheck disable=SC2016 # $1 belongs to the node's shell.
lab_node_sh control-plane 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
  -i /root/.ssh/id_ed25519 "jim@$1" id -un' "$WORKER"

lab_log "sshd: no passwords, no keyboard-interactive, no root (the drop-in too), then reload"
lab_node_sh worker 'set -e
  sed -i -e "s/^PasswordAuthentication .*/PasswordAuthentication no/" \
    -e "s/^KbdInteractiveAuthentication .*/KbdInteractiveAuthentication no/" \
    -e "s/^PermitRootLogin .*/PermitRootLogin no/" /etc/ssh/sshd_config
  sed -i "s/^PasswordAuthentication .*/PasswordAuthentication no/" /etc/ssh/sshd_config.d/50-cloud-init.conf
  sshd -t
  sshd -T | grep -E "^(passwordauthentication|kbdinteractiveauthentication|permitrootlogin) "
  systemctl reload ssh'
# The reload re-executes sshd: wait until it answers again.
sleep 2
lab_wait_tcp worker 22
