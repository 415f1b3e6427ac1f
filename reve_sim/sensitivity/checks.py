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


WARNINGS = {
    "en": {
        "small": "Small sample: {what} = {N} (< {small}); indices and their intervals may be "
                 "unreliable; check the convergence verdict.",
        "r": "r (trajectories)",
        "mu_low": "The interval of mu* reaches below 0 for {list}: mu* is never negative, but "
                  "SALib's bootstrap interval is symmetric (normal approximation). Read these "
                  "effects as not distinguishable from zero at this r; increase r to narrow "
                  "them.",
        "s1_neg": "S1 < 0 for {list}: estimation noise (true indices are >= 0){sig}.",
        "s1_sig": "; significantly so for {list}: increase N",
        "st_over": "ST > 1 for {list}: estimation noise; increase N.",
        "s1_sum": "The S1 sum to {total:.3f} > 1: estimation noise; increase N.",
        "noise": "Noise is {share:.0%} of the variance of the replicate means: raise the number "
                 "of replicates, or read the indices as upper bounds.",
    },
    "fr": {
        "small": "Petit échantillon : {what} = {N} (< {small}) ; les indices et leurs "
                 "intervalles peuvent être peu fiables ; voir le verdict de convergence.",
        "r": "r (trajectoires)",
        "mu_low": "L'intervalle de mu* descend sous 0 pour {list} : mu* n'est jamais négatif, "
                  "mais l'intervalle bootstrap de SALib est symétrique (approximation normale). "
                  "Ces effets ne se distinguent pas de zéro à ce r ; augmenter r pour les "
                  "préciser.",
        "s1_neg": "S1 < 0 pour {list} : bruit d'estimation (les vrais indices sont >= 0){sig}.",
        "s1_sig": " ; significativement pour {list} : augmenter N",
        "st_over": "ST > 1 pour {list} : bruit d'estimation ; augmenter N.",
        "s1_sum": "La somme des S1 vaut {total:.3f} > 1 : bruit d'estimation ; augmenter N.",
        "noise": "Le hasard représente {share:.0%} de la variance des moyennes des "
                 "réplications : augmenter le nombre de réplications, ou lire les indices comme "
                 "des bornes supérieures.",
    },
}
"""The warnings' text in each language of the reports."""


def index_warnings(method: str, N: int, indices: dict, names: list[str],
                   tol: float = 0.0, lang: str = "en") -> list[str]:
    """Plain-language warnings, in English or French: small N; Morris mu* intervals
    reaching below 0; Sobol S1 < 0, ST > 1, sum of S1 > 1; noise over 10% of the variance
    of the analysed means (``indices["noise"]``, when given)."""
    text = WARNINGS[lang]
    out = []
    if N < SMALL_N.get(method, 0):
        what = "N" if method == "sobol" else text["r"]
        out.append(text["small"].format(what=what, N=N, small=SMALL_N[method]))
    if method == "morris":
        mu_star = np.asarray(indices["mu_star"], float)
        conf = np.asarray(indices["mu_star_conf"], float)
        low = [f"{n} ({m - c:.3f})" for n, m, c in zip(names, mu_star, conf, strict=True)
               if m - c < 0]
        if low:
            out.append(text["mu_low"].format(list=", ".join(low)))
    if method == "sobol":
        s1 = np.asarray(indices["S1"], float)
        st = np.asarray(indices["ST"], float)
        s1_conf = np.asarray(indices.get("S1_conf", np.zeros_like(s1)), float)
        neg = [f"{n} ({v:.3f})" for n, v in zip(names, s1, strict=True) if v < -tol]
        if neg:
            sig = [n for n, v, c in zip(names, s1, s1_conf, strict=True) if v + c < 0]
            out.append(text["s1_neg"].format(
                list=", ".join(neg), sig=text["s1_sig"].format(list=", ".join(sig)) if sig
                else ""))
        over = [f"{n} ({v:.3f})" for n, v in zip(names, st, strict=True) if v > 1 + tol]
        if over:
            out.append(text["st_over"].format(list=", ".join(over)))
        total = float(np.nansum(s1))
        if total > 1 + tol:
            out.append(text["s1_sum"].format(total=total))
    share = (indices.get("noise") or {}).get("share_of_mean")
    if share is not None and share > 0.1:
        out.append(text["noise"].format(share=share))
    return out
