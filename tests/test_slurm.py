"""The same small sweep through SLURM (a real single-node cluster on loopback, started and
stopped by PID with scripts/slurm/) and through joblib gives identical outcomes.

Needs root and Debian's slurmctld slurmd slurm-client munge (.ci/run installs them). Without
them the test is skipped, unless REVE_SIM_REQUIRE_SLURM=1 (set by .ci/run), where it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess

import pandas as pd
import pytest
from cli_support import ROOT, TINY, reve_sim

pytestmark = pytest.mark.slow

SCRIPTS = ROOT / "scripts" / "slurm"
NEEDED = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    missing = [c for c in NEEDED if shutil.which(c) is None]
    reason = (f"SLURM is not installed ({', '.join(missing)} missing)" if missing else
              "SLURM needs root" if os.geteuid() != 0 else None)
    if reason:
        if os.environ.get("REVE_SIM_REQUIRE_SLURM") == "1":
            pytest.fail(f"{reason}; REVE_SIM_REQUIRE_SLURM=1 requires the SLURM test")
        pytest.skip(reason)
    state = tmp_path_factory.mktemp("slurm")
    ports = {"REVE_SLURMCTLD_PORT": str(_free_port()), "REVE_SLURMD_PORT": str(_free_port())}
    started = subprocess.run([str(SCRIPTS / "start.sh"), str(state)], capture_output=True,
                             text=True, timeout=120, env={**os.environ, **ports})
    assert started.returncode == 0, started.stdout + started.stderr
    env = {"SLURM_CONF": str(state / "slurm.conf"),
           "PATH": f"{state / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    try:
        yield {"dir": state, "env": env}
    finally:
        subprocess.run([str(SCRIPTS / "stop.sh"), str(state)], timeout=120, check=False)
        pids = (state / "pids")
        assert not pids.exists(), "stop.sh did not stop every daemon"


def test_slurm_and_joblib_give_identical_outcomes(slurm, tmp_path):
    sweep = ["-m", "scenario=baseline,lockdown_2020", "seed=0,1", *TINY, "weeks=40",
             "sweep.runs_per_shard=2"]
    out = reve_sim(*sweep, "hydra/launcher=slurm", "hydra.launcher.timeout_min=10",
                   "hydra.launcher.mem_gb=1", f"sweep.dir={tmp_path / 'slurm'}", cwd=tmp_path,
                   extra_env=slurm["env"], timeout=600)
    assert "4 runs in 2 shards on slurm" in out.stdout
    assert "4 of 4 runs complete, 0 failed" in out.stdout
    reve_sim(*sweep, "hydra/launcher=local", f"sweep.dir={tmp_path / 'joblib'}", cwd=tmp_path)
    via_slurm = pd.read_parquet(tmp_path / "slurm" / "runs.parquet")
    via_joblib = pd.read_parquet(tmp_path / "joblib" / "runs.parquet")
    assert len(via_slurm) == 4 and (via_slurm["status"] == "complete").all()
    pd.testing.assert_frame_equal(via_slurm.drop(columns="wall_seconds"),
                                  via_joblib.drop(columns="wall_seconds"))
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "slurm" / "weekly.parquet"),
                                  pd.read_parquet(tmp_path / "joblib" / "weekly.parquet"))
    # the shards really ran as SLURM array tasks (one line per finished job)
    log = (slurm["dir"] / "log" / "jobcomp.txt").read_text().splitlines()
    tasks = [line for line in log if "Name=reve-sim" in line]
    assert len(tasks) == 2 and all("JobState=COMPLETED" in t and "ArrayTaskId=" in t
                                   for t in tasks)


def test_slurm_shards_write_outcome_batches(slurm, tmp_path):
    """``sweep.store=outcomes`` through SLURM: each array task writes its outcome batch, and
    the collected rows are those of a joblib sweep keeping run folders."""
    sweep = ["-m", "scenario=lockdown_2020", "seed=0,1,2", *TINY, "sweep.runs_per_shard=2"]
    out = reve_sim(*sweep, "hydra/launcher=slurm", "hydra.launcher.timeout_min=10",
                   "hydra.launcher.mem_gb=1", "sweep.store=outcomes",
                   f"sweep.dir={tmp_path / 'slurm'}", cwd=tmp_path, extra_env=slurm["env"],
                   timeout=600)
    assert "3 of 3 runs complete, 0 failed" in out.stdout
    assert len(list((tmp_path / "slurm" / "outcomes").glob("*.parquet"))) >= 2  # by shard
    reve_sim(*sweep, "hydra/launcher=local", f"sweep.dir={tmp_path / 'joblib'}", cwd=tmp_path)
    via_slurm = pd.read_parquet(tmp_path / "slurm" / "runs.parquet")
    via_joblib = pd.read_parquet(tmp_path / "joblib" / "runs.parquet")
    pd.testing.assert_frame_equal(via_slurm.drop(columns="wall_seconds"),
                                  via_joblib.drop(columns="wall_seconds"))
