"""Figures of a study: Sobol bars (ST and S1 with intervals, sorted), Morris mu*-sigma,
second-order heatmap, convergence (N/2 vs N). Okabe-Ito palette; parameter names and units
from the schema in English or French; each figure in PNG (300 dpi), SVG and PDF, with a
provenance footer and a sidecar JSON holding the same facts and the indices."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np

OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
             "black": "#000000"}

TEXT = {
    "total": ("Total order (ST)", "Ordre total (ST)"),
    "first": ("First order (S1)", "Premier ordre (S1)"),
    "sobol_x": ("Sobol index (share of variance), {level}% bootstrap CI",
                "Indice de Sobol (part de variance), IC bootstrap à {level} %"),
    "sobol_title": ("Sobol indices of {outcome}", "Indices de Sobol : {outcome}"),
    "morris_title": ("Morris screening of {outcome}", "Criblage de Morris : {outcome}"),
    "mu_star": ("mu* (mean absolute elementary effect)", "mu* (effet élémentaire absolu moyen)"),
    "sigma": ("sigma (interactions, non-linearity)", "sigma (interactions, non-linéarité)"),
    "s2_title": ("Second-order indices of {outcome}", "Indices d'ordre 2 : {outcome}"),
    "conv_title": ("Convergence: N/2 = {half} vs N = {n}", "Convergence : N/2 = {half} et N = {n}"),
    "half": ("N/2", "N/2"),
    "full": ("N", "N"),
    "noise": ("noise share of the analysed mean: {share}", "part du bruit dans la moyenne "
              "analysée : {share}"),
    "seed": ("Seed (chance)", "Graine (hasard)"),
    "footer": ("reve-sim {version} · commit {commit} · study {study} · {method} N = {N} · "
               "replicates {replicates} · {date}",
               "reve-sim {version} · commit {commit} · étude {study} · {method} N = {N} · "
               "réplications {replicates} · {date}"),
}


def t(key: str, lang: str, **kw) -> str:
    return TEXT[key][1 if lang == "fr" else 0].format(**kw)


def param_label(name: str, lang: str = "en", unit: bool = True) -> str:
    """Schema label of a parameter, with its unit."""
    from ..labels import unit_label
    from ..parameters import PARAMETERS

    if name == "seed":
        return t("seed", lang)
    p = PARAMETERS.get(name)
    if p is None:
        return name
    return f"{p.label(lang)} ({unit_label(p.unit, lang)})" if unit and p.unit else p.label(lang)


def outcome_name(outcome: str, lang: str) -> str:
    from ..labels import outcome_label

    return outcome_label(outcome, lang)


def short_commit(commit: str) -> str:
    sha, _, dirty = commit.partition("+")
    return sha[:10] + (f"+{dirty}" if dirty else "")


def footer_text(facts: dict, lang: str = "en") -> str:
    """The provenance footer of a figure, in the figure's language."""
    return t("footer", lang, version=facts["version"], commit=short_commit(facts["commit"]),
             study=facts["study"], method=facts["method"], N=facts["N"],
             replicates=facts["replicates"], date=facts["date"])


def wrapped(title: str, width: int = 50) -> str:
    """A title that fits above the axes (``width`` characters: what the figure leaves right
    of its parameter names): longer lines, French ones mostly, are wrapped instead of running
    past the figure's edge."""
    return "\n".join(textwrap.fill(line, width) for line in title.split("\n"))


def save(fig, path: Path, facts: dict, data: dict, lang: str = "en") -> list[Path]:
    """PNG (300 dpi), SVG, PDF and the sidecar JSON of ``fig``; returns the paths."""
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.text(0.005, 0.005, footer_text(facts, lang), fontsize=6, color="#555555", ha="left",
             va="bottom")
    written = []
    for ext in ("png", "svg", "pdf"):
        target = path.with_suffix(f".{ext}")
        meta = {"Creator": "reve-sim"} if ext != "png" else {"Software": "reve-sim"}
        fig.savefig(target, dpi=300 if ext == "png" else None, metadata=meta)
        written.append(target)
    plt.close(fig)
    sidecar = path.with_suffix(".json")
    sidecar.write_text(json.dumps({"figure": path.name, **facts, **data}, indent=1,
                                  default=float))
    return written + [sidecar]


