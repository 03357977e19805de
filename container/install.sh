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

exec bash "$(dirname "${BASH_SOURCE[0]}")/../scripts/apt-install.sh" image "${IMAGE_APT_PACKAGES[@]}"
