#!/usr/bin/env bash
# Stops the Ceph that test/ceph/start-rgw.sh started in DIR, each daemon by its own pid, and drops
# its data (the logs stay in DIR until the next start).
#
#   usage: test/ceph/stop-rgw.sh [DIR]       (default: as start-rgw.sh's)
#
# The gateway first, with SIGTERM, while the OSD it flushes to still runs (an RGW whose OSD is gone
# hangs in its shutdown until its own 120 s alarm); SIGKILL after 5 s. Then the OSD and the
# monitor with SIGKILL: their data (memstore, the monitor's store) is thrown away with the folder,
# so a clean shutdown would buy nothing and cost 4 s (the OSD waits 5 s for a monitor that is
# already gone, the monitor 2 s to exit). Stopping what is not running is not an error.
set -euo pipefail
CEPH_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-${TSFLOW_CEPH_DIR:-${TMPDIR:-/tmp}/tsflow-ceph}}
CONF=$DIR/ceph.conf
# shellcheck source=lib.sh
source "$CEPH_TEST_DIR/lib.sh"

# True while process PID runs. A daemon that exited stays a zombie until its parent reaps it: the
# start script is gone by now, and whoever inherited the daemon (init) reaps it when it gets to it.
running() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Sends SIGNAL to daemon NAME and waits until it is gone (SIGKILL after 10 s).
stop_daemon() {
  local name=$1 signal=$2 pid i
  if pid=$(daemon_pid "$name"); then
    kill "-$signal" "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      running "$pid" || break
      sleep 0.05
    done
    if running "$pid"; then
      echo "ceph: $name (pid $pid) did not stop in 5 s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$DIR/$name.pid"
}

[ -d "$DIR" ] || exit 0
stop_daemon client.rgw TERM
stop_daemon osd.0 KILL
stop_daemon mon.a KILL
rm -rf "$DIR/mon.a" "$DIR/osd.0" "$DIR/env" "$DIR/run"
echo "ceph: stopped (logs in $DIR)"
