"""Studies of reve-sim: ``configs/sa/<study>.yaml``, evaluated through the sweeps.

A study names the method (``sobol`` or ``morris``), its factors (schema parameters; ranges
default to the schema's bounds, distribution uniform), the outcomes, N, the replicates, the
scenario and size. ``prepare`` draws the design (``salib.sample``) and writes it, with the
common seeds, to the study folder, plus a *design file* listing one run per design row and
replicate. ``evaluate`` hands that file to ``reve-sim -m sweep.design=FILE``: the runs go
through the same validation, shards, launchers (joblib locally, SLURM with
``hydra/launcher=slurm``), atomic writes and resume as any sweep; by default they keep only
each run's outcomes (``store: outcomes``, batches of Parquet rows). ``outputs`` reads the
runs back as a rows x replicates array, with NaN where a run is missing (the analysis then
refuses, listing the rows).
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from .. import named_configs
from ..configgen import CONFIG_DIR
from ..metrics import observations_for
from ..parameters import PARAMETERS, ParameterError, did_you_mean
from .problem import DISTS, Problem
from .replicates import common_seeds, seed_from_unit
from .salib import Design, is_power_of_two, sample

SA_DIR = CONFIG_DIR / "sa"
KEYS = {"name", "title_en", "title_fr", "question", "method", "N", "num_levels",
        "second_order", "replicates", "seed", "seed_as_factor", "scenario", "size", "weeks",
        "parameters", "outcomes", "primary", "num_resamples", "conf_level", "lang",
        "results_dir", "discovery", "quiet", "store"}
"""Keys of a study file (and of ``reve-sim-sa key=value`` overrides)."""

IDENTITY = ("method", "N", "num_levels", "second_order", "replicates", "seed",
            "seed_as_factor", "scenario", "size", "weeks", "parameters")
"""What determines a study's runs (its folder is named after a hash of them)."""


def studies() -> list[str]:
    return named_configs.names(SA_DIR)


def load(name: str, overrides: dict | None = None) -> dict:
    """The study ``configs/sa/<name>.yaml`` with ``overrides`` (``key: value``) applied."""
    study = named_configs.read(SA_DIR, name, "study", "studies")
    study.setdefault("name", name)
    for key, value in (overrides or {}).items():
        top = key.split(".")[0]
        if top not in KEYS:
            raise ParameterError(f"Unknown study key {key!r}.{did_you_mean(top, sorted(KEYS))} "
                                 f"Keys: {', '.join(sorted(KEYS))}.")
        node = study
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if node is None:
                node = {}
        node[parts[-1]] = value
    return check(study)


def check(study: dict) -> dict:
    study = copy.deepcopy(study)
    defaults = {"method": "sobol", "N": 256, "num_levels": 4, "second_order": False,
                "replicates": 4, "seed": 1, "seed_as_factor": False, "scenario": "baseline",
                "size": "small", "weeks": None, "num_resamples": 200, "conf_level": 0.95,
                "lang": "en", "results_dir": "results", "quiet": False, "discovery": None,
                "store": "outcomes"}
    for k, v in defaults.items():
        study.setdefault(k, v)
    unknown = set(study) - KEYS
    if unknown:
        raise ParameterError(f"Unknown study keys: {', '.join(sorted(unknown))}.")
    if study["method"] not in ("sobol", "morris"):
        raise ParameterError(f"method = {study['method']!r}: use sobol or morris.")
    N = study["N"]
    if not isinstance(N, int) or N < 2:
        raise ParameterError(f"N = {N!r} must be a whole number >= 2.")
    if study["method"] == "sobol" and not is_power_of_two(N):
        raise ParameterError(f"N = {N} must be a power of two for Sobol (e.g. "
                             f"{1 << (N.bit_length() - 1)} or {1 << N.bit_length()}).")
    if not isinstance(study["replicates"], int) or study["replicates"] < 1:
        raise ParameterError("replicates must be a whole number >= 1.")
    if study["lang"] not in ("en", "fr"):
        raise ParameterError("lang must be en or fr.")
    if study["store"] not in ("outcomes", "runs"):
        raise ParameterError(f"store = {study['store']!r}: use outcomes (only each run's "
                             "outcomes, fast) or runs (a folder per run, weekly metrics too).")
    if not study.get("parameters"):
        raise ParameterError("A study needs parameters.")
    if not study.get("outcomes"):
        raise ParameterError("A study needs outcomes.")
    from ..labels import OUTCOME_LABELS

    for o in study["outcomes"]:
        if o not in OUTCOME_LABELS:
            raise ParameterError(f"Unknown outcome {o!r}.{did_you_mean(o, OUTCOME_LABELS)}")
    study.setdefault("primary", study["outcomes"][0])
    problem(study)  # validates the factors
    return study