def pyplot():
    """matplotlib's pyplot on the Agg backend (files only, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _new(width: float, height: float, **kwargs):
    plt = pyplot()
    plt.rcParams.update({"font.size": 8, "axes.spines.top": False,
                         "axes.spines.right": False, "svg.fonttype": "none"})
    return plt.subplots(figsize=(width, height), **kwargs)


def sobol_bars(result: dict, outcome: str, path: Path, facts: dict, lang: str = "en"):
    names = result["names"]
    st, s1 = np.asarray(result["ST"]), np.asarray(result["S1"])
    order = np.argsort(st, kind="stable")  # smallest at the bottom, largest on top
    D = len(names)
    fig, ax = _new(6.5, 1.2 + 0.38 * D)
    y = np.arange(D)
    h = 0.38
    ax.barh(y + h / 2, st[order], h, xerr=np.asarray(result["ST_conf"])[order],
            color=OKABE_ITO["blue"], ecolor="#333333", capsize=2, label=t("total", lang))
    ax.barh(y - h / 2, s1[order], h, xerr=np.asarray(result["S1_conf"])[order],
            color=OKABE_ITO["orange"], ecolor="#333333", capsize=2, label=t("first", lang))
    ax.set_yticks(y, [param_label(names[i], lang) for i in order])
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel(t("sobol_x", lang, level=round(100 * result["conf_level"])))
    title = t("sobol_title", lang, outcome=outcome_name(outcome, lang))
    share = (result.get("noise") or {}).get("share_of_mean")
    if share is not None:
        title += "\n" + t("noise", lang, share=f"{share:.1%}")
    ax.set_title(wrapped(title), fontsize=9, loc="left")
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return save(fig, path, facts, {"outcome": outcome, "indices": _indices(result)}, lang)


def morris_chart(result: dict, outcome: str, path: Path, facts: dict, lang: str = "en"):
    names = result["names"]
    mu_star, sigma = np.asarray(result["mu_star"]), np.asarray(result["sigma"])
    conf = np.asarray(result["mu_star_conf"])
    fig, ax = _new(8.5, 4.8)
    colors = [OKABE_ITO["vermillion"] if _is_lever(n) else OKABE_ITO["blue"] for n in names]
    ax.errorbar(mu_star, sigma, xerr=conf, fmt="none", ecolor="#999999", lw=0.8)
    ax.scatter(mu_star, sigma, c=colors, s=28, zorder=3)
    top = max(float(np.max(mu_star)), float(np.max(sigma)), 1e-12) * 1.05
    ax.plot([0, top], [0, top], ls=":", color="#777777", lw=0.8)
    ax.text(top, top, "σ = μ*", fontsize=7, color="#777777", ha="right", va="bottom")
    # the 10 largest effects carry their rank; the key beside the axes names them (names
    # written at crowded points overlap or hang on leader lines that cross)
    key = []
    for rank, i in enumerate(np.argsort(-mu_star)[:10], start=1):
        ax.annotate(str(rank), (mu_star[i], sigma[i]), xytext=(3, 3),
                    textcoords="offset points", fontsize=7, fontweight="bold", color=colors[i])
        key.append(f"{rank}. {param_label(names[i], lang, unit=False)}")
    ax.text(1.03, 1.0, "\n".join(key), transform=ax.transAxes, fontsize=7, va="top",
            ha="left", linespacing=1.6)
    ax.set_xlabel(t("mu_star", lang))
    ax.set_ylabel(t("sigma", lang))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    from matplotlib.lines import Line2D

    legend = [Line2D([], [], marker="o", ls="", color=OKABE_ITO["vermillion"],
                     label="levier" if lang == "fr" else "lever"),
              Line2D([], [], marker="o", ls="", color=OKABE_ITO["blue"],
                     label="incertitude" if lang == "fr" else "uncertainty")]
    ax.legend(handles=legend, loc="lower right", frameon=False)
    ax.set_title(t("morris_title", lang, outcome=outcome_name(outcome, lang)), fontsize=9,
                 loc="left")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return save(fig, path, facts, {"outcome": outcome, "indices": _indices(result)}, lang)


def s2_heatmap(result: dict, outcome: str, path: Path, facts: dict, lang: str = "en"):
    names = result["names"]
    S2 = np.asarray(result["S2"], float)
    M = np.triu(S2, 1)
    M = M + M.T
    np.fill_diagonal(M, np.nan)
    D = len(names)
    fig, ax = _new(2.5 + 0.5 * D, 1.8 + 0.5 * D)
    im = ax.imshow(M, cmap="cividis", vmin=min(0.0, np.nanmin(M)))
    labels = [param_label(n, lang, unit=False) for n in names]
    ax.set_xticks(range(D), labels, rotation=45, ha="right")
    ax.set_yticks(range(D), labels)
    for i in range(D):
        for j in range(D):
            if i != j:
                ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=6,
                        color="white" if M[i, j] < np.nanmax(M) * 0.6 else "black")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(wrapped(t("s2_title", lang, outcome=outcome_name(outcome, lang))), fontsize=9,
                 loc="left")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return save(fig, path, facts, {"outcome": outcome, "S2": S2.tolist(), "names": names},
                lang)


def convergence_chart(conv: dict, names: list[str], method: str, outcome: str, path: Path,
                      facts: dict, lang: str = "en"):
    key = "ST" if method == "sobol" else "mu_star"
    full, half = np.asarray(conv["full"][key]), np.asarray(conv["half"][key])
    order = np.argsort(full, kind="stable")
    D = len(names)
    fig, ax = _new(6.5, 1.4 + 0.32 * D)
    y = np.arange(D)
    for i in range(D):
        ax.plot([half[order][i], full[order][i]], [y[i], y[i]], color="#BBBBBB", lw=1)
    ax.scatter(half[order], y, color=OKABE_ITO["sky"], label=t("half", lang) +
               f" = {conv['N_half']}", zorder=3, s=20)
    ax.scatter(full[order], y, color=OKABE_ITO["blue"], label=t("full", lang) +
               f" = {conv['N']}", zorder=3, s=20)
    ax.set_yticks(y, [param_label(names[i], lang, unit=False) for i in order])
    ax.set_xlabel("ST" if method == "sobol" else "mu*")
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(wrapped(outcome_name(outcome, lang) + "\n" + t(
        "conv_title", lang, half=conv["N_half"], n=conv["N"])
        + f" · Kendall τ = {conv['kendall_tau']:.2f}", width=64), fontsize=9, loc="left")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return save(fig, path, facts, {"outcome": outcome, "convergence": conv}, lang)


def _is_lever(name: str) -> bool:
    from ..parameters import PARAMETERS

    return name in PARAMETERS and PARAMETERS[name].group == "lever"


def _indices(result: dict) -> dict:
    keys = ("S1", "S1_conf", "ST", "ST_conf", "mu", "mu_star", "mu_star_conf", "sigma")
    return {"names": result["names"], **{k: result[k] for k in keys if k in result},
            "conf_level": result["conf_level"], "noise": result.get("noise"),
            "warnings": result.get("warnings")}
