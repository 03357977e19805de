#!/usr/bin/env bash
# `npm run cluster:up`: what remote runs need, on this machine. The S3 gateway listens on 127.0.0.1;
# slurmctld and slurmd on all interfaces (Slurm has no bind address), munge-authenticated with a
# fresh key (cluster/README.md, "Network"). The test tier runs this in a loopback-only namespace.
#
#   Slurm    a single-node cluster with its own munge (cluster/slurm/start.sh)
#   S3       a Ceph RADOS Gateway (test/ceph/start-rgw.sh) with a bucket for the datastore
#
# Installs their Debian packages when missing (as root, or with sudo), then writes the environment
# to use to .tsflow-cluster.env in the repository root (TSFLOW_CLUSTER_ENV names another file), as
# KEY=VALUE lines: `set -a; . ./.tsflow-cluster.env; set +a`, then `tsflow run FLOW --with slurm`.
# Every daemon's pid, configuration, data and logs live in one temp folder, TSFLOW_CLUSTER_DIR in
# that file; `npm run cluster:down` stops exactly those processes and removes the folder.
# Idempotent: when the file's cluster runs, it says so and leaves it running.
set -euo pipefail
CLUSTER_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLUSTER_SCRIPTS/.." && pwd)
ENV_FILE=${TSFLOW_CLUSTER_ENV:-$REPO/.tsflow-cluster.env}
BUCKET=tsflow
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

if [ -f "$ENV_FILE" ]; then
  dir=$(sed -n 's/^TSFLOW_CLUSTER_DIR=//p' "$ENV_FILE")
  if [ -n "$dir" ] && bash "$CLUSTER_SCRIPTS/status.sh" "$dir" >/dev/null 2>&1; then
    echo "cluster: already up ($ENV_FILE; npm run cluster:down stops it)"
    exit 0
  fi
  echo "cluster: $ENV_FILE names a cluster that is not running: stopping what is left of it"
  bash "$CLUSTER_SCRIPTS/down.sh"
fi

STARTED=$(date +%s.%N)
echo "cluster: checking packages (slurm-wlm, munge, ceph-mon, ceph-osd, radosgw)"
bash "$CLUSTER_SCRIPTS/slurm/install.sh"
bash "$REPO/test/ceph/install.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/tsflow-cluster.XXXXXX")
# munged serves its socket only from a folder everyone can traverse (mktemp makes it private).
chmod 755 "$DIR"
# A failure part-way stops whatever did start; the folder stays for its logs.
trap 'rc=$?; if [ $rc != 0 ]; then bash "$CLUSTER_SCRIPTS/stop.sh" "$DIR" >/dev/null 2>&1 || true; echo "cluster: not started (logs in $DIR)" >&2; fi' EXIT
echo "cluster: starting Slurm (slurmctld, slurmd, munged) in $DIR/slurm"
bash "$CLUSTER_SCRIPTS/slurm/start.sh" "$DIR/slurm"
echo "cluster: starting the S3 gateway (ceph-mon, ceph-osd, radosgw) in $DIR/ceph"
bash "$REPO/test/ceph/start-rgw.sh" "$DIR/ceph"

set -a
# shellcheck source=/dev/null
source "$DIR/ceph/env"
set +a
AWS_ACCESS_KEY_ID=$TSFLOW_TEST_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$TSFLOW_TEST_S3_SECRET_ACCESS_KEY \
  AWS_REGION=$TSFLOW_TEST_S3_REGION AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  node "$CLUSTER_SCRIPTS/make-bucket.mjs" "$TSFLOW_TEST_S3_ENDPOINT" "$BUCKET"

cat >"$ENV_FILE.tmp" <<ENV
# The local cluster of npm run cluster:up ($(date -u +%FT%TZ)); npm run cluster:down stops it.
# Use: set -a; . ./$(basename "$ENV_FILE"); set +a
TSFLOW_CLUSTER_DIR=$DIR
TSFLOW_DATASTORE_ROOT=s3://$BUCKET/runs
TSFLOW_S3_ENDPOINT_URL=$TSFLOW_TEST_S3_ENDPOINT
AWS_ACCESS_KEY_ID=$TSFLOW_TEST_S3_ACCESS_KEY_ID
AWS_SECRET_ACCESS_KEY=$TSFLOW_TEST_S3_SECRET_ACCESS_KEY
AWS_REGION=$TSFLOW_TEST_S3_REGION
$(cat "$DIR/slurm/env")
TSFLOW_SLURM_OUTPUT_DIR=$DIR/slurm-output
ENV
mkdir -p "$DIR/slurm-output"
mv "$ENV_FILE.tmp" "$ENV_FILE"
echo "cluster: up in $(seconds_since "$STARTED")s: Slurm (sinfo, sbatch) and S3 at $TSFLOW_TEST_S3_ENDPOINT, datastore s3://$BUCKET/runs"
echo "cluster: environment in $ENV_FILE: set -a; . $ENV_FILE; set +a"
echo "cluster: then: tsflow run FLOW.ts --with slurm; npm run cluster:down stops it"
