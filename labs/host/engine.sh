#!/usr/bin/env bash
# Step: start|stop|status the lab's private Docker Engine (Debian's dockerd 20.10).
# Own socket, data-root, exec-root, pidfile and config file, so a user's Docker (if any) is
# never touched. --iptables=false/--ip-masq=false/--bridge=none: the daemon changes no host
# firewall rules and creates no docker0; the only host change is the lab's bridge network.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
need_root

cmd="${1:-status}"
logfile="$LAB_VAR_ROOT/dockerd.log"

running() {
  [ -f "$LAB_DOCKER_PID" ] && kill -0 "$(cat "$LAB_DOCKER_PID")" 2>/dev/null
}

case "$cmd" in
  start)
    if running && dk version >/dev/null 2>&1; then
      log "lab dockerd already running (pid $(cat "$LAB_DOCKER_PID"))"
      exit 0
    fi
    command -v dockerd >/dev/null || die "dockerd not installed (package docker.io)"
    mkdir -p "$LAB_RUN_ROOT" "$LAB_VAR_ROOT" "$LAB_DOCKER_DATA" "$LAB_DOCKER_EXEC"
    echo '{}' > "$LAB_RUN_ROOT/daemon.json"
    rm -f "$LAB_DOCKER_SOCK"
    log "starting dockerd on $LAB_DOCKER_HOST (log: $logfile)"
    # setsid: the daemon must outlive this script and the app process that ran it.
    setsid dockerd \
      --config-file "$LAB_RUN_ROOT/daemon.json" \
      -H "$LAB_DOCKER_HOST" \
      --data-root "$LAB_DOCKER_DATA" \
      --exec-root "$LAB_DOCKER_EXEC" \
      --pidfile "$LAB_DOCKER_PID" \
      --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
      --bridge=none \
      --userland-proxy=false \
      --storage-driver=overlay2 \
      --exec-opt native.cgroupdriver=cgroupfs \
      --cgroup-parent=/k8s-harden-lab \
      --log-driver=json-file \
      --live-restore=false \
      >>"$logfile" 2>&1 </dev/null &
    for _ in $(seq 1 120); do
      if dk version >/dev/null 2>&1; then
        log "lab dockerd ready ($(dk version -f '{{.Server.Version}}'))"
        exit 0
      fi
      sleep 0.25
    done
    tail -n 30 "$logfile" >&2 || true
    die "lab dockerd did not answer on $LAB_DOCKER_HOST within 30s"
    ;;
  stop)
    if running; then
      pid="$(cat "$LAB_DOCKER_PID")"
      log "stopping lab dockerd (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then
        log "dockerd did not stop in 30s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    else
      log "lab dockerd not running"
    fi
    # dockerd's managed containerd normally exits with it; stop a leftover one by its pidfile.
    cpid_file="$LAB_DOCKER_EXEC/containerd/containerd.pid"
    if [ -f "$cpid_file" ] && kill -0 "$(cat "$cpid_file")" 2>/dev/null; then
      kill -TERM "$(cat "$cpid_file")" 2>/dev/null || true
      sleep 1
    fi
    rm -f "$LAB_DOCKER_PID" "$LAB_DOCKER_SOCK"
    ;;
  status)
    if running; then echo "running $(cat "$LAB_DOCKER_PID")"; else echo "stopped"; exit 1; fi
    ;;
  *) die "usage: engine.sh start|stop|status" ;;
esac
