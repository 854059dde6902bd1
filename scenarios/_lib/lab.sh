# shellcheck shell=bash
# Helpers for cluster scenario scripts (setup.sh, solution.sh, reset.sh and the self-tests' own
# scripts). Source it with:   source "$SCENARIO_DIR/../_lib/lab.sh"
#
# Node access goes through the app's own CLI (`k8s-harden-lab node exec`), so a script never
# knows whether the lab is the host lab or kind. The engine runs scripts with bash, cwd = the
# workspace, and sets KUBECONFIG (the lab's own file), LAB_PROVIDER, LAB_CLUSTER, KHL_BIN, KHL_NODE,
# WORKSPACE and SCENARIO_DIR.

set -euo pipefail

: "${KHL_BIN:?run this through k8s-harden-lab (KHL_BIN is not set)}"
: "${KHL_NODE:=node}"

lab_log() { printf '• %s\n' "$*"; }
lab_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# The app's CLI.
khl() { "$KHL_NODE" "$KHL_BIN" "$@"; }

# lab_node_exec NODE CMD...  — run a command on a node (`worker`, `control-plane` or a node name).
# Standard input is passed through, so `lab_node_exec worker sh -c 'cat > /x' < file` works.
lab_node_exec() {
  local node="$1"
  shift
  khl node exec "$node" -- "$@"
}

# lab_node_sh NODE 'shell line' [ARGS...]  — a shell line on a node ($1… are ARGS); no stdin.
lab_node_sh() {
  local node="$1" line="$2"
  shift 2
  lab_node_exec "$node" sh -c "$line" sh "$@" </dev/null
}

# lab_node_read NODE PATH  — print a node file.
lab_node_read() { lab_node_exec "$1" cat "$2" </dev/null; }

# lab_node_write NODE PATH [MODE] < content  — write a node file from stdin, in place (the inode,
# owner and mode of an existing file stay; a new file gets MODE, default 600).
lab_node_write() {
  local node="$1" path="$2" mode="${3:-600}"
  # shellcheck disable=SC2016 # $1 and $2 belong to the node's shell.
  lab_node_exec "$node" sh -c 'set -e; mkdir -p "$(dirname "$1")"; [ -e "$1" ] || { : > "$1"; chmod "$2" "$1"; }; cat > "$1"' \
    sh "$path" "$mode"
}

# lab_node_sha256 NODE PATH  — the file's sha256, or `absent`.
lab_node_sha256() {
  # shellcheck disable=SC2016 # $1 belongs to the node's shell.
  lab_node_sh "$1" 'if [ -e "$1" ]; then sha256sum "$1" | cut -d" " -f1; else echo absent; fi' "$2"
}

# lab_node_name NODE  — the Kubernetes node name (node containers' hostnames are their node names).
lab_node_name() { lab_node_exec "$1" cat /etc/hostname </dev/null | tr -d '[:space:]'; }

# lab_wait_apiserver [SECONDS]  — wait until the apiserver answers /readyz with ok.
lab_wait_apiserver() {
  local timeout="${1:-180}" start=$SECONDS
  until [ "$(kubectl get --raw /readyz 2>/dev/null)" = ok ]; do
    if ((SECONDS - start > timeout)); then
      lab_die "the apiserver did not become ready within ${timeout}s"
    fi
    sleep 2
  done
}

