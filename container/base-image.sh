#!/usr/bin/env bash
# Builds the task image's base, localhost/tsflow-base:trixie, from Debian's packages: no container
# registry is needed (the Containerfile starts FROM it). Built once: a stamp in the cache names what
# it was built from, and a second call with the same inputs is a no-op (~0.1 s).
#
#   mmdebstrap  Debian 13 (trixie), variant apt (the Essential packages and apt), with nodejs (20.19:
#               TSFlow needs Node >= 20.12, and Debian 12's is 18) and ca-certificates (TLS to S3)
#   podman      imports the file system as an image (no Dockerfile step can run before a base exists)
#
# Documentation, manual pages and translations are left out (dpkg path-exclude, kept in the image so
# that packages installed later skip them too). ~60 s and ~180 MB.
# Environment: TSFLOW_DEBIAN_MIRROR (default http://deb.debian.org/debian), TSFLOW_IMAGE_CACHE.
set -euo pipefail
CONTAINER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=container/lib.sh
source "$CONTAINER_DIR/lib.sh"

BASE_IMAGE=localhost/tsflow-base:trixie
MIRROR=${TSFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${TSFLOW_DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}
SOURCES=(
  "deb $MIRROR trixie main"
  "deb $MIRROR trixie-updates main"
  "deb $SECURITY_MIRROR trixie-security main"
)
MMDEBSTRAP_OPTIONS=(
  --variant=apt
  --include=nodejs,ca-certificates
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --aptopt='APT::Install-Recommends "false"'
)

podman_env
for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null || { echo "image: $tool is not installed: run container/install.sh" >&2; exit 1; }
done

# What the base is built from: this script (its packages and options) and the sources it reads.
stamp=$(cat "${BASH_SOURCE[0]}" <(printf '%s\n' "${SOURCES[@]}") | sha256sum | cut -c1-16)
if [ "$(cat "$IMAGE_CACHE/base.stamp" 2>/dev/null)" = "$stamp" ] && podman image exists "$BASE_IMAGE"; then
  exit 0
fi

echo "image: building $BASE_IMAGE from Debian's packages ($MIRROR)"
t0=$(date +%s.%N)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The file system goes from mmdebstrap to podman as a tar stream, never to disk.
if ! mmdebstrap "${MMDEBSTRAP_OPTIONS[@]}" trixie - "${SOURCES[@]}" 2>"$log" |
  podman import --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >>"$log" 2>&1; then
  tail -30 "$log" >&2
  echo "image: building $BASE_IMAGE failed (log above)" >&2
  exit 1
fi
echo "$stamp" >"$IMAGE_CACHE/base.stamp"
echo "image: $BASE_IMAGE built in $(seconds_since "$t0")s, $(podman image inspect --format '{{.Size}}' "$BASE_IMAGE" | numfmt --to=si)B"
