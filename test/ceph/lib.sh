# Helpers of start-rgw.sh and stop-rgw.sh (sourced; they set DIR and CONF first).
#
# Each daemon runs in the foreground (-f) as a background job of the start script, its pid in
# DIR/NAME.pid, its log in DIR/NAME.log (ceph's log_file) and its stdout/stderr in DIR/NAME.out.

CEPH_DAEMONS=(client.rgw osd.0 mon.a)

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# A free TCP port on 127.0.0.1, from the kernel (the port is released before the daemon binds it:
# another process taking it in between makes that daemon fail loudly, not silently).
free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# The pid in DIR/NAME.pid, when that process is alive and is a daemon of this DIR's cluster (a pid
# file left by a machine restart may name an unrelated process by now).
daemon_pid() {
  local pid
  pid=$(cat "$DIR/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-c $CONF " || return 1
  echo "$pid"
}

# Says which daemon failed and why, prints the tail of its log and output, and exits 1 (the start
# script's EXIT trap then stops the rest).
ceph_fail() {
  local name=$1 message=$2 f
  echo "ceph: ${name:+$name: }$message" >&2
  for f in "$DIR/$name.log" "$DIR/$name.out"; do
    [ -n "$name" ] && [ -s "$f" ] || continue
    echo "ceph: --- last lines of $f" >&2
    tail -n 30 "$f" >&2
  done
  exit 1
}

# The first started daemon that is no longer running, if any.
dead_daemon() {
  local name
  for name in "${CEPH_DAEMONS[@]}"; do
    [ -f "$DIR/$name.pid" ] || continue
    daemon_pid "$name" >/dev/null || { echo "$name"; return 0; }
  done
  return 1
}

# Runs a setup command on behalf of daemon NAME, passing its stdout through. While it runs, a
# started daemon that dies fails the start at once rather than when the command times out.
step() {
  local name=$1 pid dead rc=0
  shift
  "$@" 2>>"$DIR/$name.out" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if dead=$(dead_daemon); then
      kill "$pid" 2>/dev/null || true
      ceph_fail "$dead" "exited while '$1 ${2:-}' was running"
    fi
    sleep 0.1
  done
  wait "$pid" || rc=$?
  [ "$rc" = 0 ] || ceph_fail "$name" "'$*' failed (exit $rc)"
}

start_daemon() {
  local name=$1
  shift
  "$@" >"$DIR/$name.out" 2>&1 </dev/null &
  echo $! >"$DIR/$name.pid"
  # Not a job of this shell: it would report the daemon's end ("Killed") when stop-rgw.sh ends it.
  disown $!
}

# One HTTP request to 127.0.0.1:PORT; true when anything HTTP answers.
http_answers() {
  local port=$1 line
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  IFS= read -r -t 5 line <&3 || true
  exec 3<&-
  [[ $line == HTTP/* ]]
}

# Waits until daemon NAME answers HTTP on PORT, failing when a daemon dies or after TIMEOUT s.
wait_http() {
  local name=$1 port=$2 timeout=$3 t0 dead
  t0=$(date +%s)
  until http_answers "$port"; do
    if dead=$(dead_daemon); then ceph_fail "$dead" "exited before the gateway answered"; fi
    [ $(($(date +%s) - t0)) -lt "$timeout" ] || ceph_fail "$name" "no HTTP answer on 127.0.0.1:$port after ${timeout}s"
    sleep 0.1
  done
}

# True when DIR holds a started cluster whose daemons all run and whose gateway answers.
ceph_running() {
  local name port
  [ -f "$DIR/env" ] || return 1
  for name in "${CEPH_DAEMONS[@]}"; do daemon_pid "$name" >/dev/null || return 1; done
  port=$(sed -n 's|^TSFLOW_TEST_S3_ENDPOINT=http://127.0.0.1:||p' "$DIR/env")
  http_answers "$port"
}
