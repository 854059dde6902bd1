#!/usr/bin/env bash
# OCI runtime wrapper for the lab's own dockerd: drop CAP_SYS_RESOURCE, then run the real runc.
#
# Why: these machines withhold CAP_SYS_RESOURCE from every process (it is missing from the bounding
# set), and Docker gives a `--privileged` container *all* capabilities regardless, so runc fails with
# "unable to apply caps: operation not permitted". kind hard-codes `--privileged` for `docker run`
# and `docker exec`. Removing exactly the one capability the machine cannot grant keeps every other
# privileged property kind's nodes need (all devices, rw cgroupfs and /sys, no masked paths).
# See docs/offline-lab.md.
set -euo pipefail

REAL_RUNC="${KHL_REAL_RUNC:-/usr/sbin/runc}"

# jq filter: remove the capability from every set of a process spec (at .process or the top level).
drop='def strip: if type == "array" then map(select(. != "CAP_SYS_RESOURCE")) else . end;
  def fix: if has("capabilities") and (.capabilities | type) == "object"
    then .capabilities |= with_entries(.value |= strip) else . end;
  if has("process") then .process |= fix else fix end'

rewrite() { # json file
  local f="$1" tmp
  [ -f "$f" ] || return 0
  grep -q CAP_SYS_RESOURCE "$f" || return 0
  tmp="$(mktemp "${f}.XXXXXX")"
  jq -c "$drop" "$f" > "$tmp"
  chmod --reference="$f" "$tmp"
  mv "$tmp" "$f"
}

sub="" prev=""
for a in "$@"; do
  case "$prev" in
    --bundle | -b) [ "$sub" = create ] || [ "$sub" = run ] && rewrite "$a/config.json" ;;
    --process | -p) [ "$sub" = exec ] && rewrite "$a" ;;
  esac
  case "$a" in
    --bundle=*) rewrite "${a#--bundle=}/config.json" ;;
    --process=*) rewrite "${a#--process=}" ;;
    create | run | exec) [ -z "$sub" ] && sub="$a" ;;
  esac
  prev="$a"
done
# create with no --bundle uses the current directory as the bundle.
if [ "$sub" = create ] || [ "$sub" = run ]; then
  case " $* " in *" --bundle "* | *" -b "* | *" --bundle="*) ;; *) rewrite "$PWD/config.json" ;; esac
fi
exec "$REAL_RUNC" "$@"
