# shellcheck shell=sh
# podConnect (src/engine/probes/pod-connect.ts), run in the source pod by `kubectl exec` as
#   sh -c "$(cat connect.sh)" sh SECONDS TARGET...
# A TARGET is `host:port` (a TCP connection, nc -z) or `dns:name` (a lookup). Prints
# `<target> yes|no` per line. Each attempt is bounded twice: nc's own -w, and `timeout` around
# it (a dropped SYN must not hang the exec). POSIX sh: the pod's image may have only busybox.
t=$1
shift
for x in "$@"; do
  r=no
  if [ "${x%%:*}" = dns ]; then
    if timeout $((t + 2)) nslookup "${x#dns:}" >/dev/null 2>&1; then r=yes; fi
  elif timeout $((t + 1)) nc -z -w "$t" "${x%:*}" "${x##*:}" >/dev/null 2>&1; then
    r=yes
  fi
  echo "$x $r"
done
