#!/usr/bin/env bash
# Installs the Debian packages the local Slurm runs on, when any is missing (a no-op otherwise).
#
#   slurm-wlm     slurmctld and slurmd (Debian 12: Slurm 22.05), with the client commands
#                 (sbatch, squeue, sacct, scontrol, scancel, sinfo) of slurm-client
#   munge         munged, the authentication every Slurm message carries
#
# Installing starts no daemon here that this project uses: Debian's units would read /etc/slurm,
# which the cluster's own start script never does (its configuration lives in a temp folder).
# policy-rc.d is not ours to write: Debian's postinst may start munge and slurm with the system's
# configuration (and fail without one); neither is used or stopped by this project.
# Environment: APT_GET_UPDATE=0 skips the index refresh (for a machine whose index is current).
set -euo pipefail

SLURM_APT_PACKAGES=(slurm-wlm munge)

exec bash "$(dirname "${BASH_SOURCE[0]}")/../../scripts/apt-install.sh" slurm "${SLURM_APT_PACKAGES[@]}"
