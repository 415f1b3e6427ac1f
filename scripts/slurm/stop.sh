#!/usr/bin/env bash
# Stop the single-node SLURM started by start.sh DIR: cancel its jobs, wait for an empty queue,
# then TERM each recorded daemon PID in reverse order (KILL after 20 s). Never matches by name.
set -uo pipefail
DIR=$(realpath -m "${1:?usage: stop.sh STATE_DIR}")
[ -f "$DIR/pids" ] || exit 0
export SLURM_CONF="$DIR/slurm.conf"
alive() {  # running and not a zombie
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}
if [ -f "$SLURM_CONF" ] && scontrol ping 2>/dev/null | grep -q UP; then
  jobs=$(squeue -h -o %A 2>/dev/null || true)
  [ -n "$jobs" ] && scancel $jobs 2>/dev/null
  for _ in $(seq 300); do
    [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break
    sleep 0.1
  done
fi
tac "$DIR/pids" | while read -r name pid; do
  [ -n "$pid" ] || continue
  alive "$pid" || continue
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 200); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    echo "stop.sh: $name ($pid) ignored TERM; KILL" >&2
    kill -KILL "$pid" 2>/dev/null
  fi
done
rm -f "$DIR/pids"
exit 0