def factor_key(name: str) -> str:
    """The reve-sim config key of a schema parameter."""
    return f"levers.{name}" if PARAMETERS[name].group == "lever" else f"parameters.{name}"


def problem(study: dict) -> Problem:
    """The factors of a study: schema bounds unless the study gives ``low``/``high`` (or the
    parameters of another distribution: ``dist``, ``bounds``)."""
    names, bounds, dists, units, integer = [], [], [], [], []
    spec = study["parameters"]
    if isinstance(spec, list):
        spec = {n: {} for n in spec}
    for name, opts in spec.items():
        opts = opts or {}
        if name not in PARAMETERS:
            raise ParameterError(f"Unknown parameter {name!r}.{did_you_mean(name, PARAMETERS)}")
        p = PARAMETERS[name]
        if p.choices or name == "n_actors":
            raise ParameterError(f"{name} cannot be a factor (a choice or the size).")
        dist = opts.get("dist", "unif")
        if dist not in DISTS:
            raise ParameterError(f"{name}: dist {dist!r}; use one of {', '.join(DISTS)}.")
        if "bounds" in opts:
            b = tuple(float(x) for x in opts["bounds"])
        else:
            b = (float(opts.get("low", p.low)), float(opts.get("high", p.high)))
            if not (p.low <= b[0] < b[1] <= p.high):
                raise ParameterError(f"{name}: range {b[0]} to {b[1]} must lie within the "
                                     f"schema's bounds {p.low} to {p.high} (low < high).")
        names.append(name)
        bounds.append(b)
        dists.append(dist)
        units.append(p.unit)
        integer.append(bool(p.integer))
    prob = Problem(tuple(names), tuple(bounds), tuple(dists), tuple(units), tuple(integer))
    return prob.with_seed_factor() if study["seed_as_factor"] else prob


def identity(study: dict) -> str:
    blob = json.dumps({**{k: study.get(k) for k in IDENTITY},
                       "observe": observations_for(run_outcomes(study))},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:8]


def folder(study: dict) -> Path:
    """``<results_dir>/sa/<study>-<hash of what determines its runs>/``: rerunning the same
    study finds it again (resume); changing N, ranges... gives a new folder."""
    return Path(study["results_dir"]) / "sa" / f"{study['name']}-{identity(study)}"


def _value(name: str, x: float):
    p = PARAMETERS[name]
    if p.integer:
        return int(min(max(round(x), p.low), p.high))
    return float(min(max(x, p.low), p.high))


def run_name(row: int, rep: int) -> str:
    return f"row{row:06d}-rep{rep}"


