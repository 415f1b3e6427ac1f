"""What a validation check is, and the small numerical helpers the checks share."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..metrics import METRIC_INDEX


@dataclass
class Check:
    """One rung of the validation ladder: what is compared with what, and the verdict.

    ``expected`` and ``simulated`` are short texts with the numbers; ``numbers`` keeps them
    machine-readable for the tests; ``plot(fig)`` draws the check's figure (simulated vs
    expected, with the tolerance band) on an empty matplotlib Figure.
    """

    key: str
    level: int
    title: str
    claim: str  # the formula or the stylized fact, with its source
    form: str  # which form is compared (discrete-time map, closed form, ...) and why
    setting: str  # how the model is set (ordinary schema parameters)
    expected: str
    simulated: str
    tolerance: str
    passed: bool
    numbers: dict = field(default_factory=dict)
    plot: Callable | None = None
    note: str = ""
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "FAIL"


def series(model, name: str) -> np.ndarray:
    """One weekly metric of a model as an array."""
    return model.weekly_array()[:, METRIC_INDEX[name]]


def lna_stationary(f: Callable[[float], float], noise: Callable[[float], float], x0: float,
                   iterations: int = 100_000) -> tuple[float, float, float]:
    """Fixed point x*, stationary variance and lag-one autocorrelation of the stochastic map
    x' = f(x) + e, var(e) = noise(x), by the linear-noise approximation:
    var = noise(x*) / (1 − J²) with J = f'(x*)."""
    x = x0
    for _ in range(iterations):
        nxt = f(x)
        if abs(nxt - x) < 1e-15:
            x = nxt
            break
        x = nxt
    eps = 1e-7
    jac = (f(x + eps) - f(x - eps)) / (2 * eps)
    return x, noise(x) / (1.0 - jac * jac), jac


def se_of_time_mean(variance: float, rho: float, n_weeks: int) -> float:
    """Standard error of the mean of ``n_weeks`` values of an AR(1)-like series."""
    return math.sqrt(variance * (1.0 + rho) / ((1.0 - rho) * n_weeks))


def fmt(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}f}"
