#!/usr/bin/env bash
# Starts a single-node Slurm on 127.0.0.1 with its own munge, for `npm run cluster:up` and the
# cluster test tier.
#
#   usage: cluster/slurm/start.sh DIR
#
#   munged      a fresh random key and its own socket in DIR (never /etc/munge's key or socket)
#   slurmctld   the controller, SlurmctldHost=localhost, on a free port, no accounting (slurmdbd)
#   slurmd      one node, NodeName=localhost, with this machine's CPUs and memory (slurmd -C)
#
# Every file (slurm.conf, the key, state, spool, logs, pid files) lives in DIR; /etc/slurm is not
# read. Jobs are tracked by process id (proctrack/linuxproc) and no cgroup plugin is loaded, so it
# runs in containers and sandboxes without a cgroup of its own; nothing enforces a job's memory.
# It writes DIR/env: SLURM_CONF=DIR/slurm.conf, what sbatch, squeue and sinfo need to find it.
# Idempotent: a DIR whose cluster runs is left running. On failure it names the daemon, prints its
# log's tail, stops what it started and exits 1. Stop it with cluster/slurm/stop.sh DIR.
set -euo pipefail
SLURM_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:?usage: cluster/slurm/start.sh DIR}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
# shellcheck source=lib.sh
source "$SLURM_SCRIPTS/lib.sh"
STEP_TIMEOUT=30

for tool in munged munge slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || slurm_fail "" "$tool is not installed: run cluster/slurm/install.sh (as root)"
done

if slurm_running; then
  echo "slurm: already running in $DIR"
  exit 0
fi
if [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
  # Emptied below: only a folder this script made (it holds a slurm.conf), never any other.
  [ -f "$DIR/slurm.conf" ] || slurm_fail "" "$DIR is not empty and holds no slurm.conf: not a folder of this script's"
  bash "$SLURM_SCRIPTS/stop.sh" "$DIR" >/dev/null
  rm -rf "${DIR:?}"/*
fi
STARTED=$(date +%s.%N)
trap 'rc=$?; [ $rc = 0 ] || bash "$SLURM_SCRIPTS/stop.sh" "$DIR" >/dev/null 2>&1 || true' EXIT

# munged refuses a socket in a folder others cannot traverse, and a key others can read.
chmod 755 "$DIR"
mkdir -p "$DIR/munge" "$DIR/run" "$DIR/state" "$DIR/spool" "$DIR/log"
chmod 700 "$DIR/munge"
chmod 755 "$DIR/run"
head -c 1024 /dev/urandom >"$DIR/munge/munge.key"
chmod 400 "$DIR/munge/munge.key"
SOCKET=$DIR/run/munge.socket
start_daemon munged munged -F --socket="$SOCKET" --key-file="$DIR/munge/munge.key" \
  --pid-file="$DIR/run/munged.daemon.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/seed"
munge_answers() { munge -n -S "$SOCKET" | unmunge -S "$SOCKET"; }
wait_until munged "$STEP_TIMEOUT" "answering on $SOCKET" munge_answers

CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
# The node as slurmd sees this machine (CPUs=2 Boards=1 SocketsPerBoard=1 ... RealMemory=24105):
# declared as it is, or the controller drains a node smaller than its configuration.
HARDWARE=$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]* //')
CPUS=$(sed -n 's/.*\bCPUs=\([0-9]*\).*/\1/p' <<<"$HARDWARE")
MEMORY=$(sed -n 's/.*\bRealMemory=\([0-9]*\).*/\1/p' <<<"$HARDWARE")
cat >"$DIR/slurm.conf" <<CONF
# Written by cluster/slurm/start.sh: a single-node cluster on loopback, everything under $DIR.
ClusterName=tsflow
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
SlurmUser=$(id -un)
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.daemon.pid
SlurmdPidFile=$DIR/run/slurmd.daemon.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# No cgroups: processes are tracked by parentage, tasks are not bound, nothing is accounted.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that asks for no memory gets its CPUs' share, so a job without --mem does not take the node.
DefMemPerCPU=$((MEMORY / CPUS))
# Many short jobs: schedule at once when one is submitted or ends, not on a timer.
SchedulerType=sched/builtin
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0
# A cancelled job's processes get SIGKILL 2 s after SIGTERM (default 30 s).
KillWait=2
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 $HARDWARE State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$DIR/slurm.conf
# -i: no state to recover (a fresh folder); -D: in the foreground, so its pid is the job's.
start_daemon slurmctld slurmctld -D -i -f "$SLURM_CONF"
start_daemon slurmd slurmd -D -N localhost -f "$SLURM_CONF"
wait_until slurmctld "$STEP_TIMEOUT" "taking jobs on localhost (sinfo)" node_idle

echo "SLURM_CONF=$SLURM_CONF" >"$DIR/env"
echo "slurm: localhost up in $(seconds_since "$STARTED")s ($CPUS CPUs, $MEMORY MB; controller on 127.0.0.1:$CTLD_PORT; $DIR)"
