"""Replaying a saved run: re-simulate it from its parameters and seed, then check it.

A results folder (``reve_sim.results.write_run``) holds ``parameters.json`` (every
validated parameter), ``provenance.json`` (the seed, code version and commit) and
``weekly.parquet`` (one row per week). The model is bit-reproducible from parameters and
seed, so a replay re-simulates the run instead of storing a snapshot per week, and then
compares every recomputed weekly value with ``weekly.parquet``: equal means the replay
*is* the saved run; a difference (say, the code changed since) is reported, never
hidden. Re-simulating 156 weeks at 2,000 actors takes a second or two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..parameters import ParameterError
from .guards import MAX_REPLAY_ACTORS, MAX_WEEKS
from .session import Run

REQUIRED = ("parameters.json", "provenance.json", "weekly.parquet")


class ReplayError(ValueError):
    """A folder that cannot be replayed, with what to do about it."""


@dataclass
class SavedRun:
    path: Path
    params: dict
    provenance: dict
    weekly: pd.DataFrame

    @property
    def seed(self) -> int:
        return int(self.provenance["seed"])

    @property
    def weeks(self) -> int:
        return int(len(self.weekly))

    @property
    def title(self) -> str:
        p = self.provenance
        name = p.get("title") or p.get("scenario") or self.path.parent.name
        return f"{name} · seed {self.seed}"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str  # first differing column and week, empty when ok


def find_runs(root: Path, limit: int = 50) -> list[Path]:
    """Complete results folders under ``root``, newest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [p.parent for p in root.rglob("outcomes.json")
             if not p.parent.name.startswith(".")
             and all((p.parent / f).is_file() for f in REQUIRED)]
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return found[:limit]


def load(path, max_actors: int = MAX_REPLAY_ACTORS) -> SavedRun:
    """Read a results folder; raises ReplayError saying what is wrong."""
    path = Path(str(path).strip()).expanduser()
    if not path.is_dir():
        raise ReplayError(f"{path} is not a folder.")
    missing = [f for f in REQUIRED if not (path / f).is_file()]
    if missing:
        raise ReplayError(f"{path} is not a complete results folder (missing "
                          f"{', '.join(missing)}).")
    try:
        params = json.loads((path / "parameters.json").read_text())
        provenance = json.loads((path / "provenance.json").read_text())
        weekly = pd.read_parquet(path / "weekly.parquet")
    except (OSError, ValueError) as err:
        raise ReplayError(f"{path}: cannot read the saved files ({err}).") from err
    if "seed" not in provenance:
        raise ReplayError(f"{path}/provenance.json has no seed; the run cannot be replayed.")
    n = int(params.get("n_actors", 0))
    if n > max_actors:
        raise ReplayError(f"{path}: {n} actors is more than the app replays live "
                          f"({max_actors}); export it with `reve-sim-replay {path}`.")
    if len(weekly) > MAX_WEEKS:
        weekly = weekly.iloc[:MAX_WEEKS]
    return SavedRun(path, params, provenance, weekly)


def make_run(saved: SavedRun) -> Run:
    """A run with the saved parameters and seed, not yet stepped."""
    try:
        return Run(saved.params, saved.seed, saved.weeks, title=saved.title,
                   scenario=str(saved.provenance.get("scenario", "")))
    except ParameterError as err:
        raise ReplayError(f"{saved.path}: the saved parameters are refused by this version "
                          f"of the model ({err}).") from err


def check(run: Run, saved: SavedRun) -> Check:
    """Compare the recomputed weekly table with the saved one, column by column."""
    new = run.weekly()
    old = saved.weekly
    n = min(len(new), len(old))
    if len(new) != len(old):
        return Check(False, f"{len(new)} weeks replayed, {len(old)} saved")
    for col in old.columns:
        if col == "date" or col not in new.columns:
            continue
        a, b = new[col].to_numpy()[:n], old[col].to_numpy()[:n]
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            same = np.equal(a.astype(float), b.astype(float)) | (np.isnan(a.astype(float))
                                                                  & np.isnan(b.astype(float)))
        else:
            same = a == b
        if not np.all(same):
            w = int(np.flatnonzero(~same)[0])
            return Check(False, f"{col}, week {w}: {a[w]} replayed vs {b[w]} saved")
    return Check(True, "")


def replay(path, time_limit: float | None = None, progress=None) -> tuple[Run, Check]:
    """Load, re-simulate and check a saved run."""
    saved = load(path)
    run = make_run(saved)
    finished = run.run_to(time_limit=time_limit, progress=progress)
    if run.error:
        return run, Check(False, run.error)
    if not finished:
        return run, Check(False, f"stopped by the time limit at week {run.week}")
    return run, check(run, saved)
