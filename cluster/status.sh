#!/usr/bin/env bash
# Exits 0 when the cluster in DIR (up.sh's folder) runs: every Slurm daemon and the node up, every
# Ceph daemon and the gateway answering.
#   usage: cluster/status.sh DIR
set -euo pipefail
CLUSTER_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:?usage: cluster/status.sh DIR}
(
  DIR=$DIR/slurm
  # shellcheck source=slurm/lib.sh
  source "$CLUSTER_SCRIPTS/slurm/lib.sh"
  slurm_running
)
(
  DIR=$DIR/ceph
  CONF=$DIR/ceph.conf
  # shellcheck source=../test/ceph/lib.sh
  source "$CLUSTER_SCRIPTS/../test/ceph/lib.sh"
  ceph_running
)
