#!/usr/bin/env bash
# Installs Debian packages when any is missing (a no-op otherwise), for the tiers and tools that run
# on Debian's packages: `scripts/apt-install.sh LABEL PACKAGE...`, LABEL prefixing what it prints.
#
# --no-install-recommends: only what each package needs. The index is refreshed once first, as an
# empty or stale one cannot find them (APT_GET_UPDATE=0 skips that, for a machine whose index is
# current). The lock timeout waits for another apt (a tier installing in parallel) rather than
# failing at once. Root runs apt-get itself; anyone else goes through sudo.
set -euo pipefail
label=$1
shift

missing=()
for p in "$@"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null || { echo "$label: ${missing[*]} missing and no apt-get here: install them by hand" >&2; exit 1; }
echo "$label: installing Debian packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "$label: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
if [ "${APT_GET_UPDATE:-1}" != 0 ]; then
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300
fi
log=$(mktemp)
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=300 "${missing[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "$label: apt-get install ${missing[*]} failed (log above)" >&2
  rm -f "$log"
  exit 1
fi
grep -E '^(Need to get|After this operation)' "$log" || true
rm -f "$log"
