#!/usr/bin/env bash
# The cluster tier inside its private network namespace (test/cluster/run.sh starts it with
# `unshare --net`; not meant to be run by hand): only loopback, so slurmctld and slurmd, which
# listen on all interfaces, are reachable on 127.0.0.1 and from nowhere else.
#
#   usage: unshare --net bash test/cluster/in-netns.sh TEST_FILE...
#
#   start   loopback up, then cluster/up.sh into $TSFLOW_CLUSTER_ENV: Slurm with munge, the Ceph S3
#           gateway (their packages are installed already: nothing here reaches the network)
#   tests   node --test TEST_FILE..., with in their environment: SLURM_CONF, TSFLOW_TEST_S3_*
#           (test/support/rgw.ts reads them), and TSFLOW_CLUSTER_ENV (the env file: TSFLOW_DATASTORE_ROOT,
#           credentials, ... as users get it)
#   stop    always, each daemon by its pid (cluster/down.sh), even when the tests fail or on Ctrl-C;
#           the namespace goes when its last process does
#
# Exit status: the tests' (non-zero when any fails), or 1 when the cluster did not start.
set -euo pipefail
CLUSTER_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLUSTER_TEST_DIR/../.." && pwd)
cd "$REPO"
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
: "${TSFLOW_CLUSTER_ENV:?in-netns.sh is run by test/cluster/run.sh, which sets TSFLOW_CLUSTER_ENV}"

# A new network namespace has one interface, lo, and it is down. Anything else: this is not one (the
# host's loopback is not for this script to change).
others=$(ip -o link show | awk -F': ' '$2 != "lo" { print $2 }' | paste -sd ' ')
[ -z "$others" ] || { echo "cluster: not in a private network namespace (interfaces besides loopback: $others)" >&2; exit 1; }

TEST_PID=""
finish() {
  local rc=$? t0
  trap - EXIT INT TERM
  set +e
  # Interrupted during the tests: end them first, so none talks to a cluster being stopped.
  if [ -n "$TEST_PID" ]; then
    kill -TERM "$TEST_PID" 2>/dev/null
    wait "$TEST_PID" 2>/dev/null
  fi
  t0=$(date +%s.%N)
  if [ "$rc" != 0 ]; then TSFLOW_CLUSTER_KEEP=1 bash "$REPO/cluster/down.sh"; else bash "$REPO/cluster/down.sh" >/dev/null; fi
  echo "cluster: stop    $(seconds_since "$t0")s"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip link set lo up
# Slurm finds its listening address with getaddrinfo(NULL, port) for IPv4 with AI_ADDRCONFIG, which
# glibc answers only where an IPv4 address other than 127.0.0.1 is configured ("Unable to resolve
# (null)", then no socket). A second loopback address satisfies it: still lo, still unreachable
# from outside the namespace.
ip addr add 127.0.0.2/32 dev lo

t0=$(date +%s.%N)
bash "$REPO/cluster/up.sh"
echo "cluster: start   $(seconds_since "$t0")s (in a network namespace with only loopback)"

DIR=$(sed -n 's/^TSFLOW_CLUSTER_DIR=//p' "$TSFLOW_CLUSTER_ENV")
set -a
# shellcheck source=/dev/null
source "$DIR/ceph/env"
# shellcheck source=/dev/null
source "$DIR/slurm/env"
set +a
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
t0=$(date +%s.%N)
rc=0
# In the background, so that a signal reaches the trap now, not when the tests are over.
node --import tsx --test --test-timeout=180000 "$@" &
TEST_PID=$!
# For run.sh, should this script be killed outright while the tests run.
echo "$TEST_PID" >"$TSFLOW_CLUSTER_ENV.tests.pid"
wait "$TEST_PID" || rc=$?
TEST_PID=""
rm -f "$TSFLOW_CLUSTER_ENV.tests.pid"
echo "cluster: tests   $(seconds_since "$t0")s"
exit "$rc"
