#!/usr/bin/env bash
# ssh-keys-only setup: sshd on the worker (off in the lab image) with fresh host keys, user jim
# with the lab password (this folder's jim.password), passwords, keyboard-interactive and root
# logins on, a cloud-image drop-in that says `PasswordAuthentication yes`, and a key for root on
# the control-plane node that the worker's root already accepts. Three node round trips.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_log "a key for root on the control-plane node (/root/.ssh/id_ed25519)"
PUB="$(lab_node_sh control-plane 'set -e; umask 077; mkdir -p /root/.ssh
  [ -f /root/.ssh/id_ed25519 ] || ssh-keygen -q -t ed25519 -N "" -C root@control-plane -f /root/.ssh/id_ed25519
  cat /root/.ssh/id_ed25519.pub')"

lab_log "on the worker: user jim with a password, root's authorized key, sshd with passwords, keyboard-interactive and root on"
# The key and the password travel on stdin, never on a command line.
# shellcheck disable=SC2016 # the script runs on the node.
{
  printf '%s\n' "$PUB"
  head -n 1 "$SCENARIO_DIR/jim.password"
} | lab_node_exec worker bash -c 'set -euo pipefail
  IFS= read -r pub; IFS= read -r pw
  id jim >/dev/null 2>&1 || useradd -m -s /bin/bash jim
  printf "jim:%s\n" "$pw" | chpasswd
  (umask 077; mkdir -p /root/.ssh; printf "%s\n" "$pub" > /root/.ssh/authorized_keys)
  ssh-keygen -A >/dev/null
  sed -i -e "s/^#\?PermitRootLogin .*/PermitRootLogin yes/" \
    -e "s/^#\?PasswordAuthentication .*/PasswordAuthentication yes/" \
    -e "s/^#\?KbdInteractiveAuthentication .*/KbdInteractiveAuthentication yes/" /etc/ssh/sshd_config
  mkdir -p /etc/ssh/sshd_config.d
  printf "PasswordAuthentication yes\n" > /etc/ssh/sshd_config.d/50-cloud-init.conf
  chmod 644 /etc/ssh/sshd_config.d/50-cloud-init.conf
  systemctl start ssh
  for _ in $(seq 1 60); do timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/22" 2>/dev/null && exit 0; sleep 1; done
  echo "sshd does not answer on port 22" >&2; exit 1'
# The learner's copy (the checks read the scenario's own file, never this one).
install -m 600 "$SCENARIO_DIR/jim.password" "$WORKSPACE/jim.password"
lab_log "sshd answers on the worker: from the control plane, ssh jim@$(lab_node_name worker)"
