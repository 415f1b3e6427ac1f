"""Convergence check: indices and ranking at N/2 vs N, with a plain-language verdict."""

from __future__ import annotations

import numpy as np

from .salib import Design, analyze, ranking


def _kendall_tau(a: list[str], b: list[str]) -> float:
    pos = {n: i for i, n in enumerate(b)}
    ra = np.arange(len(a))
    rb = np.array([pos[n] for n in a])
    n = len(a)
    if n < 2:
        return 1.0
    s = 0
    for i in range(n):
        for j in range(i + 1, n):
            s += np.sign(ra[i] - ra[j]) * np.sign(rb[i] - rb[j])
    return float(s / (n * (n - 1) / 2))


def check(design: Design, Y, full: dict | None = None, top: int = 3, **kwargs) -> dict:
    """Analyse the first N/2 base samples (Sobol) or trajectories (Morris) and compare with
    the full design: largest change of an index, ranking (Kendall tau), same top factors."""
    kwargs.setdefault("warn", False)
    full = full or analyze(design, Y, **kwargs)
    half_n = design.N // 2
    Y = np.asarray(Y, float)
    half = analyze(design.head(half_n), Y[: half_n * design.rows_per_base], **kwargs)
    keys = ("S1", "ST") if design.method == "sobol" else ("mu_star",)
    main = "ST" if design.method == "sobol" else "mu_star"
    scale = 1.0 if design.method == "sobol" else max(np.max(np.abs(full[main])), 1e-300)
    change = max(float(np.max(np.abs(np.subtract(full[k], half[k])))) / scale for k in keys)
    r_full, r_half = ranking(full), ranking(half)
    k = min(top, max(1, len(r_full) - 1))
    same_top = set(r_full[:k]) == set(r_half[:k])
    tau = _kendall_tau(r_full, r_half)
    width = float(np.max(full[main + "_conf"])) / scale if main + "_conf" in full else None
    if same_top and change <= 0.05:
        verdict = (f"Converged: the top {k} factors are the same with half the sample "
                   f"(N/2 = {half_n}) and no index moved by more than {change:.2f}"
                   + (" (relative to the largest mu*)" if design.method == "morris" else "")
                   + ".")
        status = "converged"
    elif same_top:
        verdict = (f"Ranking converged, values not yet: the top {k} factors are the same at "
                   f"N/2 = {half_n} and N = {design.N}, but an index moved by {change:.2f}; "
                   "read the ranking, not the decimals, or double N.")
        status = "ranking"
    else:
        verdict = (f"Not converged: the top {k} factors change between N/2 = {half_n} "
                   f"({', '.join(r_half[:k])}) and N = {design.N} ({', '.join(r_full[:k])}); "
                   "double N before citing a ranking.")
        status = "not_converged"
    return {"status": status, "verdict": verdict, "N": design.N, "N_half": half_n,
            "max_change": change, "kendall_tau": tau, "same_top": same_top, "top": k,
            "ranking": r_full, "ranking_half": r_half, "max_conf": width,
            "half": {key: half[key] for key in keys},
            "full": {key: full[key] for key in keys}}
