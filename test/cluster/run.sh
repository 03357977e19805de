#!/usr/bin/env bash
# The cluster tier (`npm run test:cluster`): test/cluster/*.test.ts against the local cluster.
#
#   build   the bundles (the end-to-end tests run dist/cli.js, also on the Slurm node)
#   start   cluster/up.sh into a temp env file (never the repository's .tsflow-cluster.env, so a
#           cluster a user keeps up is left alone): Slurm with munge, the Ceph S3 gateway;
#           installs their Debian packages when missing (as root or with sudo)
#   tests   node --test test/cluster/*.test.ts, every file, with in their environment:
#           SLURM_CONF, TSFLOW_TEST_S3_* (test/support/rgw.ts reads them), and
#           TSFLOW_CLUSTER_ENV (the env file: TSFLOW_DATASTORE_ROOT, credentials, ... as users get it)
#   stop    always, each daemon by its pid (cluster/down.sh), even when the tests fail
#
# Exit status: the tests' (non-zero when any fails), or 1 when the cluster did not start.
# Environment: TSFLOW_CLUSTER_KEEP=1 keeps the cluster's folder (logs) after the run.
set -euo pipefail
CLUSTER_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLUSTER_TEST_DIR/../.." && pwd)
cd "$REPO"
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

ENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tsflow-cluster-tier.XXXXXX")
export TSFLOW_CLUSTER_ENV=$ENV_DIR/cluster.env
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
  rm -rf "$ENV_DIR"
  echo "cluster: stop    $(seconds_since "$t0")s"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s.%N)
node esbuild.mjs
bash "$REPO/cluster/up.sh"
echo "cluster: start   $(seconds_since "$t0")s"

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
node --import tsx --test --test-timeout=180000 test/cluster/*.test.ts &
TEST_PID=$!
wait "$TEST_PID" || rc=$?
TEST_PID=""
echo "cluster: tests   $(seconds_since "$t0")s"
exit "$rc"
