#!/usr/bin/env bash
# ssh-keys-only setup: sshd on the worker (off in the lab image) with fresh host keys, user jim
# with the lab password (this folder's jim.password), passwords, keyboard-interactive and root
# logins on, a cloud-image drop-in that says `PasswordAuthentication yes`, and a key for root on
# the control-plane node that the worker's root already accepts.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

WORKER="$(lab_node_name worker)"

lab_log "a key for root on the control-plane node (/root/.ssh/id_ed25519)"
lab_node_sh control-plane 'set -e; umask 077; mkdir -p /root/.ssh
  [ -f /root/.ssh/id_ed25519 ] || ssh-keygen -q -t ed25519 -N "" -C root@control-plane -f /root/.ssh/id_ed25519'
PUB="$(lab_node_read control-plane /root/.ssh/id_ed25519.pub)"

lab_log "user jim on $WORKER, who logs in with a password"
lab_node_sh worker 'id jim >/dev/null 2>&1 || useradd -m -s /bin/bash jim'
# The password travels on stdin, never on a command line.
{ printf 'jim:'; head -n 1 "$SCENARIO_DIR/jim.password"; } | lab_node_exec worker chpasswd
# The learner's copy (the checks read the scenario's own file, never this one).
install -m 600 "$SCENARIO_DIR/jim.password" "$WORKSPACE/jim.password"

lab_log "root on $WORKER accepts the control plane's key"
lab_node_sh worker 'umask 077; mkdir -p /root/.ssh'
printf '%s\n' "$PUB" | lab_node_write worker /root/.ssh/authorized_keys 600

lab_log "sshd on $WORKER: passwords, keyboard-interactive and root allowed"
# shellcheck disable=SC2016 # the script runs on the node.
lab_node_sh worker 'set -e
  ssh-keygen -A >/dev/null
  sed -i -e "s/^#\?PermitRootLogin .*/PermitRootLogin yes/" \
    -e "s/^#\?PasswordAuthentication .*/PasswordAuthentication yes/" \
    -e "s/^#\?KbdInteractiveAuthentication .*/KbdInteractiveAuthentication yes/" /etc/ssh/sshd_config
  mkdir -p /etc/ssh/sshd_config.d
  printf "PasswordAuthentication yes\n" > /etc/ssh/sshd_config.d/50-cloud-init.conf
  chmod 644 /etc/ssh/sshd_config.d/50-cloud-init.conf
  systemctl start ssh'
# shellcheck disable=SC2016 # $1 belongs to the node's shell.
lab_retry 60 lab_node_sh control-plane 'timeout 5 bash -c "exec 3<>/dev/tcp/$1/22"' "$WORKER"
lab_log "sshd answers on $WORKER:22 (from the control plane: ssh jim@$WORKER)"
