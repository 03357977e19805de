#!/usr/bin/env bash
# Stops the Slurm that cluster/slurm/start.sh started in DIR, each daemon by its own pid (the
# folder and its logs stay: whoever made DIR removes it).
#
#   usage: cluster/slurm/stop.sh DIR
#
# slurmd first (SIGTERM: it ends the job steps it runs, whose processes it tracks), then the
# controller, then munged. Stopping what is not running is not an error.
set -euo pipefail
SLURM_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:?usage: cluster/slurm/stop.sh DIR}
[ -d "$DIR" ] || exit 0
DIR=$(cd "$DIR" && pwd)
# shellcheck source=lib.sh
source "$SLURM_SCRIPTS/lib.sh"

running() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Sends SIGTERM to daemon NAME and waits until it is gone (SIGKILL after 5 s).
stop_daemon() {
  local name=$1 pid i
  if pid=$(daemon_pid "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      running "$pid" || break
      sleep 0.05
    done
    if running "$pid"; then
      echo "slurm: $name (pid $pid) did not stop in 5 s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$DIR/run/$name.pid"
}

# slurmd leaves the jobs it runs running when it stops: cancel them first (every job of this
# private cluster is one of its user's), and give them KillWait (2 s) to end.
if daemon_pid slurmctld >/dev/null; then
  jobs=$(SLURM_CONF=$DIR/slurm.conf squeue -h -o %i 2>/dev/null || true)
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086
    SLURM_CONF=$DIR/slurm.conf scancel $jobs 2>/dev/null || true
    for i in $(seq 1 60); do
      [ -z "$(SLURM_CONF=$DIR/slurm.conf squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
fi
for name in "${SLURM_DAEMONS[@]}"; do stop_daemon "$name"; done
# A job whose slurmd or controller died first outlives them: its batch script (run from the spool
# in DIR) and what it started, each by pid. Only processes of this DIR's jobs match.
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null || true); do
    descendants "$child"
    echo "$child"
  done
}
# ([j]ob: grep's own command line, which holds the pattern, does not match it.)
for pid in $(grep -ls -- "$DIR/spool/[j]ob" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
  # shellcheck disable=SC2046
  kill -KILL $(descendants "$pid") "$pid" 2>/dev/null || true
done
# Their slurmstepd, by pid: started by slurmd, it carries slurmd's SLURM_CONF, this DIR's.
for pid in $(pgrep -x slurmstepd 2>/dev/null || true); do
  if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$DIR/slurm.conf"; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -f "$DIR/env"
echo "slurm: stopped ($DIR)"