# lab_wait_node_ready NODE [SECONDS]  — wait until the node's kubelet is healthy and the Node is Ready.
lab_wait_node_ready() {
  local node="$1" timeout="${2:-180}" start=$SECONDS name
  name="$(lab_node_name "$node")"
  until lab_node_sh "$node" 'curl -sf -m 3 http://127.0.0.1:10248/healthz >/dev/null' 2>/dev/null &&
    [ "$(kubectl get node "$name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; do
    if ((SECONDS - start > timeout)); then
      lab_die "node $name did not become Ready within ${timeout}s"
    fi
    sleep 2
  done
}

# lab_restart_kubelet NODE  — restart the node's kubelet and wait until it is healthy and Ready.
lab_restart_kubelet() {
  lab_node_exec "$1" systemctl restart kubelet </dev/null
  # The old kubelet's Ready heartbeat is still fresh for a while: give the new one time to start.
  sleep 3
  lab_wait_node_ready "$1" "${2:-180}"
}

# lab_mark_attempt  — the attempt starts now: facts the app observes (`observed` checks) count from
# here, not from what setup itself did. Needs the recorder the app installs before setup.
lab_mark_attempt() {
  lab_node_sh control-plane '[ -x /var/lib/k8s-harden-lab/recorder/recorder.sh ] && /var/lib/k8s-harden-lab/recorder/recorder.sh mark' ||
    lab_log "note: no recorder on the control-plane node (observed checks will say so)"
}

# lab_workload_image  — a small image every node already has: the offline node image preloads
# k8s-harden-lab.local/busybox:lab (Debian with busybox, curl and nc; Debian's busybox wget crashes
# with -T, so use `timeout N wget` or curl); on kind's own images, busybox is pulled once. Use
# imagePullPolicy IfNotPresent.
lab_workload_image() {
  if lab_node_sh worker 'crictl images -q k8s-harden-lab.local/busybox:lab 2>/dev/null | grep -q .' 2>/dev/null; then
    echo k8s-harden-lab.local/busybox:lab
  else
    echo docker.io/library/busybox:1.36
  fi
}

# lab_serves API_VERSION  — whether the apiserver serves a group version (policy/v1, …).
lab_serves() { kubectl api-versions 2>/dev/null | grep -qx "$1"; }

# lab_pdb_api_version  — policy/v1 where served (1.21+), else policy/v1beta1 (1.20).
# Right after an apiserver restart discovery can still lack groups, so it waits (up to 60 s) for
# policy/v1 before it falls back to v1beta1 (only clusters older than 1.21 lack v1).
lab_pdb_api_version() {
  local start=$SECONDS
  until lab_serves policy/v1; do
    if ((SECONDS - start > 60)) && lab_serves policy/v1beta1; then
      echo policy/v1beta1
      return
    fi
    sleep 2
  done
  echo policy/v1
}

# lab_sa_token NAMESPACE SERVICEACCOUNT  — a token for a service account. Kubernetes 1.24+:
# `kubectl create token` (a bound token from the TokenRequest API, valid for a day, served by the
# apiserver itself). Older clusters: a `kubernetes.io/service-account-token` Secret named
# <sa>-token, filled by the controller-manager's token controller.
lab_sa_token() {
  local ns="$1" sa="$2" token=''
  if token="$(kubectl -n "$ns" create token "$sa" --duration=24h 2>/dev/null)" && [ -n "$token" ]; then
    printf '%s' "$token"
    return
  fi
  kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: ${sa}-token
  namespace: ${ns}
  annotations:
    kubernetes.io/service-account.name: ${sa}
type: kubernetes.io/service-account-token
EOF
  for _ in $(seq 1 60); do
    token="$(kubectl -n "$ns" get secret "${sa}-token" -o 'jsonpath={.data.token}' 2>/dev/null || true)"
    [ -n "$token" ] && break
    sleep 1
  done
  [ -n "$token" ] || lab_die "the token controller did not fill secret ${ns}/${sa}-token"
  printf '%s' "$token" | base64 -d
}

# lab_admin_kubeconfig FILE  — a workspace copy of the lab's admin credentials with stable names:
# cluster `lab`, user `admin`, context `admin` (current). The lab's own file is never touched.
lab_admin_kubeconfig() {
  local file="$1" tmp
  tmp="$(mktemp -d)"
  (
    # The admin's private key lands in $tmp: it goes however this ends, a failed step included.
    trap 'rm -rf "$tmp"' EXIT
    kubectl config view --raw --minify --flatten -o json >"$tmp/kc.json"
    jq -r '.clusters[0].cluster.server' "$tmp/kc.json" >"$tmp/server"
    jq -r '.clusters[0].cluster["certificate-authority-data"]' "$tmp/kc.json" | base64 -d >"$tmp/ca.crt"
    jq -r '.users[0].user["client-certificate-data"]' "$tmp/kc.json" | base64 -d >"$tmp/admin.crt"
    jq -r '.users[0].user["client-key-data"]' "$tmp/kc.json" | base64 -d >"$tmp/admin.key"
    rm -f "$file"
    kubectl --kubeconfig "$file" config set-cluster lab --server="$(cat "$tmp/server")" \
      --certificate-authority="$tmp/ca.crt" --embed-certs=true >/dev/null
    kubectl --kubeconfig "$file" config set-credentials admin --client-certificate="$tmp/admin.crt" \
      --client-key="$tmp/admin.key" --embed-certs=true >/dev/null
    kubectl --kubeconfig "$file" config set-context admin --cluster=lab --user=admin >/dev/null
    kubectl --kubeconfig "$file" config use-context admin >/dev/null
    chmod 600 "$file"
  )
}

# lab_yaml_edit 'JS statements on `doc`' < in.yaml > out.yaml  — edit a YAML document with the
# app's own YAML library (nodes have no editor and no yq). Example:
#   lab_node_read worker /var/lib/kubelet/config.yaml |
#     lab_yaml_edit 'doc.readOnlyPort = 0' | lab_node_write worker /var/lib/kubelet/config.yaml
lab_yaml_edit() {
  "$KHL_NODE" -e '
const { createRequire } = require("node:module");
const YAML = createRequire(process.env.KHL_BIN)("yaml");
const doc = YAML.parse(require("node:fs").readFileSync(0, "utf8"));
new Function("doc", process.argv[1])(doc);
process.stdout.write(YAML.stringify(doc));
' "$1"
}

# lab_retry SECONDS CMD...  — retry a command until it succeeds (after an apiserver
# restart the old process can still answer for a few seconds).
lab_retry() {
  local timeout="$1" start=$SECONDS
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - start > timeout)); then
      lab_die "gave up after ${timeout}s waiting for: $*"
    fi
    sleep 2
  done
}

