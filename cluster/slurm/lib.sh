# Helpers of start.sh and stop.sh (sourced; they set DIR first).
#
# Each daemon runs in the foreground (-F / -D) as a background job of the start script, its pid
# in DIR/run/NAME.pid, its output in DIR/log/NAME.out (Slurm's own logs: DIR/log/NAME.log).

SLURM_DAEMONS=(slurmd slurmctld munged)

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# A free TCP port on 127.0.0.1, from the kernel (released before the daemon binds it: another
# process taking it in between makes that daemon fail loudly, not silently).
free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# The pid in DIR/run/NAME.pid, when that process is alive and is NAME started on this DIR (a pid
# file left by a machine restart may name an unrelated process by now).
daemon_pid() {
  local pid
  pid=$(cat "$DIR/run/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/" || return 1
  echo "$pid"
}

# Says which daemon failed and why, prints the tail of its logs, and exits 1 (the start script's
# EXIT trap then stops the rest).
slurm_fail() {
  local name=$1 message=$2 f
  echo "slurm: ${name:+$name: }$message" >&2
  for f in "$DIR/log/$name.log" "$DIR/log/$name.out"; do
    [ -n "$name" ] && [ -s "$f" ] || continue
    echo "slurm: --- last lines of $f" >&2
    tail -n 20 "$f" >&2
  done
  exit 1
}

# The first started daemon that is no longer running, if any.
dead_daemon() {
  local name
  for name in "${SLURM_DAEMONS[@]}"; do
    [ -f "$DIR/run/$name.pid" ] || continue
    daemon_pid "$name" >/dev/null || { echo "$name"; return 0; }
  done
  return 1
}

start_daemon() {
  local name=$1
  shift
  "$@" >"$DIR/log/$name.out" 2>&1 </dev/null &
  echo $! >"$DIR/run/$name.pid"
  # Not a job of this shell: it would report the daemon's end ("Killed") when stop.sh ends it.
  disown $!
}

# Waits until COMMAND succeeds, failing when a daemon dies or after TIMEOUT s (on behalf of NAME).
wait_until() {
  local name=$1 timeout=$2 what=$3 t0 dead
  shift 3
  t0=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    if dead=$(dead_daemon); then slurm_fail "$dead" "exited before $what"; fi
    [ $(($(date +%s) - t0)) -lt "$timeout" ] || slurm_fail "$name" "not $what after ${timeout}s"
    sleep 0.1
  done
}

# True when DIR holds a started cluster whose daemons all run and whose node is up.
slurm_running() {
  local name
  [ -f "$DIR/env" ] || return 1
  for name in "${SLURM_DAEMONS[@]}"; do daemon_pid "$name" >/dev/null || return 1; done
  node_idle
}

# The node takes jobs (idle, or busy with some).
node_idle() {
  SLURM_CONF=$DIR/slurm.conf sinfo -h -n localhost -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'
}
