#!/usr/bin/env bash
# Starts a single-node Ceph with a RADOS Gateway on 127.0.0.1, for the Ceph test tier.
#
#   usage: test/ceph/start-rgw.sh [DIR]      (default: $TSFLOW_CEPH_DIR, else $TMPDIR/tsflow-ceph)
#
#   mon.a       the monitor, msgr2 only, on a free loopback port
#   osd.0       one OSD on the memstore object store: objects live in its memory, no disk
#   client.rgw  radosgw, the beast frontend on a free loopback port
#
# No manager (ceph-mgr): the monitor creates pools and the OSD peers without one; only `ceph -s`
# statistics need it. Authentication is off (auth ... = none): nothing but loopback reaches it.
# Everything (ceph.conf, data, logs, admin sockets, pid files) lives in DIR; /etc/ceph is not read.
#
# It writes DIR/env, lines of NAME=VALUE the tests read: TSFLOW_TEST_S3_ENDPOINT, ..._BUCKET,
# ..._ACCESS_KEY_ID, ..._SECRET_ACCESS_KEY, ..._REGION (fixed test keys of a user made for the tier).
# Idempotent: when DIR already holds a gateway that answers, it says so and leaves it running;
# otherwise it stops what is left in DIR and starts anew. On failure it names the daemon, prints
# its log's tail, stops everything it started and exits 1. Stop it with test/ceph/stop-rgw.sh DIR.
set -euo pipefail
CEPH_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-${TSFLOW_CEPH_DIR:-${TMPDIR:-/tmp}/tsflow-ceph}}
CONF=$DIR/ceph.conf
# shellcheck source=lib.sh
source "$CEPH_TEST_DIR/lib.sh"

ACCESS_KEY=TSFLOWTESTACCESSKEY0
SECRET_KEY=tsflow-test-secret-key-for-loopback-rgw0
BUCKET=tsflow-test
# A broken start must fail in seconds, not hang a CI run: a librados client waits for ever for a
# monitor or an OSD that never comes.
STEP_TIMEOUT=60

for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph uuidgen; do
  command -v "$tool" >/dev/null || ceph_fail "" "$tool is not installed: run test/ceph/install.sh (as root)"
done

if ceph_running "$DIR"; then
  echo "ceph: already running in $DIR ($(grep ENDPOINT "$DIR/env"))"
  exit 0
fi
if [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
  # Emptied below: only a folder this script made (it holds a ceph.conf), never any other.
  [ -f "$CONF" ] || ceph_fail "" "$DIR is not empty and holds no ceph.conf: not a folder of this script's"
  bash "$CEPH_TEST_DIR/stop-rgw.sh" "$DIR" >/dev/null
fi
rm -rf "$DIR"
mkdir -p "$DIR/run" "$DIR/crash" "$DIR/mon.a" "$DIR/osd.0"
STARTED=$(date +%s.%N)
# A failure part-way stops whatever did start.
trap 'rc=$?; [ $rc = 0 ] || bash "$CEPH_TEST_DIR/stop-rgw.sh" "$DIR" >/dev/null 2>&1 || true' EXIT

MON_PORT=$(free_port)
RGW_PORT=$(free_port)
FSID=$(uuidgen)
# $name (escaped below): ceph.conf's own variable (mon.a, osd.0, client.rgw), expanded by each daemon.
cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon_host = [v2:127.0.0.1:$MON_PORT]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr1 = false
run_dir = $DIR/run
crash_dir = $DIR/crash
mon_data = $DIR/\$name
osd_data = $DIR/\$name
admin_socket = $DIR/run/\$name.asok
log_file = $DIR/\$name.log
EOF
cat >>"$CONF" <<'EOF'
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# Without authentication there is no session key to encrypt with: plain (crc) connections only,
# where a daemon would otherwise insist on "secure" ones to the monitor.
ms_mon_client_mode = crc
ms_mon_service_mode = crc
ms_mon_cluster_mode = crc
ms_client_mode = crc
ms_service_mode = crc
ms_cluster_mode = crc
# One OSD holds every copy: pools of size 1, allowed and not warned about.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0
# Without a manager nothing would autoscale; fixed small pools keep PG creation quick.
osd_pool_default_pg_autoscale_mode = off
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
rgw_rados_pool_pg_num_min = 8
mon_allow_pool_delete = true
# Commit each map change at once rather than batching for a second: the gateway creates its
# pools one by one, each a map change.
paxos_propose_interval = 0.05
paxos_min_wait = 0.01
osd_objectstore = memstore
memstore_device_bytes = 2147483648
# The temp folder's free space is no reason for the monitor to stop.
mon_data_avail_crit = 0
mon_data_avail_warn = 0

[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:@RGW_PORT@
# The gateway's own caches and background threads, cut to what a test run needs.
rgw_enable_gc_threads = false
rgw_enable_lc_threads = false
rgw_enable_quota_threads = false
rgw_enable_usage_log = false
EOF
sed -i "s/@RGW_PORT@/$RGW_PORT/" "$CONF"

step "mon.a" monmaptool --create --clobber --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
step "mon.a" ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap"
start_daemon mon.a ceph-mon -c "$CONF" -i a -f

OSD_UUID=$(uuidgen)
osd_id=$(step "mon.a" timeout "$STEP_TIMEOUT" ceph -c "$CONF" --connect-timeout "$STEP_TIMEOUT" osd new "$OSD_UUID")
[ "$osd_id" = 0 ] || ceph_fail mon.a "osd new gave id '$osd_id', expected 0"
step "osd.0" ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID"
# An object store name Ceph does not know falls back to BlueStore and a 100 GiB sparse file.
[ "$(cat "$DIR/osd.0/type")" = memstore ] || ceph_fail osd.0 "the OSD was made with $(cat "$DIR/osd.0/type"), not memstore"
start_daemon osd.0 ceph-osd -c "$CONF" -i 0 -f

# Creating the user creates the gateway's pools and zone, and waits for the OSD to serve them.
step client.admin timeout "$STEP_TIMEOUT" radosgw-admin -c "$CONF" user create \
  --uid tsflow-test --display-name "TSFlow tests" --access-key "$ACCESS_KEY" --secret "$SECRET_KEY" >/dev/null
start_daemon client.rgw radosgw -c "$CONF" -n client.rgw -f
wait_http client.rgw "$RGW_PORT" "$STEP_TIMEOUT"

cat >"$DIR/env" <<EOF
TSFLOW_TEST_S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
TSFLOW_TEST_S3_BUCKET=$BUCKET
TSFLOW_TEST_S3_REGION=us-east-1
TSFLOW_TEST_S3_ACCESS_KEY_ID=$ACCESS_KEY
TSFLOW_TEST_S3_SECRET_ACCESS_KEY=$SECRET_KEY
EOF
echo "ceph: RGW at http://127.0.0.1:$RGW_PORT in $(seconds_since "$STARTED")s (mon.a, osd.0, client.rgw; $DIR)"
