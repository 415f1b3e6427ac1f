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
    status = ("converged" if same_top and change <= 0.05 else
              "ranking" if same_top else "not_converged")
    result = {"status": status, "N": design.N, "N_half": half_n, "method": design.method,
              "max_change": change, "kendall_tau": tau, "same_top": same_top, "top": k,
              "ranking": r_full, "ranking_half": r_half, "max_conf": width,
              "half": {key: half[key] for key in keys},
              "full": {key: full[key] for key in keys}}
    result["verdict"] = verdict(result, "en")
    return result


def verdict(conv: dict, lang: str = "en") -> str:
    """The plain-language verdict of ``check``, in English or French."""
    k, half_n, n, change = conv["top"], conv["N_half"], conv["N"], conv["max_change"]
    top_half = ", ".join(conv["ranking_half"][:k])
    top_full = ", ".join(conv["ranking"][:k])
    morris = conv.get("method") == "morris"
    if lang == "fr":
        if conv["status"] == "converged":
            return (f"Convergé : les {k} premiers facteurs sont les mêmes avec la moitié de "
                    f"l'échantillon (N/2 = {half_n}) et aucun indice n'a bougé de plus de "
                    f"{change:.2f}" + (" (rapporté au plus grand mu*)" if morris else "") + ".")
        if conv["status"] == "ranking":
            return (f"Classement stable, valeurs pas encore : les {k} premiers facteurs sont "
                    f"les mêmes à N/2 = {half_n} et N = {n}, mais un indice a bougé de "
                    f"{change:.2f} ; lire le classement, pas les décimales, ou doubler N.")
        return (f"Pas convergé : les {k} premiers facteurs changent entre N/2 = {half_n} "
                f"({top_half}) et N = {n} ({top_full}) ; doubler N avant de citer un "
                "classement.")
    if conv["status"] == "converged":
        return (f"Converged: the top {k} factors are the same with half the sample "
                f"(N/2 = {half_n}) and no index moved by more than {change:.2f}"
                + (" (relative to the largest mu*)" if morris else "") + ".")
    if conv["status"] == "ranking":
        return (f"Ranking converged, values not yet: the top {k} factors are the same at "
                f"N/2 = {half_n} and N = {n}, but an index moved by {change:.2f}; "
                "read the ranking, not the decimals, or double N.")
    return (f"Not converged: the top {k} factors change between N/2 = {half_n} "
            f"({top_half}) and N = {n} ({top_full}); double N before citing a ranking.")
