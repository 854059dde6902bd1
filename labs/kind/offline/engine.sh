#!/usr/bin/env bash
# The lab's own container engine for kind on machines without a usable Docker:
#   engine.sh start|stop|status|host
# Debian's dockerd on its own socket, data root, exec root and pidfile, so a user's Docker is never
# touched. Unlike a plain dockerd it
#   - keeps iptables on: kind's nodes find each other by name through Docker's embedded DNS and
#     the API server is published on 127.0.0.1 (both are iptables rules);
#   - runs containers through runc-nosysresource.sh (see there: --privileged fails here otherwise);
#   - uses the cgroupfs driver (no systemd on the host).
# kind uses it only through DOCKER_HOST set for kind's own process.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
need_root

cmd="${1:-status}"
data="$LAB_VAR_ROOT/docker"
exec_root="$LAB_RUN_ROOT/docker-exec"
pidfile="$LAB_RUN_ROOT/kind-engine.pid"
logfile="$LAB_VAR_ROOT/kind-engine.log"
runtime="$LAB_VAR_ROOT/runc-nosysresource"
# The kind network: IPv4 only (kind would ask for IPv6 too) and a bridge name of ours.
KIND_NET_SUBNET="${KIND_NET_SUBNET:-172.29.0.0/24}"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "$cmd" in
  host) echo "$LAB_DOCKER_HOST" ;;
  start)
    if running && dk version >/dev/null 2>&1; then
      log "lab engine already running (pid $(cat "$pidfile"))"
      exit 0
    fi
    command -v dockerd >/dev/null || die "dockerd is not installed (Debian package docker.io)"
    mkdir -p "$LAB_RUN_ROOT" "$LAB_VAR_ROOT" "$data" "$exec_root"
    install -m 0755 "$OFFLINE_DIR/runc-nosysresource.sh" "$runtime"
    cat > "$LAB_RUN_ROOT/kind-engine.json" <<JSON
{
  "runtimes": { "khl-runc": { "path": "$runtime" } },
  "default-runtime": "khl-runc"
}
JSON
    rm -f "$LAB_DOCKER_SOCK"
    # Every kind node runs a kubelet, containerd and systemd, each holding inotify instances; the
    # kernel's default of 128 per user runs out by the third node ("inotify_init: too many open
    # files" and a kubelet that never starts). Raise the limits kind's docs name, never lower them.
    raise_sysctl() { # key minimum
      local now
      now="$(sysctl -n "$1" 2>/dev/null || echo 0)"
      if [ "$now" -lt "$2" ]; then
        sysctl -qw "$1=$2" && log "raised $1 from $now to $2 (kind nodes need it)"
      fi
    }
    raise_sysctl fs.inotify.max_user_instances 1024
    raise_sysctl fs.inotify.max_user_watches 524288
    log "starting the lab engine on $LAB_DOCKER_HOST (log: $logfile)"
    # setsid: the engine outlives this script and the app that ran it. 9>&-: it must not inherit
    # build.sh's lock, or it would hold the build lock for as long as it runs.
    setsid dockerd \
      --config-file "$LAB_RUN_ROOT/kind-engine.json" \
      -H "$LAB_DOCKER_HOST" \
      --data-root "$data" \
      --exec-root "$exec_root" \
      --pidfile "$pidfile" \
      --bridge=none \
      --storage-driver=overlay2 \
      --exec-opt native.cgroupdriver=cgroupfs \
      --log-driver=json-file --log-opt max-size=10m \
      --live-restore=false \
      >>"$logfile" 2>&1 </dev/null 9>&- &
    for _ in $(seq 1 160); do
      if dk version >/dev/null 2>&1; then break; fi
      sleep 0.25
    done
    if ! dk version >/dev/null 2>&1; then
      tail -n 30 "$logfile" >&2 || true
      die "the lab engine did not answer on $LAB_DOCKER_HOST within 40 s"
    fi
    if ! dk network inspect kind >/dev/null 2>&1; then
      dk network create -d bridge --subnet "$KIND_NET_SUBNET" \
        -o com.docker.network.bridge.name=khl-kind0 \
        -o com.docker.network.bridge.enable_ip_masquerade=true \
        kind >/dev/null
    fi
    log "lab engine ready (dockerd $(dk version -f '{{.Server.Version}}'))"
    ;;
  stop)
    if running; then
      pid="$(cat "$pidfile")"
      log "stopping the lab engine (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    cpid="$exec_root/containerd/containerd.pid"
    if [ -f "$cpid" ] && kill -0 "$(cat "$cpid")" 2>/dev/null; then kill -TERM "$(cat "$cpid")" || true; fi
    rm -f "$pidfile" "$LAB_DOCKER_SOCK"
    ;;
  status)
    if running; then echo "running $(cat "$pidfile")"; else echo stopped; exit 1; fi
    ;;
  *) die "usage: engine.sh start|stop|status|host" ;;
esac
