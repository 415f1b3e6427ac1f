"""Stochastic models: common random numbers, replicate means, noise share, seed as a factor.

Every design row runs the same R seeds (common random numbers), so that the comparisons
SALib's estimators make between rows share their noise; the mean over replicates is
analysed. The noise left in that mean is reported as a share of its variance. Users who ask
how much of the variance is chance run the "seed as a factor" mode instead: one run per row,
the seed drawn from an extra uniform factor, whose indices are the share due to chance.
"""

from __future__ import annotations

import numpy as np

SEED_SPACE = 2**31 - 1


def common_seeds(root: int, replicates: int) -> list[int]:
    """R seeds derived from ``root`` (``SeedSequence``), the same for every design row."""
    if replicates < 1:
        raise ValueError("replicates must be >= 1")
    state = np.random.SeedSequence(int(root)).generate_state(int(replicates), dtype=np.uint32)
    return [int(s) % SEED_SPACE for s in state]


def seed_from_unit(u) -> np.ndarray:
    """The seed of a row from its ``seed`` factor u in [0, 1]."""
    return np.minimum(np.floor(np.asarray(u, float) * SEED_SPACE), SEED_SPACE - 1).astype(
        np.int64)


def noise_share(Yr: np.ndarray) -> dict:
    """Noise in outputs of shape rows x R (replicates).

    ``within_variance``: mean within-row variance (one run's noise, sigma^2);
    ``share_of_mean``: sigma^2 / R over the variance of the row means (the part of what is
    analysed that is chance); ``share_of_single_run``: sigma^2 over the variance of a single
    run across the design (how much of one run's variance is chance). None with R = 1.
    """
    Yr = np.asarray(Yr, float)
    R = Yr.shape[1]
    if R < 2:
        return {"replicates": R, "within_variance": None, "share_of_mean": None,
                "share_of_single_run": None}
    within = float(Yr.var(axis=1, ddof=1).mean())
    var_mean = float(Yr.mean(axis=1).var(ddof=1))
    single = var_mean - within / R + within  # variance of a single run across the design
    return {"replicates": R, "within_variance": within,
            "share_of_mean": float(min(1.0, within / R / var_mean)) if var_mean > 0 else None,
            "share_of_single_run": float(min(1.0, within / single)) if single > 0 else None}
