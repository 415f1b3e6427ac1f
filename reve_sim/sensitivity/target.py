"""Any Python function reached by import path as the model of a study."""

from __future__ import annotations

import importlib
import inspect

import numpy as np

from .replicates import seed_from_unit
from .salib import Design


def resolve(path: str):
    """``"package.module:function"`` (or ``package.module.function``) -> the function."""
    module, sep, name = path.partition(":")
    if not sep:
        module, _, name = path.rpartition(".")
    try:
        obj = importlib.import_module(module)
    except ImportError as err:
        raise ValueError(f"cannot import {module!r} for target {path!r}: {err}") from None
    for part in name.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"{module!r} has no {name!r} (target {path!r})")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"target {path!r} is not callable")
    return obj


def evaluate(target, design: Design, seeds: list[int] | None = None,
             vectorized: bool = True) -> np.ndarray:
    """Outputs of ``target`` over ``design``: rows x len(seeds).

    ``target(X)`` (deterministic) or ``target(X, seed=s)`` (stochastic, called with each of
    the common seeds), with X the rows x D array when ``vectorized``, else one row
    (1-D array) at a time. With a ``seed`` factor in the design (seed as a factor), each row's
    seed comes from it and the factor is removed from X.
    """
    fn = resolve(target) if isinstance(target, str) else target
    X = design.X
    names = list(design.problem.names)
    takes_seed = "seed" in inspect.signature(fn).parameters
    if "seed" in names:
        j = names.index("seed")
        row_seeds = seed_from_unit(X[:, j])
        Xf = np.delete(X, j, axis=1)
        out = []
        for i in range(len(Xf)):
            x = Xf[i:i + 1] if vectorized else Xf[i]
            out.append(float(np.asarray(fn(x, seed=int(row_seeds[i])), float).ravel()[0]))
        return np.array(out)[:, None]
    columns = []
    for s in (seeds or [None]):
        kw = {"seed": s} if (takes_seed and s is not None) else {}
        if vectorized:
            y = np.asarray(fn(X, **kw), float).ravel()
        else:
            y = np.array([float(fn(row, **kw)) for row in X])
        columns.append(y)
    return np.column_stack(columns)


def run(target, problem, method: str, N: int, *, replicates: int = 1, root_seed: int = 1,
        seed_as_factor: bool = False, vectorized: bool = True, sample_options: dict | None = None,
        **analyze_options) -> tuple[Design, np.ndarray, dict]:
    """Sample, evaluate and analyse a function in one call: (design, Y, result)."""
    from .replicates import common_seeds
    from .salib import analyze, sample

    if seed_as_factor:
        problem, replicates = problem.with_seed_factor(), 1
    design = sample(problem, method, N, **(sample_options or {}))
    seeds = common_seeds(root_seed, replicates) if replicates > 1 else None
    Y = evaluate(target, design, seeds, vectorized=vectorized)
    return design, Y, analyze(design, Y, **analyze_options)
