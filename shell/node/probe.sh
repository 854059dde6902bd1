# shellcheck shell=bash
# Node probes, one function per kind of read; each prints tagged lines the engine parses
# (adapters/cluster/node-batch.ts). Runs after lib.sh.

# khl_file PATH  — `S <mode> <owner> <group> <size> <mtime> <type>` and `C <base64>` (regular
# files up to 4 MiB), or `N` when it does not exist.
khl_file() {
  if [ -e "$1" ]; then
    printf 'S %s\n' "$(stat -L -c '%a %U %G %s %Y %F' "$1" 2>/dev/null)"
    if [ -f "$1" ] && [ "$(stat -L -c %s "$1")" -le 4194304 ]; then
      printf 'C '
      khl_b64 "$1"
      echo
    fi
  else
    echo N
  fi
}

# khl_http URL  — `H <status>` of a request without credentials (0: nothing answered).
khl_http() { printf 'H %s\n' "$(curl -sk -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null)"; }

# khl_port HOST PORT  — `O 1` when a TCP connect succeeds, else `O 0`.
khl_port() {
  # shellcheck disable=SC2016 # $0 and $1 belong to the inner shell.
  if timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; then echo 'O 1'; else echo 'O 0'; fi
}

# khl_tail GLOB COUNT  — `T <file> <base64 of its last COUNT lines>` for the newest match.
khl_tail() {
  local f
  # shellcheck disable=SC2086,SC2012 # the glob is meant to expand; ls -t orders by age.
  f=$(ls -t $1 2>/dev/null | head -n1)
  if [ -n "$f" ]; then
    printf 'T %s ' "$f"
    tail -n "$2" "$f" | khl_b64
    echo
  fi
}

# khl_grep FILE TEXT MAX  — `E <base64 of the line>` for each of the last MAX lines of FILE that
# contain TEXT (fixed string), then `X 1` when the file exists.
khl_grep() {
  if [ -f "$1" ]; then
    grep -F -- "$2" "$1" 2>/dev/null | tail -n "$3" | while IFS= read -r line; do
      printf 'E %s\n' "$(printf '%s' "$line" | khl_b64)"
    done
    echo 'X 1'
  fi
}

# khl_etcd_prefix KEY  — `V <the first 32 bytes of the key's raw value in etcd, unprintable bytes
# as dots>` when the key exists. Only the prefix leaves the node: it names the encryption provider
# (`k8s:enc:aescbc:v1:key1:`) and never reaches a Secret's data.
khl_etcd_prefix() {
  local v
  v=$(etcdctl --endpoints=https://127.0.0.1:2379 \
    --cacert=/etc/kubernetes/pki/etcd/ca.crt \
    --cert=/etc/kubernetes/pki/apiserver-etcd-client.crt \
    --key=/etc/kubernetes/pki/apiserver-etcd-client.key \
    --command-timeout=5s get "$1" --print-value-only 2>/dev/null | head -c 32 | tr -c '[:print:]' '.')
  [ -z "$v" ] || printf 'V %s\n' "$v"
}

# khl_kubelet_config  — `K <path>` of the config file the running kubelet was started with
# (`--config`, else kubeadm's default), then that file as khl_file prints it.
khl_kubelet_config() {
  local argv cfg=''
  argv=$(khl_newest kubelet | cut -d' ' -f4)
  if [ -n "$argv" ]; then
    cfg=$(printf '%s' "$argv" | base64 -d 2>/dev/null | tr '\0' '\n' |
      awk 'p{print;exit} /^--config=/{sub(/^--config=/,"");print;exit} /^--config$/{p=1}')
  fi
  cfg=${cfg:-/var/lib/kubelet/config.yaml}
  printf 'K %s\n' "$cfg"
  khl_file "$cfg"
}
