# shellcheck shell=bash
# sshLogin (src/engine/probes/ssh.ts), run on the `from` node as
#   bash -c "$(cat ssh-login.sh)" khl-ssh HOST PORT USER METHOD KEYFILE SECONDS
# One login attempt with the OpenSSH client, by exactly one method, to USER@HOST. A password comes
# on stdin and is answered through SSH_ASKPASS (OpenSSH >= 8.4: SSH_ASKPASS_REQUIRE=force, so no
# sshpass and no tty), from the environment: it is never on a command line or in a file.
# `-F /dev/null`: the node's client config (which a learner may have written) plays no part; known
# hosts are not kept. Prints `R <ssh's exit code>`, `O <stdout line>` (the remote `id -un`),
# `E <stderr line>` (the client's -v log), or `K` when the key file is missing. The askpass script
# is written to /var/tmp (/tmp on kind nodes is noexec) and removed on exit.
set -u
host=$1 port=$2 user=$3 method=$4 key=$5 t=$6
set -- -v -n -F /dev/null -p "$port" -o ConnectTimeout="$t" -o ConnectionAttempts=1 \
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
  -o PreferredAuthentications="$method" -o NumberOfPasswordPrompts=1 -o IdentityAgent=none \
  -o ControlMaster=no -o ControlPath=none -o RequestTTY=no
d=$(mktemp -d /var/tmp/khl-ssh.XXXXXX) || exit 3
trap 'rm -rf "$d"' EXIT
if [ "$method" = publickey ]; then
  [ -f "$key" ] || { echo K; exit 0; }
  set -- "$@" -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityFile="$key"
else
  KHL_SSH_SECRET=
  IFS= read -r KHL_SSH_SECRET || true
  export KHL_SSH_SECRET
  # shellcheck disable=SC2016 # the askpass script reads the variable when ssh runs it.
  printf '#!/bin/sh\nprintf "%%s\\n" "$KHL_SSH_SECRET"\n' >"$d/askpass"
  chmod 700 "$d/askpass"
  export SSH_ASKPASS="$d/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=
  # BatchMode=yes would turn password and keyboard-interactive off in the client itself.
  set -- "$@" -o BatchMode=no -o PubkeyAuthentication=no
fi
timeout "$((t + 15))" ssh "$@" "$user@$host" id -un >"$d/out" 2>"$d/err" </dev/null
echo "R $?"
head -n 5 "$d/out" | sed 's/^/O /'
head -n 400 "$d/err" | sed 's/^/E /'
