#!/usr/bin/env bash
# The Ceph tier (`npm run test:ceph`): test/ceph/*.test.ts against a real Ceph RADOS Gateway.
#
#   start   test/ceph/start-rgw.sh in a fresh folder: mon, one memstore OSD, radosgw on loopback
#   tests   node --test test/ceph/*.test.ts, the gateway named by TSFLOW_TEST_S3_* (its DIR/env)
#   stop    always, each daemon by its pid (test/ceph/stop-rgw.sh), even when the tests fail
#
# Needs Ceph's Debian packages: test/ceph/install.sh (as root) installs them; .ci/run calls it.
# Exit status: the tests' (non-zero when any fails), or 1 when the gateway did not start.
# Environment: TSFLOW_CEPH_KEEP=1 keeps the folder (logs) after a passing run too.
set -euo pipefail
CEPH_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$CEPH_TEST_DIR/../.."

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/tsflow-ceph.XXXXXX")
TEST_PID=""
finish() {
  local rc=$? t0
  trap - EXIT INT TERM
  # Whatever fails from here on, the daemons must still be stopped.
  set +e
  # Interrupted during the tests: end them first, so none talks to a gateway being stopped.
  if [ -n "$TEST_PID" ]; then
    kill -TERM "$TEST_PID" 2>/dev/null
    wait "$TEST_PID" 2>/dev/null
  fi
  t0=$(date +%s.%N)
  bash "$CEPH_TEST_DIR/stop-rgw.sh" "$DIR" >/dev/null
  echo "ceph: stop    $(seconds_since "$t0")s"
  if [ "$rc" = 0 ] && [ "${TSFLOW_CEPH_KEEP:-0}" != 1 ]; then rm -rf "$DIR"; else echo "ceph: logs in $DIR"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s.%N)
bash "$CEPH_TEST_DIR/start-rgw.sh" "$DIR"
echo "ceph: start   $(seconds_since "$t0")s"

t0=$(date +%s.%N)
set -a
# shellcheck source=/dev/null
source "$DIR/env"
set +a
# The SDK's notice that its 2027 releases need Node 22 is not the tests' business.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
rc=0
# In the background, so that a signal reaches the trap now, not when the tests are over. A test that
# hangs (a compare-and-swap loop that never lands) fails after 2 minutes instead of holding CI.
node --import tsx --test --test-timeout=120000 test/ceph/*.test.ts &
TEST_PID=$!
wait "$TEST_PID" || rc=$?
TEST_PID=""
echo "ceph: tests   $(seconds_since "$t0")s"
exit "$rc"
