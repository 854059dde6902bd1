# shellcheck shell=bash
# The lab lifecycle on a node (engine/lab/*): node-file backups and their byte-for-byte restore,
# the kubelet restart, the last apiserver manifest that worked, the attempt recorder. Sent after
# lib.sh and run as `bash -c <script> khl <command> [ARGS...]`; paths come as arguments from the
# engine, so they are written in one place (engine/lab/node-paths.ts).
set -euo pipefail

# khl_backup DIR PATH...  — copies each existing file to DIR/files<PATH> (mode and owner kept) and
# prints `E <i> <mode>,<uid>,<gid> <sha256> <base64>`; a file that does not exist is `M <i>`.
khl_backup() {
  local dir="$1" i=0 f
  shift
  mkdir -p "$dir/files"
  for f in "$@"; do
    if [ -f "$f" ]; then
      mkdir -p "$dir/files$(dirname "$f")"
      cp -p "$f" "$dir/files$f"
      printf 'E %s %s %s ' "$i" "$(stat -c '%a %u %g' "$f" | tr ' ' ,)" "$(sha256sum "$f" | cut -d' ' -f1)"
      khl_b64 "$f"
      echo
    else
      echo "M $i"
    fi
    i=$((i + 1))
  done
}

# khl_hashes PATH...  — `<path> <sha256>` per file (the hash empty when it does not exist).
khl_hashes() {
  local f
  for f in "$@"; do
    printf '%s %s\n' "$f" "$(sha256sum "$f" 2>/dev/null | cut -d' ' -f1)"
  done
}

# khl_restore < records  — restores files from stdin lines `R <base64 path> <mode> <uid> <gid>
# <base64 content>` or removes them for `D <base64 path>`; prints `R <path> <sha256>` (`-` when
# removed). A restored file goes to a dot-file in the same folder first (the kubelet's static-pod
# reader ignores it), then an atomic rename. A file that already has the kept bytes, mode and owner
# is left alone: rewriting it would only move its mtime, and the last-good apiserver manifest is
# kept only while the running apiserver is newer than its manifest (khl_save_last_good).
khl_restore() {
  local tag p mode uid gid data f tmp
  while read -r tag p mode uid gid data; do
    f=$(printf '%s' "$p" | base64 -d)
    if [ "$tag" = D ]; then
      rm -f -- "$f"
      echo "R $f -"
      continue
    fi
    tmp="$(dirname "$f")/.khl-restore.$(basename "$f")"
    mkdir -p "$(dirname "$f")"
    printf '%s' "$data" | base64 -d >"$tmp"
    if [ -f "$f" ] && [ "$(stat -c '%a %u %g' "$f")" = "$mode $uid $gid" ] && cmp -s "$tmp" "$f"; then
      rm -f -- "$tmp"
      echo "R $f $(sha256sum "$f" | cut -d' ' -f1)"
      continue
    fi
    chmod "$mode" "$tmp"
    chown "$uid:$gid" "$tmp"
    mv -f "$tmp" "$f"
    echo "R $f $(sha256sum "$f" | cut -d' ' -f1)"
  done
}

# khl_watched SPEC...  — the node files a learner may reasonably touch, one path a line, sorted:
# each SPEC is `tree|DIR` (every regular file below DIR), `top|DIR|GLOB` (regular files directly
# in DIR whose name matches GLOB) or `file|PATH` (PATH when it is a regular file). The restore's
# own dot-files are left out.
khl_watched() {
  local spec kind p glob
  for spec in "$@"; do
    IFS='|' read -r kind p glob <<<"$spec"
    case "$kind" in
      tree) [ -d "$p" ] && find "$p" -xdev -type f ;;
      top) [ -d "$p" ] && find "$p" -mindepth 1 -maxdepth 1 -type f -name "${glob:-*}" ;;
      file) [ -f "$p" ] && printf '%s\n' "$p" ;;
    esac
  done | grep -v '/\.khl-restore\.' | LC_ALL=C sort -u || true
}

# khl_drop DIR  — removes a node-side backup.
khl_drop() { rm -rf -- "$1"; }

