#!/usr/bin/env bash
# static-token-file reference solution: on the control-plane node, the bot's line gets its intended
# groups (one quoted column), the old-admin line goes, and the apiserver is restarted so it reads
# the file again (the static pod's manifest moved out of the kubelet's folder and back).
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"
CP=control-plane

# 1. The token file: same token, groups "deployers,ci", no old-admin.
lab_node_sh "$CP" '
  set -e
  cd /etc/kubernetes/auth
  sed -i -e "/,old-admin,/d" -e "s/,deploy-bot,1001,system:masters\$/,deploy-bot,1001,\"deployers,ci\"/" tokens.csv
  cut -d, -f2- tokens.csv    # the line without its token: deploy-bot,1001,"deployers,ci"
'

# 2. Restart the apiserver: the kubelet stops a static pod whose manifest leaves
#    /etc/kubernetes/manifests, and starts it again when the manifest comes back.
# shellcheck disable=SC2016 # the loop belongs to the node's shell.
lab_node_sh "$CP" '
  set -e
  mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/kube-apiserver.yaml
  i=0
  while [ -n "$(crictl ps -q --name kube-apiserver)" ]; do
    i=$((i + 1)); [ "$i" -lt 120 ] || { echo "the apiserver did not stop" >&2; exit 1; }
    sleep 1
  done
  mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/kube-apiserver.yaml
'
lab_log "apiserver restarting…"
sleep 5
lab_wait_apiserver 240

# 3. The same token, seen the way the bot sends it.
bot_is_limited() { [ "$(lab_token_status "$WORKSPACE/bot.token" /api/v1/secrets)" = 403 ]; }
lab_retry 240 bot_is_limited
lab_log "bot: deployments $(lab_token_status "$WORKSPACE/bot.token" /apis/apps/v1/namespaces/apps/deployments)," \
  "configmaps $(lab_token_status "$WORKSPACE/bot.token" /api/v1/namespaces/apps/configmaps)," \
  "secrets $(lab_token_status "$WORKSPACE/bot.token" /api/v1/secrets)"
