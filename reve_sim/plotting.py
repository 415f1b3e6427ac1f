"""The summary figure of one run: who takes part, collectives, ecosystems, well-being."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .labels import category_label, metric_label, text  # noqa: E402
from .parameters import CATEGORIES  # noqa: E402

# Okabe–Ito colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")


def _mark_events(ax, weekly: pd.DataFrame, lang: str) -> None:
    """Shade school holidays lightly and shocks more strongly."""
    for column, colour, alpha, key in (("holiday", "0.85", 0.5, "holidays"),
                                       ("shock", "#D55E00", 0.15, "shock")):
        flag = weekly[column].to_numpy()
        start = None
        labelled = False
        for w, on in enumerate(list(flag) + [False]):
            if on and start is None:
                start = w
            elif not on and start is not None:
                ax.axvspan(start - 0.5, w - 0.5, color=colour, alpha=alpha, lw=0, zorder=0,
                           label=None if labelled else text(key, lang))
                labelled = True
                start = None


def _say_if_not_observed(ax, weekly: pd.DataFrame, columns, lang: str) -> None:
    """A panel whose columns a run did not observe (``ReveModel(observe=...)``) says so
    instead of showing empty axes."""
    if weekly[list(columns)].isna().all().all() and len(weekly):
        ax.text(0.5, 0.5, text("not_observed", lang), transform=ax.transAxes, ha="center",
                va="center", fontsize=9, color="0.35", wrap=True)
        ax.set_yticks([])


def summary_figure(weekly: pd.DataFrame, title: str, lang: str = "en", footer: str = ""):
    """Four panels over weeks; returns the matplotlib Figure."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), sharex=True, layout="constrained")
    weeks = weekly["week"]
    ax = axes[0, 0]
    stack = [weekly[f"engaged_{c}"] for c in CATEGORIES]
    ax.stackplot(weeks, stack, labels=[category_label(c, lang) for c in CATEGORIES],
                 colors=PALETTE, alpha=0.85)
    ax.set_ylabel(text("actors", lang))
    ax.set_title(metric_label("engaged_actors", lang) + " — " + text("engagement_title", lang))
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    _say_if_not_observed(ax, weekly, [f"engaged_{c}" for c in CATEGORIES], lang)
    ax = axes[0, 1]
    for j, name in enumerate(("active_collectives", "dormant_collectives")):
        ax.plot(weeks, weekly[name], color=PALETTE[j], label=metric_label(name, lang))
    ax.bar(weeks, weekly["births"], color=PALETTE[2], alpha=0.6,
           label=metric_label("births", lang))
    ax.bar(weeks, -weekly["deaths"], color=PALETTE[5], alpha=0.6,
           label=metric_label("deaths", lang))
    ax.set_ylabel(text("collectives", lang))
    ax.set_title(text("collectives_title", lang))
    ax.legend(fontsize=7, loc="upper left")
    ax = axes[1, 0]
    eco = ("ecosystems", "largest_ecosystem_collectives", "largest_ecosystem_categories")
    for j, name in enumerate(eco):
        ax.step(weeks, weekly[name], where="mid", color=PALETTE[j], label=metric_label(name, lang))
    ax.set_title(text("ecosystems_title", lang))
    _say_if_not_observed(ax, weekly, eco, lang)
    ax.set_xlabel(text("week", lang))
    ax.legend(fontsize=7, loc="upper left")
    ax = axes[1, 1]
    for j, name in enumerate(("mean_anxiety", "efficacy_networked", "efficacy_isolated",
                              "mean_need")):
        ax.plot(weeks, weekly[name], color=PALETTE[j], label=metric_label(name, lang))
    ax.set_ylim(0, 1)
    ax.set_ylabel(text("level", lang))
    ax.set_xlabel(text("week", lang))
    ax.set_title(text("wellbeing_title", lang))
    ax.legend(fontsize=7, loc="upper left")
    for ax in axes.flat:
        _mark_events(ax, weekly, lang)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    if footer:
        fig.text(0.005, 0.995, footer, fontsize=6, color="0.4", ha="left", va="top")
    return fig