# lab_token_status TOKEN_FILE API_PATH  — the HTTP status the apiserver answers to a GET of API_PATH
# made with the bearer token in TOKEN_FILE (a local file), sent from the control-plane node as
# `curl -H "Authorization: Bearer …"` sends it. The token travels on stdin, never on a command line.
# shellcheck disable=SC2016 # $1 belongs to the node's shell.
lab_token_status() {
  local file="$1" path="$2"
  { printf 'Authorization: Bearer '; tr -d '[:space:]' <"$file"; printf '\n'; } |
    lab_node_exec control-plane sh -c 'curl -sk -m 10 -o /dev/null -w "%{http_code}" -H @- "https://127.0.0.1:6443$1"' sh "$path"
}

# lab_apiserver_pid  — the newest kube-apiserver process on the control-plane node ('' when none).
lab_apiserver_pid() { lab_node_sh control-plane 'pgrep -n -x kube-apiserver || true'; }

# lab_wait_new_apiserver OLD_PID [SECONDS]  — wait until a kube-apiserver other than OLD_PID runs
# and serves /readyz: after a manifest change the old process can still answer for a few seconds.
lab_wait_new_apiserver() {
  local old="$1" timeout="${2:-240}" start=$SECONDS
  until [ "$(lab_apiserver_pid 2>/dev/null)" != "$old" ]; do
    if ((SECONDS - start > timeout)); then
      lab_die "the apiserver did not restart within ${timeout}s"
    fi
    sleep 2
  done
  lab_wait_apiserver "$timeout"
}

# lab_wait_tcp NODE PORT [SECONDS]  — wait until something accepts TCP connections on PORT of the
# node's 127.0.0.1 (a daemon after a restart or a reload that re-executes it), in one round trip.
# shellcheck disable=SC2016 # $1 and $2 belong to the node's shell.
lab_wait_tcp() {
  lab_node_sh "$1" 'for _ in $(seq 1 "$2"); do
      timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && exit 0; sleep 1
    done; echo "nothing answers on port $1 after $2 s" >&2; exit 1' "$2" "${3:-60}"
}

# lab_delete_bindings 'JQ CONDITION ON ONE SUBJECT'  — delete every ClusterRoleBinding with a
# subject that matches (setup's and the learner's alike), and the ClusterRole each pointed at unless
# it is built in. Example: lab_delete_bindings '.kind == "User" and .name == "sam"'
lab_delete_bindings() {
  kubectl get clusterrolebindings -o json |
    jq -r ".items[] | select(any(.subjects[]?; $1)) | \"\(.metadata.name) \(.roleRef.name)\"" |
    while read -r binding role; do
      kubectl delete clusterrolebinding "$binding" --ignore-not-found >/dev/null
      case "$role" in
        system:* | cluster-admin | admin | edit | view) ;;
        *) kubectl delete clusterrole "$role" --ignore-not-found >/dev/null ;;
      esac
    done
}
