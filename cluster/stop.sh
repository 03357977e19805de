#!/usr/bin/env bash
# Stops the daemons of a cluster folder (up.sh's DIR), each by its own pid: Slurm first (its jobs
# may be writing to the gateway), then the gateway. The folder stays.
#   usage: cluster/stop.sh DIR
set -euo pipefail
CLUSTER_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:?usage: cluster/stop.sh DIR}
rc=0
[ ! -d "$DIR/slurm" ] || bash "$CLUSTER_SCRIPTS/slurm/stop.sh" "$DIR/slurm" || rc=1
[ ! -d "$DIR/ceph" ] || bash "$CLUSTER_SCRIPTS/../test/ceph/stop-rgw.sh" "$DIR/ceph" || rc=1
exit "$rc"
