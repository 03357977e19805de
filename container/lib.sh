# Helpers of the container scripts (sourced): where the image build keeps its state, and podman
# configured for it.
#
# Everything podman keeps (images, layers, its own database) lives under IMAGE_CACHE, and its
# per-boot state under a folder of /tmp: nothing is written to /etc/containers, /var/lib/containers
# or /run. podman reads this configuration from CONTAINERS_CONF and CONTAINERS_STORAGE_CONF.
#
#   storage    overlay, the kernel's own (rootful podman on ext4/xfs); TSFLOW_PODMAN_DRIVER=vfs for a
#              file system overlay cannot sit on (slower: every layer is a full copy)
#   cgroups    cgroupfs: there is no systemd to ask for a scope in a container or a CI sandbox
#   network    the host's: a task reaches the datastore where the host does (the test's S3 server on
#              127.0.0.1), and no bridge, iptables or netavark setup is needed
#   events     a file, not the journal
#   ulimits    the limits this shell has: podman's defaults (1048576 open files and processes) are
#              more than a sandbox without CAP_SYS_RESOURCE may set, and runc then fails with "error
#              setting rlimit type 7: operation not permitted"; podman itself holds processes to
#              the kernel's pid_max
#
# Environment: TSFLOW_IMAGE_CACHE (default ~/.cache/tsflow/image) holds the base image, its stamps
# and podman's storage; keep it between CI runs to skip the ~1 min base build.

IMAGE_CACHE=${TSFLOW_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tsflow/image}
# podman's per-boot state belongs to one storage: a run folder per cache folder.
PODMAN_RUN_DIR=${TMPDIR:-/tmp}/tsflow-podman-run-$(printf '%s' "$IMAGE_CACHE" | sha256sum | cut -c1-12)

# The settings above as podman's two configuration files, exported for every podman started after.
podman_env() {
  mkdir -p "$IMAGE_CACHE/storage" "$PODMAN_RUN_DIR"
  write_if_changed "$IMAGE_CACHE/storage.conf" <<CONF
[storage]
driver = "${TSFLOW_PODMAN_DRIVER:-overlay}"
graphroot = "$IMAGE_CACHE/storage"
runroot = "$PODMAN_RUN_DIR/storage"
CONF
  write_if_changed "$IMAGE_CACHE/containers.conf" <<CONF
[containers]
netns = "host"
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$(process_limit):$(process_limit)"]

[network]
network_config_dir = "$IMAGE_CACHE/networks"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_RUN_DIR/events.log"
tmp_dir = "$PODMAN_RUN_DIR/libpod"
CONF
  export CONTAINERS_STORAGE_CONF=$IMAGE_CACHE/storage.conf
  export CONTAINERS_CONF=$IMAGE_CACHE/containers.conf
}

# The most processes a container may have: the shell's own hard limit, at most the kernel's pid_max.
process_limit() {
  local limit pid_max
  limit=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max)
  if [ "$limit" = unlimited ] || [ "$limit" -gt "$pid_max" ]; then limit=$pid_max; fi
  echo "$limit"
}

# Writes stdin to FILE unless FILE holds it already (a podman running meanwhile keeps its file).
write_if_changed() {
  local text
  text=$(cat)
  [ -f "$1" ] && [ "$(cat "$1")" = "$text" ] && return 0
  printf '%s\n' "$text" >"$1.tmp.$$"
  mv "$1.tmp.$$" "$1"
}

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
