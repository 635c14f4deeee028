#!/usr/bin/env bash
# The Slurm backend for real: starts a one-node Slurm cluster on localhost
# (munged, slurmctld, slurmd as root, no systemd or cgroups needed), runs a
# tiny two-cell matrix through it and the same matrix locally, and checks
# that the two ablation tables are identical (without the timing column).
#
#   tests/slurm/run-slurm-test.sh SPBENCH_EXE WORK_DIR
#
# Installs Debian's slurm-wlm and munge when missing, so that only the tests
# pay for them; that and the daemons need root, so without root the test
# reports itself skipped (the marker line CTest maps to "Skipped"). As root, a
# cluster that cannot start is a failure, never a skip: the backend would
# otherwise go untested. CTest runs it only with SPBENCH_TEST_LABELS=slurm or
# all (label slurm, tests/CMakeLists.txt).
set -euo pipefail

exe=${1:?usage: run-slurm-test.sh SPBENCH_EXE WORK_DIR}
work=${2:?usage: run-slurm-test.sh SPBENCH_EXE WORK_DIR}
exe=$(realpath "$exe")

say() { echo "slurm test: $*"; }
fail() {
  echo "slurm test: FAIL: $*" >&2
  for f in "$work"/log/*.log; do
    [[ -f $f ]] || continue
    echo "---- $f (last 30 lines)" >&2
    tail -n 30 "$f" >&2
  done
  exit 1
}

if [[ $(id -u) -ne 0 ]]; then
  echo "SPBENCH-TEST-SKIPPED: not root: the Slurm test installs packages and starts munged, slurmctld and slurmd as root"
  exit 0
fi

# ---------------------------------------------------------------- packages
missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start system daemons: this test runs its own.
  policy_created=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_created=1
  fi
  apt-get update -q || true
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" ||
    fail "apt-get could not install ${missing[*]}"
  ((policy_created)) && rm -f /usr/sbin/policy-rc.d
fi
for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

# ---------------------------------------------------------------- cluster
rm -rf "$work"
mkdir -p "$work"/{state,spool,log,run,munge}
chmod 755 "$work/munge"  # munged wants its socket folder searchable by all
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

mungekey --create --keyfile="$work/munge/munge.key" --force >/dev/null 2>&1 ||
  dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
# --force: the scratch folder's parents may be group-writable; this key
# protects a throw-away cluster.
munged --foreground --force --socket="$socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/run/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" \
  >>"$work/log/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S $socket ]] && break; sleep 0.2; done
[[ -S $socket ]] || fail "munged did not start"
munge --socket="$socket" -n | unmunge --socket="$socket" >/dev/null || fail "munge cannot encode/decode credentials"

node=$(hostname -s)
# Ports away from the defaults, so that a real Slurm on the machine is left alone.
ctld_port=$((16000 + RANDOM % 2000))
slurmd_port=$((ctld_port + 1))
# The node as slurmd sees it (CPUs, sockets, cores, memory), so that the
# controller never drains it for a mismatch.
node_line=$(slurmd -C 2>/dev/null | head -n 1 | sed -E 's/ UpTime=.*//')
[[ $node_line == NodeName=* ]] || node_line="NodeName=$node CPUs=$(nproc)"
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=spbenchtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -c -f "$SLURM_CONF" >>"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" >>"$work/log/slurmd.out" 2>&1 &
pids+=($!)

state=""
for i in $(seq 120); do
  state=$(sinfo -h -N -n "$node" -o %t 2>/dev/null | head -n 1 || true)
  [[ $state == idle* ]] && break
  if [[ $state == drain* || $state == down* ]]; then scontrol update nodename="$node" state=resume >/dev/null 2>&1 || true; fi
  sleep 1
done
[[ $state == idle* ]] || fail "the node did not become idle within 120 s (state: '${state:-none}')"
say "one-node cluster up: $node ($(echo "$node_line" | grep -o 'CPUs=[0-9]*'))"

# ---------------------------------------------------------------- the matrix
spec="$work/tiny-matrix.yaml"
cat >"$spec" <<'EOF'
name: slurm-tiny
seed: 3
threads: 1
supernet: {channels: 4, cells_per_stage: 1}
data: {dataset: fashion-mnist, root: /usr/share/datasets/fashion-mnist, split: train-test,
       train_subset: 320, valid_subset: 100, resize: 8}
training: {epochs: 1, batch_size: 32, log_every: 0}
sampler: uniform
strategy: one-shot
evaluation: {architectures: {sample: 8}, batches: 1, batch_size: 50}
ground_truth: {source: none}
slurm: {partition: debug, time: "00:15:00", cpus: 1}
matrix:
  sampler: [uniform, strict-fair]
EOF

start=$(date +%s)
job=$("$exe" matrix "$spec" --backend slurm --out "$work/slurm-results") || fail "spbench matrix --backend slurm failed"
[[ $job =~ ^[0-9]+$ ]] || fail "expected a job id, got '$job'"
say "submitted job array $job"
for i in $(seq 600); do
  [[ -z $(squeue -h -j "$job" 2>/dev/null) ]] && break
  ((i % 30 == 0)) && "$exe" matrix --status "$work/slurm-results" | tail -n 1
  sleep 1
done
[[ -z $(squeue -h -j "$job" 2>/dev/null) ]] || fail "job $job still queued or running after 600 s"
status=$("$exe" matrix --status "$work/slurm-results")
echo "$status"
grep -q "2 cells: 2 finished" <<<"$status" || {
  cat "$work"/slurm-results/slurm/task-*.out >&2 || true
  fail "not every cell finished through Slurm"
}
say "Slurm run took $(($(date +%s) - start)) s"

start=$(date +%s)
"$exe" matrix "$spec" --jobs 2 --threads 1 --no-table --no-plots --out "$work/local-results" >/dev/null ||
  fail "the local matrix failed"
say "local run took $(($(date +%s) - start)) s"

"$exe" table "$work/slurm-results" --no-timing >"$work/slurm-table.md" || fail "spbench table failed on the Slurm results"
"$exe" table "$work/local-results" --no-timing >"$work/local-table.md" || fail "spbench table failed on the local results"
cat "$work/slurm-table.md"
# The tables must carry results, not only n/a: each row has its final loss.
[[ $(grep -cE '\| (\*\*)?[0-9]+\.[0-9]{4}(\*\*)? \|' "$work/slurm-table.md") -eq 2 ]] || fail "the table lacks the cells' results"
diff -u "$work/local-table.md" "$work/slurm-table.md" || fail "the Slurm and local tables differ"
say "PASS: the Slurm and local tables are identical"