def prepare(study: dict) -> tuple[Path, Design, list[int]]:
    """Draw (or reload) the design, write it with its seeds and the sweep's design file."""
    out = folder(study)
    out.mkdir(parents=True, exist_ok=True)
    prob = problem(study)
    design = sample(prob, study["method"], study["N"],
                    calc_second_order=bool(study["second_order"]),
                    num_levels=int(study["num_levels"]), seed=int(study["seed"]))
    if (out / "design.json").is_file():
        old = Design.load(out)
        if old.options != design.options or not np.array_equal(old.X, design.X):
            raise ParameterError(f"{out} holds another design; remove it or change the study.")
    else:
        design.save(out)
    seeds = [] if study["seed_as_factor"] else common_seeds(study["seed"], study["replicates"])
    runs = []
    names = list(prob.names)
    factor_names = [n for n in names if n != "seed"]
    row_seeds = seed_from_unit(design.X[:, names.index("seed")]) if "seed" in names else None
    for i, x in enumerate(design.X):
        values = {factor_key(n): _value(n, x[names.index(n)]) for n in factor_names}
        reps = [int(row_seeds[i])] if row_seeds is not None else seeds
        for r, s in enumerate(reps):
            runs.append({"run": run_name(i, r), "condition": f"row {i}",
                         "set": {**values, "seed": s}})
    (out / "study.json").write_text(json.dumps({**study, "seeds": seeds,
                                                "n_runs": len(runs)}, indent=1, default=str))
    (out / "design_runs.json").write_text(json.dumps({"runs": runs}))
    return out, design, seeds


def run_outcomes(study: dict) -> list[str]:
    """The per-run outcomes a study reads: those it analyses and its discovery's."""
    found = (study.get("discovery") or {}).get("outcome")
    return list(dict.fromkeys([*study["outcomes"], *([found] if found else [])]))


def sweep_command(study: dict, out: Path, extra: list[str]) -> list[str]:
    """``reve-sim -m sweep.design=...`` of the study; its runs keep only their outcomes
    (``store: outcomes``, the default) unless the study or a ``sweep.store=`` says runs, and
    make only the weekly observations those outcomes need (``outcomes=[...]``)."""
    cmd = [sys.executable, "-m", "reve_sim", "-m", f"sweep.design={(out / 'design_runs.json')}",
           f"sweep.dir={out / 'sweep'}", f"name=sa-{study['name']}",
           f"scenario={study['scenario']}", f"size={study['size']}",
           f"quiet={str(bool(study['quiet'])).lower()}",
           f"outcomes=[{','.join(run_outcomes(study))}]"]
    if not any(arg.startswith("sweep.store=") for arg in extra):
        cmd.append(f"sweep.store={study.get('store') or 'outcomes'}")
    if study.get("weeks") is not None:
        cmd.append(f"weeks={int(study['weeks'])}")
    return cmd + list(extra)


def evaluate(study: dict, out: Path, extra: list[str] | None = None, meanwhile=None) -> int:
    """Run (or resume) the study's runs through ``reve-sim -m sweep.design=...``; returns the
    sweep's exit status (1 when runs failed: the analysis then lists the missing rows).
    ``meanwhile()`` is called once the sweep has started: it plans its runs on one core
    first, leaving the other free."""
    cmd = sweep_command(study, out, extra or [])
    print("Evaluating through the sweeps:", " ".join(cmd[2:]), flush=True)
    child = subprocess.Popen(cmd)
    try:
        if meanwhile is not None:
            meanwhile()
        return child.wait()
    finally:  # interrupted: stop the sweep too (it resumes on the next run)
        if child.poll() is None:
            child.terminate()
            child.wait()


def outputs(out: Path, design: Design, replicates: int, outcome: str) -> np.ndarray:
    """rows x replicates array of ``outcome`` (NaN where a run is missing or failed)."""
    import pandas as pd

    table = pd.read_parquet(out / "sweep" / "runs.parquet")
    Y = np.full((design.n_rows, replicates), np.nan)
    if outcome not in table.columns:
        return Y
    ok = table[table["status"] == "complete"]
    for run, value in zip(ok["run"], ok[outcome], strict=True):
        row, rep = run[3:].split("-rep")
        Y[int(row), int(rep)] = value
    return Y


def frame(out: Path, design: Design, replicates: int, outcomes: list[str]):
    """One row per design row: the factors and the replicate mean of each outcome."""
    import pandas as pd

    df = pd.DataFrame(design.X, columns=list(design.problem.names))
    for o in outcomes:
        df[o] = outputs(out, design, replicates, o).mean(axis=1)
    return df
