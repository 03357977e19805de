#!/usr/bin/env bash
# Builds the task image, localhost/tsflow-task, from the Containerfile and the packed tsflow: the
# image a Kubernetes Job runs `tsflow step` in (`npm run image` builds dist/ first).
#
#   base    container/base-image.sh: Debian 13 with Node.js 20, once (~70 s), then cached
#   pack    `npm pack` of the built dist/ into a build context of its own (one file, tsflow.tgz)
#   build   `podman build` FROM the base, skipped when the Containerfile, the package and the base
#           are those of the last build (a stamp in TSFLOW_IMAGE_CACHE)
#
# Needs podman, runc and mmdebstrap (container/install.sh installs them) and root: podman is
# configured by container/lib.sh, its state kept under TSFLOW_IMAGE_CACHE.
set -euo pipefail
CONTAINER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$CONTAINER_DIR/.." && pwd)
# shellcheck source=container/lib.sh
source "$CONTAINER_DIR/lib.sh"

TASK_IMAGE=localhost/tsflow-task
BASE_IMAGE=localhost/tsflow-base:trixie

bash "$CONTAINER_DIR/base-image.sh"
podman_env
[ -f "$ROOT/dist/cli.js" ] || { echo "image: dist/ is not built: run npm run build first" >&2; exit 1; }

context=$(mktemp -d "${TMPDIR:-/tmp}/tsflow-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
# --ignore-scripts: the prepack script would build dist/ again. npm stores fixed mtimes in the
# archive, so the same dist/ packs to the same bytes, and the stamp below holds across runs.
package=$(cd "$ROOT" && npm pack --ignore-scripts --silent --pack-destination "$context")
mv "$context/$package" "$context/tsflow.tgz"

stamp=$(cat "$ROOT/Containerfile" "$context/tsflow.tgz" <(podman image inspect --format '{{.Id}}' "$BASE_IMAGE") |
  sha256sum | cut -c1-16)
if [ "$(cat "$IMAGE_CACHE/task.stamp" 2>/dev/null)" = "$stamp" ] && podman image exists "$TASK_IMAGE"; then
  echo "image: $TASK_IMAGE is up to date"
  exit 0
fi

t0=$(date +%s.%N)
previous=$(podman image inspect --format '{{.Id}}' "$TASK_IMAGE" 2>/dev/null || true)
log=$(mktemp)
trap 'rm -rf "$context" "$log"' EXIT
# --pull=never: the base is local, and no registry is asked about it. --layers=false: the package
# changes at every build, so caching each instruction would only leave intermediate images behind;
# what the Containerfile adds is one layer.
if ! podman build --pull=never --layers=false --file "$ROOT/Containerfile" --tag "$TASK_IMAGE" "$context" >"$log" 2>&1; then
  cat "$log" >&2
  echo "image: podman build failed (output above)" >&2
  exit 1
fi
echo "$stamp" >"$IMAGE_CACHE/task.stamp"
# The image this one replaces, now untagged, would otherwise stay in the cache at every build (a
# container still using it keeps it). Only that one: other untagged images are build caches, such
# as the npm stage of container/flow-deps.Containerfile.
if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$TASK_IMAGE")" ]; then
  podman rmi "$previous" >/dev/null 2>&1 || true
fi
echo "image: $TASK_IMAGE built in $(seconds_since "$t0")s, $(podman image inspect --format '{{.Size}}' "$TASK_IMAGE" | numfmt --to=si)B"
