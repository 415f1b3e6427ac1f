#!/usr/bin/env bash
# Start a private single-node SLURM (munged + slurmctld + slurmd) on loopback, for tests and
# for trying `reve-sim -m hydra/launcher=slurm ...` on one machine. Needs root and Debian's
# slurmctld slurmd slurm-client munge (see .ci/run). Settings: ../shared/reference/stack.md §10.
#
#   scripts/slurm/start.sh DIR     # state, logs and config in DIR; prints when the node is idle
#   . DIR/env                      # SLURM_CONF and a PATH with the sacct stand-in
#   scripts/slurm/stop.sh DIR      # cancel jobs, stop the daemons by their recorded PIDs
#
# Daemons run in the foreground (started with &), so $! is each daemon's own PID; the PIDs are
# recorded in DIR/pids and stopped from there, never by process name. Ports: 6817 and 6818,
# or REVE_SLURMCTLD_PORT and REVE_SLURMD_PORT (the tests pick free ones).
set -euo pipefail
DIR=$(realpath -m "${1:?usage: start.sh STATE_DIR}")
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "start.sh: must run as root (slurmd runs as root)" >&2; exit 1; }
for cmd in munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo; do
  command -v "$cmd" >/dev/null || { echo "start.sh: $cmd not found; apt-get install -y \
--no-install-recommends slurmctld slurmd slurm-client munge" >&2; exit 1; }
done
if [ -s "$DIR/pids" ]; then echo "start.sh: $DIR/pids exists; run stop.sh $DIR first" >&2; exit 1; fi
trap '"$HERE/stop.sh" "$DIR" >&2' ERR
mkdir -p "$DIR"/{munge,state,spool,log,bin,run}
chmod 755 "$DIR"
chmod 711 "$DIR/munge"   # munged requires o+x and no group/other write on the socket dir
: > "$DIR/pids"

# The daemons bind what the hostname resolves to, which must be loopback.
HOST=$(hostname -s)
if ! getent hosts "$HOST" | awk '{print $1}' | grep -q '^127\.'; then
  echo "start.sh: adding '127.0.0.1 $HOST' to /etc/hosts" >&2
  { echo "127.0.0.1 $HOST"; cat /etc/hosts; } > "$DIR/hosts.new"
  cat "$DIR/hosts.new" > /etc/hosts   # in place: /etc/hosts may be a bind mount
fi

# munge: a private key and socket
SOCKET="$DIR/munge/munge.socket"
mungekey --create --keyfile="$DIR/munge/munge.key" --force
chmod 400 "$DIR/munge/munge.key"
munged -F --force --socket="$SOCKET" --key-file="$DIR/munge/munge.key" \
  --pid-file="$DIR/run/munged.pid" --seed-file="$DIR/munge/munged.seed" \
  >>"$DIR/log/munged.log" 2>&1 &
echo "munged $!" >> "$DIR/pids"
for _ in $(seq 100); do [ -S "$SOCKET" ] && break; sleep 0.05; done
munge -n -S "$SOCKET" | unmunge -S "$SOCKET" >/dev/null

# slurm.conf: the node line comes from `slurmd -C` (RealMemory about 90% of the RAM)
read -r NODE < <(slurmd -C | head -1)
MEM=$(echo "$NODE" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
NODE=$(echo "$NODE" | sed "s/RealMemory=[0-9]*/RealMemory=$((MEM * 9 / 10))/")
CONF="$DIR/slurm.conf"
cat > "$CONF" <<CONF
ClusterName=reve
SlurmctldHost=$HOST(127.0.0.1)
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${REVE_SLURMCTLD_PORT:-6817}
SlurmdPort=${REVE_SLURMD_PORT:-6818}
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
SchedulerParameters=batch_sched_delay=0
KillWait=5
MinJobAge=3600
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
CONF
export SLURM_CONF="$CONF"

slurmctld -D -c -i -f "$CONF" >>"$DIR/log/slurmctld.stderr" 2>&1 &
echo "slurmctld $!" >> "$DIR/pids"
slurmd -D -f "$CONF" >>"$DIR/log/slurmd.stderr" 2>&1 &
echo "slurmd $!" >> "$DIR/pids"

# sacct stand-in: accounting is off (no slurmdbd), so real sacct fails and submitit could wait
# forever for a job killed before it wrote its result. Answer from squeue instead.
cat > "$DIR/bin/sacct" <<'SACCT'
#!/usr/bin/env bash
# sacct stand-in for a SLURM without accounting: JobID|State|NodeList from squeue.
ids=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j) ids+=("${2//,/ }"); shift 2 ;;
    -j*) ids+=("${1#-j}"); shift ;;
    --jobs=*) ids+=("${1#--jobs=}"); shift ;;
    *) shift ;;
  esac
done
echo "JobID|State|NodeList"
for id in ${ids[@]+"${ids[@]}"}; do squeue -h -t all -j "$id" -o "%i|%T|%N" 2>/dev/null || true; done
exit 0
SACCT
chmod +x "$DIR/bin/sacct"
cat > "$DIR/env" <<ENV
export SLURM_CONF="$CONF"
export PATH="$DIR/bin:\$PATH"
ENV

for _ in $(seq 200); do
  scontrol ping 2>/dev/null | grep -q UP && [ "$(sinfo -h -N -o %T 2>/dev/null | head -1)" = idle ] && break
  sleep 0.1
done
if [ "$(sinfo -h -N -o %T 2>/dev/null | head -1)" != idle ]; then
  echo "start.sh: the node did not become idle; logs in $DIR/log" >&2
  false
fi
echo "SLURM is up: . $DIR/env; stop with $HERE/stop.sh $DIR"
