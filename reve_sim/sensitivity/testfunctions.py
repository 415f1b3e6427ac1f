"""Functions with known sensitivity indices, for tests and as examples of targets."""

from __future__ import annotations

import math

import numpy as np

from .problem import Problem

A, B = 7.0, 0.1
ISHIGAMI_PROBLEM = Problem(("x1", "x2", "x3"), ((-math.pi, math.pi),) * 3)
_V = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
_V1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
_V2 = A**2 / 8
_V13 = 8 * B**2 * math.pi**8 / 225
ISHIGAMI_VARIANCE = _V
ISHIGAMI_S1 = (_V1 / _V, _V2 / _V, 0.0)
ISHIGAMI_ST = ((_V1 + _V13) / _V, _V2 / _V, _V13 / _V)
ISHIGAMI_S13 = _V13 / _V
"""Analytic values (Saltelli et al. 2008): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424,
0.2437), S13 = 0.2437."""


def ishigami(X) -> np.ndarray:
    X = np.atleast_2d(np.asarray(X, float))
    return np.sin(X[:, 0]) + A * np.sin(X[:, 1]) ** 2 + B * X[:, 2] ** 4 * np.sin(X[:, 0])


NOISE_SD = 2.0


def noisy_ishigami(X, seed: int = 0) -> np.ndarray:
    """Ishigami plus 2 eps, eps ~ N(0, 1) drawn from ``seed`` (the same seed gives the same
    noise at every point: common random numbers). Noise share of one run: 4 / (13.84 + 4)."""
    X = np.atleast_2d(np.asarray(X, float))
    eps = np.random.default_rng(seed).standard_normal(len(X))
    return ishigami(X) + NOISE_SD * eps
