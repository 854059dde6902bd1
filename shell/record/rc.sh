# shellcheck shell=bash
# The rc file of the shells k8s-harden-lab opens (the workspace shell of a cluster-free scenario and
# node shells), run as `bash --rcfile rc.sh -i`. It reads the startup file a new shell would read
# (~/.bashrc: for a workspace shell HOME is the workspace, so a scenario's .bashrc counts as it
# would in any new terminal), then sets the prompt and, when KHL_RECORD_FILE is set, appends each
# command the learner runs to it as "<epoch seconds><TAB><command>" for the learning record. The
# app redacts tokens and keys when it reads the file, and removes the file afterwards.
# Variables (all optional): KHL_PROMPT (prompt prefix), KHL_BANNER (printed once),
# KHL_RECORD_FILE (where commands go; unset: nothing is recorded).

if [ -f "$HOME/.bashrc" ]; then
  # shellcheck source=/dev/null
  . "$HOME/.bashrc"
fi

if [ -n "${KHL_PROMPT:-}" ]; then
  PS1="[${KHL_PROMPT}] \\w \\$ "
fi

# History stays in memory: nothing is written to the learner's ~/.bash_history.
unset HISTFILE
HISTCONTROL=

__khl_last=
__khl_record() {
  local entry num cmd
  entry=$(HISTTIMEFORMAT='' builtin history 1) || return 0
  [ -n "$entry" ] || return 0
  read -r num cmd <<<"$entry"
  [ "$num" != "$__khl_last" ] || return 0
  __khl_last=$num
  [ -n "$cmd" ] || return 0
  printf '%s\t%s\n' "$(date +%s)" "${cmd//$'\n'/ }" >>"$KHL_RECORD_FILE" 2>/dev/null || true
}

if [ -n "${KHL_RECORD_FILE:-}" ]; then
  # The first prompt must not record whatever the startup files left in the history.
  __khl_last=$(HISTTIMEFORMAT='' builtin history 1 | { read -r n _ && printf '%s' "$n"; })
  PROMPT_COMMAND="__khl_record${PROMPT_COMMAND:+; $PROMPT_COMMAND}"
fi

if [ -n "${KHL_BANNER:-}" ]; then
  printf '%s\n' "$KHL_BANNER"
fi
