#!/usr/bin/env bash
# Installs the Debian packages the local Slurm runs on, when any is missing (a no-op otherwise).
#
#   slurm-wlm     slurmctld and slurmd (Debian 12: Slurm 22.05), with the client commands
#                 (sbatch, squeue, sacct, scontrol, scancel, sinfo) of slurm-client
#   munge         munged, the authentication every Slurm message carries
#
# Installing starts no daemon here that this project uses: Debian's units would read /etc/slurm,
# which the cluster's own start script never does (its configuration lives in a temp folder).
# Environment: APT_GET_UPDATE=0 skips the index refresh (for a machine whose index is current).
set -euo pipefail

SLURM_APT_PACKAGES=(slurm-wlm munge)

missing=()
for p in "${SLURM_APT_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null || { echo "slurm: ${missing[*]} missing and no apt-get here: install Slurm and munge by hand" >&2; exit 1; }
echo "slurm: installing Debian packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "slurm: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
if [ "${APT_GET_UPDATE:-1}" != 0 ]; then
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300
fi
log=$(mktemp)
# policy-rc.d is not ours to write: Debian's postinst may start munge and slurm with the system's
# configuration (and fail without one); neither is used or stopped by this project.
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=300 "${missing[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "slurm: apt-get install ${missing[*]} failed (log above)" >&2
  rm -f "$log"
  exit 1
fi
grep -E '^(Need to get|After this operation)' "$log" || true
rm -f "$log"
