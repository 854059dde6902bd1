#!/bin/bash
# k8s-harden-lab recorder (installed by the app; removed by `k8s-harden-lab reset`): keeps, as JSON
# lines, what the cluster did during an attempt (see engine/probes/observed.ts). Its paths are the
# engine's (engine/lab/node-paths.ts; a test keeps them in step).
dir=/var/lib/k8s-harden-lab/recorder
out=/var/log/k8s-harden-lab/recorder.jsonl
pods=/var/log/k8s-harden-lab/recorder-pods.jsonl
nodes=/var/log/k8s-harden-lab/recorder-nodes.jsonl
request=$dir/mark-request
mkdir -p "${out%/*}"
now_ms() { date +%s%3N; }
if [ "${1:-}" = mark ]; then
  # The loop starts the attempt (one writer per log); without a loop, mark the log directly.
  now_ms >"$request"
  for _ in $(seq 50); do
    [ -e "$request" ] || exit 0
    sleep 0.2
  done
  rm -f "$request"
  printf '{"t":%s,"type":"attempt"}\n' "$(now_ms)" >>"$out"
  exit 0
fi
export KUBECONFIG=/etc/kubernetes/admin.conf
watch() { # watch <resource> <kind> <file>
  while :; do
    kubectl get "$1" -A --watch-only --output-watch-events -o json 2>/dev/null |
      jq -c --unbuffered --arg kind "$2" -f "$dir/watch.jq" >>"$3" 2>/dev/null
    sleep 1
  done
}
watch pods pod "$pods" &
watch nodes node "$nodes" &
printf '{"t":%s,"type":"start"}\n' "$(now_ms)" >>"$out"
prev=''
prevev=''
last=0
n=0
while :; do
  if [ -e "$request" ]; then
    : >"$out"
    : >"$pods"
    : >"$nodes"
    printf '{"t":%s,"type":"attempt"}\n' "$(now_ms)" >>"$out"
    prev=''
    prevev=''
    n=0
    rm -f "$request"
  fi
  t=$(now_ms)
  s=$(kubectl get nodes,pods,pdb -A -o json 2>/dev/null | jq -c -f "$dir/snapshot.jq" 2>/dev/null)
  if [ -n "$s" ] && [ "$s" != "$prev" ]; then
    printf '{"t":%s,"type":"snapshot","s":%s}\n' "$t" "$s" >>"$out"
    prev=$s
    last=$t
  fi
  if [ $((n % 5)) -eq 0 ]; then
    e=$(kubectl get events -A --field-selector involvedObject.kind=Node -o json 2>/dev/null | jq -c -f "$dir/events.jq" 2>/dev/null)
    if [ -n "$e" ] && [ "$e" != "$prevev" ]; then
      printf '{"t":%s,"type":"events","e":%s}\n' "$t" "$e" >>"$out"
      prevev=$e
      last=$t
    fi
  fi
  if [ $((t - last)) -ge 10000 ]; then
    printf '{"t":%s,"type":"beat"}\n' "$t" >>"$out"
    last=$t
  fi
  n=$((n + 1))
  sleep 2
done
