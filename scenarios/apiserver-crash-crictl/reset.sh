#!/usr/bin/env bash
# apiserver-crash-crictl reset: the engine restores the manifest and removes the answer file
# (both backed up before setup) after this script; nothing else was changed.
# shellcheck source=../_lib/lab.sh
source "$SCENARIO_DIR/../_lib/lab.sh"

lab_log "the manifest is restored from the backup; the apiserver restarts"
