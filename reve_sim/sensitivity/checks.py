"""Warnings on indices and the refusal to analyse an incomplete sample."""

from __future__ import annotations

import numpy as np

SMALL_N = {"sobol": 512, "morris": 10}
"""Below this base sample size (Sobol N, Morris trajectories r) a warning is given."""


class MissingRowsError(ValueError):
    """The outputs miss rows of the design: SALib would return wrong indices. Never drop
    rows; rerun them (``reve-sim-sa`` resumes) or refuse."""

    def __init__(self, missing: list[int], n_rows: int, what: str = "rows"):
        self.missing = list(missing)
        shown = ", ".join(map(str, self.missing[:20]))
        more = f" and {len(self.missing) - 20} more" if len(self.missing) > 20 else ""
        super().__init__(
            f"{len(self.missing)} of {n_rows} {what} of the design have no (finite) output: "
            f"{shown}{more}. No row is ever dropped, since SALib's estimators rely on the "
            "exact sample layout; rerun the missing evaluations (rerunning the study resumes "
            "it) and analyse again.")


def missing_rows(Y: np.ndarray) -> list[int]:
    """Row indices whose output (any replicate) is missing or not finite."""
    Y = np.asarray(Y, dtype=float)
    bad = ~np.isfinite(Y)
    if bad.ndim > 1:
        bad = bad.reshape(len(Y), -1).any(axis=1)
    return [int(i) for i in np.flatnonzero(bad)]


def index_warnings(method: str, N: int, indices: dict, names: list[str],
                   tol: float = 0.0) -> list[str]:
    """Plain-language warnings: small N; Morris mu* intervals reaching below 0; Sobol S1 < 0,
    ST > 1, sum of S1 > 1."""
    out = []
    if N < SMALL_N.get(method, 0):
        what = "N" if method == "sobol" else "r (trajectories)"
        out.append(f"Small sample: {what} = {N} (< {SMALL_N[method]}); indices and their "
                   "intervals may be unreliable; check the convergence verdict.")
    if method == "morris":
        mu_star = np.asarray(indices["mu_star"], float)
        conf = np.asarray(indices["mu_star_conf"], float)
        low = [f"{n} ({m - c:.3f})" for n, m, c in zip(names, mu_star, conf, strict=True)
               if m - c < 0]
        if low:
            out.append("The interval of mu* reaches below 0 for " + ", ".join(low) + ": mu* "
                       "is never negative, but SALib's bootstrap interval is symmetric (normal "
                       "approximation). Read these effects as not distinguishable from zero "
                       "at this r; increase r to narrow them.")
    if method != "sobol":
        return out
    s1 = np.asarray(indices["S1"], float)
    st = np.asarray(indices["ST"], float)
    s1_conf = np.asarray(indices.get("S1_conf", np.zeros_like(s1)), float)
    neg = [f"{n} ({v:.3f})" for n, v, c in zip(names, s1, s1_conf, strict=True) if v < -tol]
    if neg:
        sig = [n for n, v, c in zip(names, s1, s1_conf, strict=True) if v + c < 0]
        out.append("S1 < 0 for " + ", ".join(neg) + ": estimation noise (true indices are "
                   ">= 0)" + (f"; significantly so for {', '.join(sig)}: increase N"
                              if sig else "") + ".")
    over = [f"{n} ({v:.3f})" for n, v in zip(names, st, strict=True) if v > 1 + tol]
    if over:
        out.append("ST > 1 for " + ", ".join(over) + ": estimation noise; increase N.")
    total = float(np.nansum(s1))
    if total > 1 + tol:
        out.append(f"The S1 sum to {total:.3f} > 1: estimation noise; increase N.")
    return out