# khl_restart_kubelet  — applies changed kubelet files.
khl_restart_kubelet() {
  systemctl daemon-reload
  # A kubelet that crash-looped may have hit systemd's start limit: clear it first.
  systemctl reset-failed kubelet 2>/dev/null || true
  systemctl restart kubelet
}

# khl_save_last_good MANIFEST KEPT FORCE  — keeps MANIFEST as KEPT, "the last one that worked",
# when FORCE is 1 or the running kube-apiserver started after MANIFEST last changed (so it is
# this manifest that works). Prints `saved` or `same`, nothing when it kept nothing.
khl_save_last_good() {
  local m="$1" g="$2" force="$3" started
  [ -f "$m" ] || return 0
  mkdir -p "$(dirname "$g")"
  # Already kept (a manifest saved again without a change, e.g. by an editor, is still the one
  # that worked).
  if [ -f "$g" ] && cmp -s "$m" "$g"; then
    echo same
    return 0
  fi
  if [ "$force" != 1 ]; then
    started=$(khl_newest kube-apiserver | cut -d' ' -f3)
    [ -n "$started" ] || return 0
    awk -v s="$started" -v m="$(stat -c %Y "$m")" 'BEGIN { exit !(s > m) }' || return 0
  fi
  cp -p "$m" "$g.tmp"
  mv -f "$g.tmp" "$g"
  echo saved
}

# khl_restore_last_good MANIFEST KEPT  — puts the kept manifest back (through a dot-file in the
# manifests folder, which the kubelet ignores, then an atomic rename).
khl_restore_last_good() {
  local m="$1" g="$2" tmp
  [ -f "$g" ] || {
    echo "no working manifest was kept" >&2
    exit 3
  }
  tmp="$(dirname "$m")/.khl-restore.$(basename "$m")"
  cp -p "$g" "$tmp"
  mv -f "$tmp" "$m"
}

# khl_recorder_install DIR LOGDIR UNIT < files  — writes the recorder's files from stdin lines
# `F <base64 path> <base64 content>`, empties its logs and (re)starts it: a systemd unit where
# systemd runs, else a detached loop.
khl_recorder_install() {
  local dir="$1" logs="$2" unit="$3" tag p data f
  if ! command -v jq >/dev/null || ! command -v kubectl >/dev/null; then
    echo "recorder needs jq and kubectl on the node" >&2
    exit 3
  fi
  mkdir -p "$dir" "$logs"
  while read -r tag p data; do
    [ "$tag" = F ] || continue
    f=$(printf '%s' "$p" | base64 -d)
    mkdir -p "$(dirname "$f")"
    printf '%s' "$data" | base64 -d >"$f"
  done
  chmod 755 "$dir/recorder.sh"
  rm -f "$dir/mark-request"
  : >"$logs/recorder.jsonl"
  : >"$logs/recorder-pods.jsonl"
  : >"$logs/recorder-nodes.jsonl"
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl restart "$unit"
  else
    if [ -f "$dir/pid" ]; then kill -- "-$(cat "$dir/pid")" 2>/dev/null || true; fi
    setsid nohup /bin/bash "$dir/recorder.sh" >/dev/null 2>&1 </dev/null &
    echo $! >"$dir/pid"
  fi
}

# khl_recorder_remove DIR LOGDIR UNIT  — stops the recorder and removes it and its logs.
khl_recorder_remove() {
  local dir="$1" logs="$2" unit="$3"
  systemctl disable --now "$unit" 2>/dev/null || true
  rm -f "/etc/systemd/system/$unit.service"
  systemctl daemon-reload 2>/dev/null || true
  if [ -f "$dir/pid" ]; then kill -- "-$(cat "$dir/pid")" 2>/dev/null || true; fi
  rm -rf -- "$dir" "$logs/recorder.jsonl" "$logs/recorder-pods.jsonl" "$logs/recorder-nodes.jsonl"
}

cmd=${1:?a lifecycle command}
shift
case "$cmd" in
  backup | hashes | watched | restore | drop | restart_kubelet | save_last_good | restore_last_good | recorder_install | recorder_remove)
    "khl_$cmd" "$@"
    ;;
  *)
    echo "unknown lifecycle command $cmd" >&2
    exit 2
    ;;
esac
