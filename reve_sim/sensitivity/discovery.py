"""Scenario discovery with the EMA Workbench's PRIM (maintained implementation).

Which combinations of factors keep the outcome of interest (e.g. an ecosystem alive at the
end) true? PRIM peels the factor space into a box; the peeling trajectory is the
coverage/density trade-off; the box is chosen on it (highest density among the steps with
coverage >= ``min_coverage``) and described in plain language. Integer columns are cast to
float first (EMA Workbench 3.0.0 under pandas 3 fails on them otherwise).
"""

from __future__ import annotations

import logging
import operator
import warnings

import numpy as np

from .figures import OKABE_ITO, _new, param_label, save, wrapped

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
       "==": operator.eq}


def condition(values, rule: str) -> np.ndarray:
    """Cases of interest: ``rule`` like ``">= 1"`` applied to ``values``."""
    text = str(rule).strip()
    for sym in sorted(OPS, key=len, reverse=True):
        if text.startswith(sym):
            return OPS[sym](np.asarray(values, float), float(text[len(sym):]))
    raise ValueError(f"condition {rule!r}: use one of {', '.join(OPS)} and a number")


def prim_module():
    """The EMA Workbench's PRIM (importing the workbench takes seconds)."""
    with warnings.catch_warnings():  # its parallel evaluators are not used here
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        from ema_workbench.analysis import prim
    return prim


def find(x, y, *, min_coverage: float = 0.6, peel_alpha: float = 0.05,
         mass_min: float = 0.05) -> dict:
    """PRIM box for boolean ``y`` over factors ``x`` (DataFrame)."""
    prim = prim_module()
    x = x.astype({c: float for c in x.columns})  # pandas-3 integer-column workaround
    y = np.asarray(y, bool)
    if y.all() or not y.any():
        return {"status": "degenerate", "share": float(y.mean()), "n": int(len(y))}
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y, peel_alpha=peel_alpha, paste_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
    traj = box.peeling_trajectory.copy()
    ok = traj[traj["coverage"] >= min_coverage]
    choice = int(ok["density"].idxmax()) if len(ok) else int(traj["density"].idxmax())
    lims = box.box_lims[choice]
    full = box.box_lims[0]
    restricted = []
    for col in x.columns:
        lo, hi = float(lims.loc[0, col]), float(lims.loc[1, col])
        flo, fhi = float(full.loc[0, col]), float(full.loc[1, col])
        if lo > flo + 1e-12 or hi < fhi - 1e-12:
            restricted.append({"parameter": col, "min": lo, "max": hi, "range_min": flo,
                               "range_max": fhi, "lower": lo > flo + 1e-12,
                               "upper": hi < fhi - 1e-12})
    row = traj.loc[choice]
    return {"status": "ok", "share": float(y.mean()), "n": int(len(y)), "choice": choice,
            "coverage": float(row["coverage"]), "density": float(row["density"]),
            "mass": float(row["mass"]), "restricted": restricted,
            "trajectory": traj[["coverage", "density", "mass", "res_dim"]].to_dict("list"),
            "min_coverage": min_coverage}


