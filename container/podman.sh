#!/usr/bin/env bash
# podman with the settings of container/lib.sh (storage under TSFLOW_IMAGE_CACHE, cgroupfs, the
# host's network, the shell's limits): `bash container/podman.sh run --rm localhost/tsflow-task --version`.
set -euo pipefail
# shellcheck source=container/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
podman_env
exec podman "$@"
