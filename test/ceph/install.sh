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
# Environment: APT_GET_UPDATE=0 skips the index refresh (for a machine whose index is current).
set -euo pipefail

CEPH_APT_PACKAGES=(ceph-mon ceph-osd radosgw)

missing=()
for p in "${CEPH_APT_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ceph: installing Debian packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "ceph: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
# An empty or stale package index cannot find them: refresh it once, then install. The lock
# timeout waits for another apt (the e2e tier's, a parallel job) rather than failing at once.
if [ "${APT_GET_UPDATE:-1}" != 0 ]; then
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300
fi
log=$(mktemp)
# Installing starts no daemon: each needs a cluster configuration, which only the tier's own start
# script writes (in a temp folder; nothing is written to /etc/ceph).
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=300 "${missing[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "ceph: apt-get install ${missing[*]} failed (log above)" >&2
  rm -f "$log"
  exit 1
fi
grep -E '^(Need to get|After this operation)' "$log" || true
rm -f "$log"
