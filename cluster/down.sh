#!/usr/bin/env bash
# `npm run cluster:down`: stops the cluster `npm run cluster:up` started, each daemon by the pid it
# kept in its folder (TSFLOW_CLUSTER_DIR in .tsflow-cluster.env, or TSFLOW_CLUSTER_ENV's file),
# then removes the folder and the file. Idempotent: with no cluster up it says so and succeeds.
set -euo pipefail
CLUSTER_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLUSTER_SCRIPTS/.." && pwd)
ENV_FILE=${TSFLOW_CLUSTER_ENV:-$REPO/.tsflow-cluster.env}

if [ ! -f "$ENV_FILE" ]; then
  echo "cluster: not up (no $ENV_FILE)"
  exit 0
fi
DIR=$(sed -n 's/^TSFLOW_CLUSTER_DIR=//p' "$ENV_FILE")
if [ -n "$DIR" ] && [ -d "$DIR" ]; then
  bash "$CLUSTER_SCRIPTS/stop.sh" "$DIR"
  if [ "${TSFLOW_CLUSTER_KEEP:-0}" = 1 ]; then echo "cluster: logs kept in $DIR"; else rm -rf "$DIR"; fi
fi
rm -f "$ENV_FILE"
echo "cluster: down"