def describe(res: dict, what: str, lang: str = "en") -> str:
    """Plain-language description of the chosen box."""
    fr = lang == "fr"
    if res["status"] != "ok":
        return (f"Pas de boîte : « {what} » est vrai dans {res['share']:.0%} des cas."
                if fr else f"No box: '{what}' holds in {res['share']:.0%} of the cases.")

    def bound(r) -> str:
        label = param_label(r["parameter"], lang)
        if r["lower"] and r["upper"]:
            return (f"{label} entre {r['min']:.3g} et {r['max']:.3g}" if fr else
                    f"{label} between {r['min']:.3g} and {r['max']:.3g}")
        if r["lower"]:
            return f"{label} ≥ {r['min']:.3g}"
        return f"{label} ≤ {r['max']:.3g}"

    conds = (" et " if fr else " and ").join(bound(r) for r in res["restricted"])
    if fr:
        return (f"Sur l'ensemble des {res['n']} simulations, « {what} » est vrai "
                f"dans {res['share']:.0%} des cas. Quand {conds}, c'est vrai dans "
                f"{res['density']:.0%} des cas (densité) ; cette zone contient "
                f"{res['mass']:.0%} de l'échantillon et {res['coverage']:.0%} de tous les cas "
                "favorables (couverture). Boîte choisie sur le compromis couverture/densité : "
                f"la plus dense parmi celles qui couvrent au moins {res['min_coverage']:.0%} "
                "des cas favorables.")
    return (f"Across the {res['n']} runs, '{what}' holds in {res['share']:.0%} "
            f"of the cases. When {conds}, it holds in {res['density']:.0%} of the cases "
            f"(density); this region holds {res['mass']:.0%} of the sample and "
            f"{res['coverage']:.0%} of all the favourable cases (coverage). The box was chosen "
            "on the coverage/density trade-off: the densest box covering at least "
            f"{res['min_coverage']:.0%} of the favourable cases.")


def figure(res: dict, what: str, path, facts: dict, lang: str = "en"):
    """Trade-off (coverage vs density, chosen box marked) and the chosen box's limits."""
    fr = lang == "fr"
    fig, (ax1, ax2) = _new(8.0, 3.6, ncols=2, gridspec_kw={"width_ratios": [1, 1.3]})
    tr = res["trajectory"]
    sc = ax1.scatter(tr["coverage"], tr["density"], c=tr["res_dim"], cmap="cividis", s=14)
    ax1.scatter([res["coverage"]], [res["density"]], s=90, facecolors="none",
                edgecolors=OKABE_ITO["vermillion"], linewidths=1.5,
                label="boîte choisie" if fr else "chosen box")
    ax1.set_xlabel("couverture" if fr else "coverage")
    ax1.set_ylabel("densité" if fr else "density")
    ax1.legend(loc="lower left", frameon=False, fontsize=7)
    fig.colorbar(sc, ax=ax1, label="dimensions restreintes" if fr else "restricted dimensions")
    ax1.set_title("Compromis couverture/densité" if fr else "Coverage/density trade-off",
                  fontsize=9, loc="left")
    rs = res["restricted"]
    for i, r in enumerate(rs):
        span = (r["range_max"] - r["range_min"]) or 1.0
        lo = (r["min"] - r["range_min"]) / span
        hi = (r["max"] - r["range_min"]) / span
        ax2.plot([0, 1], [i, i], color="#CCCCCC", lw=6, solid_capstyle="butt")
        ax2.plot([lo, hi], [i, i], color=OKABE_ITO["blue"], lw=6, solid_capstyle="butt")
        digits = max(0, 2 - int(np.floor(np.log10(span))))  # 3 significant digits of the range
        ax2.text(lo, i + 0.12, f"{r['min']:.{digits}f}", fontsize=6, ha="left", va="bottom")
        ax2.text(hi, i + 0.12, f"{r['max']:.{digits}f}", fontsize=6, ha="right", va="bottom")
    ax2.set_yticks(range(len(rs)), [param_label(r["parameter"], lang) for r in rs])
    ax2.set_ylim(-0.6, max(len(rs), 1) - 0.4)
    ax2.set_xlim(0, 1)
    ax2.set_xlabel("position dans l'intervalle étudié" if fr else "position in the range studied")
    # the box's axes start two thirds of the way across; the condition's last two words
    # (its operator and value, joined by a no-break space) stay on one line
    head, _, value = what.rpartition(" ")
    shown = wrapped(f"{head}\u00a0{value}" if head else what, 40)
    ax2.set_title((f"Boîte : densité {res['density']:.0%}, couverture {res['coverage']:.0%}"
                   if fr else f"Box: density {res['density']:.0%}, coverage "
                   f"{res['coverage']:.0%}") + f"\n{shown}", fontsize=9, loc="left")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    data = {k: v for k, v in res.items() if k != "trajectory"}
    return save(fig, path, facts, {"prim": data, "what": what}, lang)
