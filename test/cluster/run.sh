#!/usr/bin/env bash
# The cluster tier (`npm run test:cluster`): test/cluster/*.test.ts against the local cluster, in a
# private network namespace that has only loopback.
#
# slurmctld and slurmd have no bind-address setting and listen on all interfaces; the project's rule
# is that a server a test starts listens on 127.0.0.1 only. So the cluster and the tests run in a
# network namespace of their own (`unshare --net`, test/cluster/in-netns.sh), where 0.0.0.0 is
# loopback and nothing else. Everything that needs the outside network happens first, here:
#
#   install  the Debian packages of Slurm, munge and Ceph when missing (as root or with sudo);
#            podman, runc and mmdebstrap are container/install.sh's (.ci/run runs it)
#   build    the bundles (the end-to-end tests run dist/cli.js, also on the Slurm node)
#   images   the podman test's images (test/cluster/prepare-images.ts): the base from Debian's mirror,
#            the task image, the flow-deps image whose stage runs `npm ci`; cached no-ops when built
#   netns    test/cluster/in-netns.sh in a new network namespace: loopback up, cluster/up.sh into a
#            temp env file (never the repository's .tsflow-cluster.env), the tests, cluster/down.sh
#
# A private network namespace needs root or CAP_SYS_ADMIN: without it the tier stops with one line
# and starts nothing, rather than start daemons that listen on every interface.
# TSFLOW_TEST_KUBECONFIG (a live Kubernetes cluster) is out of the namespace's reach: with it set,
# kubernetes-live.test.ts runs here, in the host's network (it starts no server).
#
# Cleanup: in-netns.sh stops each daemon by its pid when the tests end, fail or are interrupted;
# should it be killed without doing so, this script stops the tests and what the env file names,
# by pid (pids work across network namespaces). The env file's folder is removed; the cluster's
# folder too, unless the run failed (then its logs stay, as cluster/down.sh says).
# Exit status: the tests' (non-zero when any fails), or 1 when the cluster did not start.
# Environment: TSFLOW_CLUSTER_KEEP=1 keeps the cluster's folder (logs) after the run.
set -euo pipefail
CLUSTER_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLUSTER_TEST_DIR/../.." && pwd)
cd "$REPO"
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# Before anything is installed or built: can this run at all?
if ! probe=$(unshare --net true 2>&1); then
  echo "cluster: the tier runs in a private network namespace (unshare --net), which needs root or CAP_SYS_ADMIN: ${probe:-unshare failed}" >&2
  exit 1
fi
command -v ip >/dev/null || { echo "cluster: ip (iproute2) is not installed: the namespace's loopback cannot be brought up" >&2; exit 1; }

ENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tsflow-cluster-tier.XXXXXX")
export TSFLOW_CLUSTER_ENV=$ENV_DIR/cluster.env
INNER_PID=""
finish() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  # Interrupted: the namespace's script stops its tests and its cluster; wait for it to.
  if [ -n "$INNER_PID" ]; then
    kill -TERM "$INNER_PID" 2>/dev/null
    wait "$INNER_PID" 2>/dev/null
  fi
  # It died without stopping its tests or the cluster (SIGKILL): stop them from here, by pid.
  if [ -f "$TSFLOW_CLUSTER_ENV.tests.pid" ]; then
    kill -TERM "$(cat "$TSFLOW_CLUSTER_ENV.tests.pid")" 2>/dev/null
  fi
  if [ -f "$TSFLOW_CLUSTER_ENV" ]; then
    echo "cluster: stopping what the namespace left running" >&2
    TSFLOW_CLUSTER_KEEP=1 bash "$REPO/cluster/down.sh"
  fi
  rm -rf "$ENV_DIR"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s.%N)
bash "$REPO/cluster/slurm/install.sh"
bash "$REPO/test/ceph/install.sh"
node esbuild.mjs
node --import tsx "$CLUSTER_TEST_DIR/prepare-images.ts"
echo "cluster: prepare $(seconds_since "$t0")s (packages, bundles, images; from here on, no network)"

LIVE=$CLUSTER_TEST_DIR/kubernetes-live.test.ts
TESTS=()
for file in "$CLUSTER_TEST_DIR"/*.test.ts; do
  [ -n "${TSFLOW_TEST_KUBECONFIG:-}" ] && [ "$file" = "$LIVE" ] || TESTS+=("$file")
done
rc=0
# In the background, so that a signal reaches the trap now, not when the tests are over.
unshare --net bash "$CLUSTER_TEST_DIR/in-netns.sh" "${TESTS[@]}" &
INNER_PID=$!
wait "$INNER_PID" || rc=$?
INNER_PID=""
if [ -n "${TSFLOW_TEST_KUBECONFIG:-}" ]; then
  echo "cluster: $(basename "$LIVE") in the host's network (TSFLOW_TEST_KUBECONFIG)"
  node --import tsx --test --test-timeout=600000 "$LIVE" || rc=$?
fi
exit "$rc"
