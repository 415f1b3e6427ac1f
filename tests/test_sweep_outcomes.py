"""Sweeps that keep only each run's outcomes (``sweep.store=outcomes``): the same numbers as
run folders, batches written atomically, resume after a kill without rerunning finished
batches, failures recorded, and the sensitivity analysis reading them."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from cli_support import REVE_SIM_COMPARE, env, reve_sim

from reve_sim.parameters import ParameterError
from reve_sim.sensitivity import study as S
from reve_sim.sweep import (
    BATCH_DIR,
    OutcomeBatches,
    Stored,
    batch_files,
    batch_provenance,
)

SMALL = ["size.n_actors=200", "weeks=20", "quiet=true", "hydra/launcher=basic"]
"""A run takes a few hundredths of a second; the basic launcher runs the shards in process."""

SITE = '''
import os
import signal
if os.environ.get("REVE_TEST_FAIL_SEED") or os.environ.get("REVE_TEST_KILL_SEED"):
    import reve_sim.model as _m
    _run = _m.ReveModel.run
    def run(self, weeks, progress=None):
        if str(self.seed) == os.environ.get("REVE_TEST_KILL_SEED"):
            os.kill(os.getpid(), signal.SIGKILL)  # an interruption: nothing is cleaned up
        if str(self.seed) == os.environ.get("REVE_TEST_FAIL_SEED"):
            raise RuntimeError("injected failure for the test")
        return _run(self, weeks, progress)
    _m.ReveModel.run = run
'''


def _faulty_env(tmp_path, **faults) -> dict:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITE)
    return {"PYTHONPATH": os.pathsep.join([str(site), env()["PYTHONPATH"]]),
            **{f"REVE_TEST_{k.upper()}_SEED": str(v) for k, v in faults.items()}}


def _runs(sweep_dir) -> pd.DataFrame:
    return pd.read_parquet(sweep_dir / "runs.parquet")


@pytest.mark.slow
def test_outcomes_are_the_run_folders_numbers_bit_for_bit(tmp_path):
    args = ["-m", "scenario=baseline,lockdown_2020", "seed=0,1,2", *SMALL]
    folders, batches = tmp_path / "folders", tmp_path / "batches"
    reve_sim(*args, f"sweep.dir={folders}", cwd=tmp_path)
    out = reve_sim(*args, f"sweep.dir={batches}", "sweep.store=outcomes", cwd=tmp_path)
    assert "6 of 6 runs complete, 0 failed, 0 missing" in out.stdout
    assert "No weekly.parquet: sweep.store=outcomes" in out.stdout
    a, b = _runs(folders), _runs(batches)
    assert list(a.columns) == list(b.columns) and (b["status"] == "complete").all()
    assert (b["wall_seconds"] > 0).all()
    pd.testing.assert_frame_equal(a.drop(columns="wall_seconds"),
                                  b.drop(columns="wall_seconds"), check_exact=True)
    # nothing per run: no run folders, no weekly table; one batch with its provenance
    assert not (batches / "runs").exists() and not (batches / "weekly.parquet").exists()
    (batch,) = batch_files(batches)
    prov = batch_provenance(batch)
    assert prov["version"] and prov["git_commit"] and prov["seeds"] == [0, 1, 2]
    assert prov["sweep"] == json.loads((batches / "sweep.json").read_text())["fingerprint"]
    assert prov["set"]["size.n_actors"] == 200 and prov["set"]["weeks"] == 20
    assert prov["runs"]["scenario=lockdown_2020,seed=1"]["set"] == {"seed": 1}
    assert {r["base"] for r in prov["runs"].values()} == set(prov["bases"])
    assert json.loads((batches / "sweep.json").read_text())["store"] == "outcomes"
    (shards,) = (batches / "attempts").glob("*/shards.json")  # what each shard did, and when
    assert sum(sh["done"] for sh in json.loads(shards.read_text())["shards"]) == 6
    # the comparison works without weekly metrics (no weekly figure)
    compare = reve_sim(str(batches), cwd=tmp_path, command=REVE_SIM_COMPARE)
    figures, note = compare.stdout.split("Figures:")[1].split("\n", 1)
    assert "weekly" not in figures and "sweep.store=runs" in note
    # runs complete in one store are complete in the other: switching stores reruns nothing
    again = reve_sim(*args, f"sweep.dir={folders}", "sweep.store=outcomes", cwd=tmp_path)
    assert "6 already complete, 0 to run" in again.stdout
    pd.testing.assert_frame_equal(_runs(folders), a, check_exact=True)


@pytest.mark.slow
def test_a_killed_outcomes_sweep_resumes_without_rerunning_finished_batches(tmp_path):
    sweep_dir = tmp_path / "sw"
    args = ["-m", "seed=range(8)", *SMALL, f"sweep.dir={sweep_dir}", "sweep.store=outcomes",
            "sweep.batch_seconds=0"]  # a batch after every run
    # run 2 fails, then the process is killed (SIGKILL) while running seed 5
    killed = reve_sim(*args, cwd=tmp_path, check=False,
                      extra_env=_faulty_env(tmp_path, fail=2, kill=5))
    assert killed.returncode == -9, killed.stderr
    before = {p.name: p.stat().st_mtime_ns for p in batch_files(sweep_dir)}
    assert len(before) == 4  # seeds 0, 1, 3, 4
    assert set(Stored(sweep_dir).finished(f"seed={k}" for k in range(8))) == \
        {"seed=0", "seed=1", "seed=3", "seed=4"}
    assert (sweep_dir / "failed" / "seed=2.json").is_file()
    # a batch killed while it was written: a temporary file that is never read as a batch
    partial = sweep_dir / BATCH_DIR / ".x-shard0000-1-00000.parquet.tmp-1"
    partial.write_bytes(b"PAR1 half a batch")
    assert len(batch_files(sweep_dir)) == 4
    # the same command resumes: only the four others run (seed 6 fails this time)
    out = reve_sim(*args, cwd=tmp_path, check=False,
                   extra_env=_faulty_env(tmp_path, fail=6))
    assert out.returncode == 1, out.stderr
    assert "4 already complete, 4 to run" in out.stdout
    assert "7 of 8 runs complete, 1 failed, 0 missing" in out.stdout
    assert "seed=6: RuntimeError: injected failure" in out.stdout
    assert not partial.exists()
    after = {p.name: p.stat().st_mtime_ns for p in batch_files(sweep_dir)}
    assert {k: after[k] for k in before} == before  # finished batches were left alone
    assert sorted(p.stem for p in (sweep_dir / "failed").iterdir()) == ["seed=6"]
    runs = _runs(sweep_dir)
    assert runs["run"].is_unique and len(runs) == 8
    assert runs.set_index("run")["status"].to_dict() == {
        f"seed={k}": "failed" if k == 6 else "complete" for k in range(8)}
    # and once more without the fault: the failed run only
    out = reve_sim(*args, cwd=tmp_path)
    assert "7 already complete, 1 to run" in out.stdout
    assert "8 of 8 runs complete, 0 failed" in out.stdout
    assert not list((sweep_dir / "failed").iterdir())
    assert (_runs(sweep_dir)["status"] == "complete").all()


class _Model:
    def __init__(self, seed):
        self.params = {"n_actors": 200, "animation": 0.1 * seed, "start_date": "2019-09-02"}
        self.seed = seed

    def summary(self):
        return {"weeks": 20.0, "seed": float(self.seed), "ecosystem_share": 0.25 * self.seed,
                "retention_1y": float("nan"), "shock_drop_depth": float("inf")}


def _plan(n: int) -> dict:
    runs = [{"run": f"seed={k}", "run_id": f"id{k}", "condition": "all", "scenario": "baseline",
             "seed": k, "weeks": 20, "overrides": {"seed": str(k)}, "base": "b0", "conf": None,
             "set": {"weeks": [20, False], "seed": [k, False]}} for k in range(n)]
    return {"fingerprint": "fp", "attempt": "t", "batch_seconds": 3600, "runs": runs,
            "bases": {"b0": {"size": {"n_actors": 200}}}}


def test_a_batch_interrupted_while_written_never_looks_complete(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    plan = _plan(3)
    batches = OutcomeBatches(tmp_path, plan, shard=0)
    for run in plan["runs"]:
        batches.add(run, _Model(run["seed"]), 0.01)
    assert batch_files(tmp_path) == []  # not yet written (batch_seconds not reached)
    real = pq.write_table

    def write_half(table, where, **kw):
        real(table.slice(0, 1), where, **kw)  # a partial file on disk, then the interruption
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", write_half)
    with pytest.raises(KeyboardInterrupt):
        batches.flush()
    assert batch_files(tmp_path) == [] and not list((tmp_path / BATCH_DIR).iterdir())
    assert Stored(tmp_path).finished(r["run"] for r in plan["runs"]) == {}
    monkeypatch.setattr(pq, "write_table", real)
    path = batches.flush()  # the rows were kept: the next write has them all
    assert batch_files(tmp_path) == [path]
    rows = Stored(tmp_path).rows()
    assert sorted(rows) == ["seed=0", "seed=1", "seed=2"]
    row = rows["seed=2"]
    assert row["run_id"] == "id2" and row["status"] == "complete" and row["seed"] == 2
    assert row["ecosystem_share"] == 0.5 and row["animation"] == 0.2
    assert row["retention_1y"] != row["retention_1y"]  # NaN, as in runs.parquet of folders
    assert row["shock_drop_depth"] != row["shock_drop_depth"]  # not finite: NaN, as in JSON
    assert "weeks" in row and row["weeks"] == 20  # the run's, not the outcome's float
    prov = batch_provenance(path)
    assert prov["seeds"] == [0, 1, 2] and prov["bases"] == plan["bases"]
    assert prov["set"] == {"weeks": 20} and prov["runs"]["seed=1"] == {"base": "b0",
                                                                       "set": {"seed": 1}}
    assert prov["shard"] == 0


def test_studies_use_the_outcomes_store_unless_told_otherwise(tmp_path):
    study = S.load("sobol_lockdown", {"N": 4, "results_dir": str(tmp_path)})
    assert study["store"] == "outcomes"
    cmd = S.sweep_command(study, tmp_path, [])
    assert "sweep.store=outcomes" in cmd
    runs = S.sweep_command(S.load("sobol_lockdown", {"N": 4, "store": "runs"}), tmp_path, [])
    assert "sweep.store=runs" in runs
    given = S.sweep_command(study, tmp_path, ["sweep.store=runs"])
    assert [a for a in given if a.startswith("sweep.store=")] == ["sweep.store=runs"]
    with pytest.raises(ParameterError, match="store = 'folders'"):
        S.load("sobol_lockdown", {"store": "folders"})
    # the store does not change what the study's runs are: the same folder
    assert S.folder(study) == S.folder({**study, "store": "runs"})


@pytest.mark.parametrize(("setting", "message"), [
    ({"store": "folders"}, "sweep.store = 'folders' is not allowed; use one of runs, outcomes"),
    ({"batch_seconds": -1}, "sweep.batch_seconds = -1 must be a number >= 0"),
])
def test_bad_store_settings_are_refused(setting, message):
    from reve_sim.cli import check_settings

    conf = {"quiet": True, "lang": "en", "figures": None, "weeks": None,
            "sweep": {"resume": True, "store": "outcomes", "batch_seconds": 0}}
    check_settings(conf)
    conf["sweep"].update(setting)
    with pytest.raises(ParameterError, match=message.replace(".", r"\.")):
        check_settings(conf)
