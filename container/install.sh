#!/usr/bin/env bash
# Installs the Debian packages the task image is built and run with, when any is missing (a no-op
# otherwise).
#
#   podman      builds the image and runs its containers (as root; configured by container/lib.sh)
#   runc        the OCI runtime containers start with (podman depends on crun or runc: naming runc
#               makes apt choose it)
#   mmdebstrap  builds the base image's file system from Debian's packages (no container registry)
#
# --no-install-recommends keeps out buildah, the rootless helpers (slirp4netns, fuse-overlayfs,
# uidmap) and docs: containers run as root on the host's network. conmon and containers-common come
# with podman.
# Environment: APT_GET_UPDATE=0 skips the index refresh (for a machine whose index is current).
set -euo pipefail

IMAGE_APT_PACKAGES=(podman runc mmdebstrap)

missing=()
for p in "${IMAGE_APT_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "image: installing Debian packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "image: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
# The lock timeout waits for another apt (the Ceph or e2e tier's, a parallel job) rather than failing.
if [ "${APT_GET_UPDATE:-1}" != 0 ]; then
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300
fi
log=$(mktemp)
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=300 "${missing[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "image: apt-get install ${missing[*]} failed (log above)" >&2
  rm -f "$log"
  exit 1
fi
grep -E '^(Need to get|After this operation)' "$log" || true
rm -f "$log"
