"""The `reve-sim` command end to end (subprocesses): one run, bad input, a tiny multirun of
every experiment, failed runs, and a sweep killed half-way then resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pandas as pd
import pytest
from cli_support import CONFIG_DIR, REVE_SIM, TINY, env, reve_sim, start

from reve_sim import scenarios

pytestmark = pytest.mark.slow

EXPERIMENTS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))


def test_one_run_writes_its_results_and_says_where(tmp_path):
    out = reve_sim("scenario=lockdown_2020", "seed=3", "levers.recognition=0.5",
                   "size.n_actors=300", "weeks=30", f"results_dir={tmp_path / 'res'}",
                   cwd=tmp_path)
    runs = list((tmp_path / "res" / "lockdown_2020").iterdir())
    assert len(runs) == 1 and runs[0].name[:8].isdigit()  # results/<name>/<timestamp>/
    assert f"Results: {runs[0]}/" in out.stdout
    files = {p.name for p in runs[0].iterdir()}
    assert {"config.yaml", "provenance.json", "parameters.json", "weekly.parquet",
            "outcomes.json", "summary.png", "summary.svg"} <= files
    config = runs[0] / "config.yaml"
    import yaml

    resolved = yaml.safe_load(config.read_text())
    assert resolved["levers"]["recognition"] == 0.5 and resolved["seed"] == 3
    assert resolved["scenario"]["name"] == "lockdown_2020"
    prov = json.loads((runs[0] / "provenance.json").read_text())
    assert prov["seed"] == 3 and prov["scenario"] == "lockdown_2020" and prov["wall_seconds"] > 0
    assert "30/30" in out.stderr  # the progress bar reached every week (weeks done, time left)
    assert len(pd.read_parquet(runs[0] / "weekly.parquet")) == 30
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "multirun").exists()


def test_bad_input_is_refused_before_anything_runs(tmp_path):
    cases = {
        ("levers.recogniton=0.5",): "Unknown key 'levers.recogniton'. Did you mean "
                                    "'levers.recognition'?",
        ("scenario=lockdown",): "Unknown scenario 'lockdown'. Did you mean 'lockdown_2020'? "
                                "Valid scenarios: " + ", ".join(scenarios.names()),
        ("levers.recognition=1.5",): "levers.recognition = 1.5 is out of bounds; allowed: "
                                     "0.0 to 1.0.",
        ("-m", "levers.animation=0,2", "seed=0,1"): "In levers.animation=2 seed=0: "
                                                    "levers.animation = 2 is out of bounds",
    }
    procs = {args: subprocess.Popen(
        [*REVE_SIM, *args, f"results_dir={tmp_path / 'res'}"],
        cwd=tmp_path, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for args in cases}
    for args, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 2, (args, stdout, stderr)
        assert cases[args] in stderr, (args, stderr)
        assert "Traceback" not in stderr
    assert not (tmp_path / "res").exists()  # nothing was launched or written


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_tiny_multirun_of_every_experiment(tmp_path, name):
    out = reve_sim(f"experiment={name}", "hydra/launcher=basic", *TINY, "weeks=12",
                   "seed=0,1", f"results_dir={tmp_path}", cwd=tmp_path)
    sweep_dir = next((tmp_path / name).iterdir())
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    assert (runs["status"] == "complete").all() and runs["run"].is_unique
    assert set(runs["seed"]) == {0, 1} and len(runs) % 2 == 0
    weekly = pd.read_parquet(sweep_dir / "weekly.parquet")
    assert len(weekly) == 12 * len(runs)
    assert f"Compare: reve-sim-compare {sweep_dir}" in out.stdout


SITE_FAIL = '''
import os
if os.environ.get("REVE_TEST_FAIL_SEED"):
    import reve_sim.model as _m
    _run = _m.ReveModel.run
    def run(self, weeks, progress=None):
        if self.seed == int(os.environ["REVE_TEST_FAIL_SEED"]):
            raise RuntimeError("injected failure for the test")
        return _run(self, weeks, progress)
    _m.ReveModel.run = run
'''


def test_a_failed_run_is_recorded_and_retried(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE_FAIL)
    args = ["-m", "scenario=baseline,high_turnover", "seed=1,2", *TINY,
            "hydra/launcher=basic", f"sweep.dir={tmp_path / 'sw'}"]
    failing = {"REVE_TEST_FAIL_SEED": "2",
               "PYTHONPATH": os.pathsep.join([str(site), env()["PYTHONPATH"]])}
    out = reve_sim(*args, cwd=tmp_path, check=False, extra_env=failing)
    assert out.returncode == 1, out.stderr
    assert "run/s" not in out.stderr and "s/run" not in out.stderr  # quiet=true: no bar
    assert "2 of 4 runs complete, 2 failed" in out.stdout
    assert "scenario=baseline,seed=2: RuntimeError: injected failure" in out.stdout
    assert "Rerun the same command" in out.stdout
    record = json.loads((tmp_path / "sw" / "failed" / "scenario=baseline,seed=2.json").read_text())
    assert "injected failure" in record["traceback"]
    runs = pd.read_parquet(tmp_path / "sw" / "runs.parquet")
    assert sorted(runs["status"]) == ["complete", "complete", "failed", "failed"]
    out = reve_sim(*args, cwd=tmp_path)  # the same command, without the fault: only the two
    assert "2 already complete, 2 to run" in out.stdout
    assert "4 of 4 runs complete, 0 failed" in out.stdout
    assert not list((tmp_path / "sw" / "failed").iterdir())


def test_a_sweep_killed_half_way_resumes_without_duplicates(tmp_path):
    args = ["-m", "scenario=baseline,lockdown_2020", "seed=range(8)", "size.n_actors=2000",
            "weeks=60", "quiet=true", "sweep.runs_per_shard=2", f"results_dir={tmp_path}",
            "name=killed"]
    proc = start(*args, cwd=tmp_path)
    runs_dir = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        found = list(tmp_path.glob("killed/*/runs"))
        if found:
            runs_dir = found[0]
            if len(list(runs_dir.glob("*/outcomes.json"))) >= 4:
                break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: launcher and workers
    proc.communicate()
    time.sleep(0.5)
    before = {p.parent.name: p.stat().st_mtime_ns for p in runs_dir.glob("*/outcomes.json")}
    assert 4 <= len(before) < 16, "the sweep was not killed half-way"
    out = reve_sim(*args, cwd=tmp_path)  # the same command resumes the same directory
    assert f"{len(before)} already complete, {16 - len(before)} to run" in out.stdout
    assert len(list(tmp_path.glob("killed/*"))) == 1
    expected = {f"scenario={s},seed={k}" for s in ("baseline", "lockdown_2020") for k in range(8)}
    assert {p.name for p in runs_dir.iterdir()} == expected  # no partial or extra folder
    for name in expected:
        assert (runs_dir / name / "outcomes.json").is_file()
    after = {name: (runs_dir / name / "outcomes.json").stat().st_mtime_ns for name in before}
    assert after == before  # complete runs were not run again
    runs = pd.read_parquet(runs_dir.parent / "runs.parquet")
    assert sorted(runs["run"]) == sorted(expected) and (runs["status"] == "complete").all()
    assert len(pd.read_parquet(runs_dir.parent / "weekly.parquet")) == 16 * 60
