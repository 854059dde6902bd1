#!/bin/sh
# iptables for the lab's kube-proxy and kube-router images: on the first call, pick the backend
# (legacy or nft) the node already uses, by which one holds more rules, point the iptables
# commands at it, then run the command. A pod that programmed the other backend would write rules
# nobody reads.
set -eu
count() { { "$1-save" 2>/dev/null; "$2-save" 2>/dev/null; } | grep -c '^-' || true; }
legacy="$(count iptables-legacy ip6tables-legacy)"
nft="$(count iptables-nft ip6tables-nft)"
mode=nft
[ "$legacy" -gt "$nft" ] && mode=legacy
for c in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sfn "xtables-$mode-multi" "/usr/sbin/$c"
done
exec "/usr/sbin/$(basename "$0")" "$@"
