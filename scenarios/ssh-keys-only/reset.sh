#!/usr/bin/env bash
# ssh-keys-only reset: sshd off again (as in the lab image), jim's processes and home gone, every
# drop-in removed. The engine then restores the backed-up files (sshd_config, the user database,
# root's keys on both nodes, the logs) and deletes the ones setup made (host keys).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

# shellcheck disable=SC2016 # the script runs on the node.
lab_node_sh worker 'systemctl stop ssh.service 2>/dev/null || true
  systemctl disable ssh.service >/dev/null 2>&1 || true
  if id -u jim >/dev/null 2>&1; then pkill -KILL -u "$(id -u jim)" 2>/dev/null || true; fi
  rm -rf /home/jim
  rm -f /etc/ssh/sshd_config.d/*.conf'
