#!/usr/bin/env bash
# Installs the Debian packages the Ceph tier runs on, when any is missing (a no-op otherwise).
#
#   ceph-mon  the monitor (pulls ceph-base and ceph-common: the `ceph` CLI, monmaptool, ceph-authtool)
#   ceph-osd  one object storage daemon, run on the memstore object store (no disk)
#   radosgw   the S3 gateway and radosgw-admin
#
# No ceph-mgr: the gateway creates its pools through the monitor, and the manager would bring
# dozens of Python packages for nothing this tier uses. --no-install-recommends keeps out
# ceph-mds, ceph-volume's helpers and the rest. Debian 12 ships Ceph 16.2 (Pacific).
# Installing starts no daemon: each needs a cluster configuration, which only the tier's own start
# script writes (in a temp folder; nothing is written to /etc/ceph).
# Environment: APT_GET_UPDATE=0 skips the index refresh (for a machine whose index is current).
set -euo pipefail

CEPH_APT_PACKAGES=(ceph-mon ceph-osd radosgw)

exec bash "$(dirname "${BASH_SOURCE[0]}")/../../scripts/apt-install.sh" ceph "${CEPH_APT_PACKAGES[@]}"
