# shellcheck shell=bash
# The app's helpers on a lab node: sent ahead of every script the engine runs there (node probes,
# backups, the apiserver rollback). Kept POSIX-friendly bash; nothing here changes the node.

# Clock ticks per second, and the boot time to the millisecond (now − uptime): /proc/stat's btime
# is whole seconds, too coarse to order a kubelet restart against a drain that finished a moment
# earlier.
KHL_HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
KHL_BOOT=$(awk -v now="$(date +%s.%N 2>/dev/null)" '{ if (now ~ /^[0-9]+\.[0-9]+$/) printf "%.3f", now - $1 }' /proc/uptime 2>/dev/null)
[ -n "$KHL_BOOT" ] || KHL_BOOT=$(awk '/^btime/{print $2}' /proc/stat 2>/dev/null)

# khl_b64 [FILE]  — base64 on one line.
khl_b64() { base64 -w0 "$@" 2>/dev/null || base64 "$@" | tr -d '\n'; }

# khl_procs PROGRAM  — the one /proc walker: every process whose argv[0] base name is PROGRAM, as
# `P <pid> <start, seconds since the epoch, to the ms> <argv, NUL-separated, base64>`.
khl_procs() {
  local d a0 st
  for d in /proc/[0-9]*; do
    a0=''
    read -r -d '' a0 <"$d/cmdline" 2>/dev/null
    [ "${a0##*/}" = "$1" ] || continue
    st=$(awk -v bt="$KHL_BOOT" -v hz="$KHL_HZ" '{sub(/^.*\) /,""); printf "%.3f", bt + $20/hz}' "$d/stat" 2>/dev/null)
    printf 'P %s %s %s\n' "${d#/proc/}" "${st:-0}" "$(khl_b64 "$d/cmdline")"
  done
}

# khl_newest PROGRAM  — the newest such process's line (empty when none runs).
khl_newest() { khl_procs "$1" | sort -k3,3n | tail -n 1; }
