"""The collectives as a network: one node per collective, links for shared members.

Layout is cheap and stable: a collective's position depends only on its problem, its
territory and its rank of creation among collectives with the same two (a sunflower
spiral around the group's anchor), so it is computed once per collective, never moves
between weeks, and collectives on one problem sit together — which is where innovation
ecosystems form. No force-directed layout is run (``spring_layout`` costs seconds at
a thousand nodes and would make nodes jump every week).

Nodes are pies of their members' categories, sized by members (area), dormant ones
pale with a dashed outline, dissolved ones grey and fading out over ``FADE_WEEKS``.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, Wedge

from ..labels import category_label, problem_label, text
from ..parameters import CATEGORIES, problem_names
from ..plotting import PALETTE
from ..state import ACTIVE, DISSOLVED, DORMANT
from .history import Frame
from .names import collective_names

FADE_WEEKS = 8
"""Weeks over which a dissolved collective fades out."""
MAX_NODES = 600
"""Most collectives drawn (the largest); more would be unreadable."""
GOLDEN = math.pi * (3 - math.sqrt(5))


class Layout:
    """Positions of collective rows, computed once per row and cached."""

    def __init__(self, n_problems: int, n_territories: int, expected_per_group: float = 12):
        self.k, self.t = int(n_problems), int(n_territories)
        self.spacing = 0.2 / math.sqrt(max(expected_per_group, 4.0))
        self.xy = np.zeros((0, 2))
        self._rank: dict[tuple[int, int], int] = {}

    def anchor(self, p: int, t: int) -> tuple[float, float]:
        a = 2 * math.pi * p / self.k + math.pi / 2
        x, y = (math.cos(a), math.sin(a)) if self.k > 1 else (0.0, 0.0)
        if self.t > 1:
            b = a + 2 * math.pi * t / self.t
            x, y = x + 0.3 * math.cos(b), y + 0.3 * math.sin(b)
        return x, y

    def positions(self, problem: np.ndarray, territory: np.ndarray) -> np.ndarray:
        """Positions of rows ``[:len(problem)]``; only new rows are placed."""
        n = problem.shape[0]
        if n > self.xy.shape[0]:
            new = np.zeros((n - self.xy.shape[0], 2))
            for j, c in enumerate(range(self.xy.shape[0], n)):
                p, t = int(problem[c]), int(territory[c])
                r = self._rank.get((p, t), 0)
                self._rank[(p, t)] = r + 1
                x0, y0 = self.anchor(p, t)
                rad = self.spacing * math.sqrt(r + 0.5)
                new[j] = (x0 + rad * math.cos(r * GOLDEN), y0 + rad * math.sin(r * GOLDEN))
            self.xy = np.vstack([self.xy, new])
        return self.xy[:n]


def layout_for(model) -> Layout:
    """A layout sized for the model's number of collectives."""
    k, t = model.params["n_problems"], model.params["n_territories"]
    return Layout(k, t, expected_per_group=3.0 * max(model.n_used, 1) / (k * t))


def visible(frame: Frame) -> np.ndarray:
    """Rows drawn: alive collectives and those dissolved less than FADE_WEEKS ago."""
    w = frame.week
    alive = (frame.status == ACTIVE) | (frame.status == DORMANT)
    fading = (frame.status == DISSOLVED) & (frame.died >= 0) & (w - frame.died <= FADE_WEEKS)
    rows = np.flatnonzero(alive | fading)
    if rows.size > MAX_NODES:
        rows = rows[np.argsort(-frame.n_members[rows], kind="stable")[:MAX_NODES]]
    return rows


def draw_network(ax, frame: Frame, layout: Layout, n_problems: int, lang: str = "fr",
                 n_labels: int = 5, legend: bool = True, title: str | None = None) -> None:
    """Draw one week's network on ``ax`` (the legend goes on the right of the figure)."""
    xy = layout.positions(frame.problem, frame.territory)
    rows = visible(frame)
    ax.set_aspect("equal")
    ax.set_axis_off()
    lim = 1.7
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    # problem names at the cluster anchors
    for p, name in enumerate(problem_names(n_problems)):
        a = 2 * math.pi * p / max(n_problems, 1) + math.pi / 2
        ax.text(1.45 * math.cos(a), 1.45 * math.sin(a), problem_label(name, lang),
                ha="center", va="center", fontsize=8.5, color="0.25", zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.8", "alpha": 0.85})
    if frame.edges.shape[0]:
        e = frame.edges
        shown = np.zeros(frame.n, dtype=bool)
        shown[rows] = True
        keep = shown[e[:, 0]] & shown[e[:, 1]]
        e = e[keep]
        segs = np.stack([xy[e[:, 0]], xy[e[:, 1]]], axis=1)
        ax.add_collection(LineCollection(segs, colors="0.45", alpha=0.35,
                                         linewidths=0.4 + 0.8 * np.log1p(e[:, 2]), zorder=1))
    radius = 0.018 * np.sqrt(np.maximum(frame.n_members, 1))
    radius = np.minimum(radius, 0.16)
    wedges, colours, alphas, outlines = [], [], [], []
    for c in rows:
        st = frame.status[c]
        x, y = xy[c]
        if st == DISSOLVED:
            fade = max(0.0, 1.0 - (frame.week - frame.died[c]) / (FADE_WEEKS + 1))
            wedges.append(Circle((x, y), radius[c]))
            colours.append("0.6")
            alphas.append(0.6 * fade)
            outlines.append("none")
            continue
        counts = frame.counts[c]
        total = counts.sum()
        alpha = 0.95 if st == ACTIVE else 0.35
        if total == 0:
            wedges.append(Circle((x, y), radius[c]))
            colours.append("0.8")
            alphas.append(alpha)
            outlines.append("0.3")
            continue
        start = 90.0
        for j in np.flatnonzero(counts):
            sweep = 360.0 * counts[j] / total
            if sweep >= 359.999:
                wedges.append(Circle((x, y), radius[c]))
            else:
                wedges.append(Wedge((x, y), radius[c], start, start + sweep))
            colours.append(PALETTE[j])
            alphas.append(alpha)
            outlines.append("white" if st == ACTIVE else "0.3")
            start += sweep
    if wedges:
        faces = [to_rgba(col, a) for col, a in zip(colours, alphas, strict=True)]
        ax.add_collection(PatchCollection(wedges, facecolors=faces, edgecolors=outlines,
                                          linewidths=0.3, zorder=2))
    # names of the largest alive collectives
    alive = rows[frame.status[rows] != DISSOLVED]
    if n_labels and alive.size:
        names = collective_names(frame.problem, frame.territory, n_problems, lang)
        for c in alive[np.argsort(-frame.n_members[alive], kind="stable")[:n_labels]]:
            ax.annotate(names[c], xy[c], xytext=(0, radius[c] * 180 + 6),
                        textcoords="offset points", ha="center", fontsize=7, zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.7})
    if title is not None:
        ax.set_title(title, fontsize=10)
    if legend:
        handles = [Patch(color=PALETTE[j], label=category_label(cat, lang))
                   for j, cat in enumerate(CATEGORIES)]
        handles += [
            Line2D([], [], marker="o", ls="none", mfc="white", mec="0.3", mew=0.8,
                   label=text("dormant", lang)),
            Line2D([], [], marker="o", ls="none", mfc="0.75", mec="none",
                   label=text("dissolved", lang)),
            Line2D([], [], color="0.45", lw=1.2, label=text("shared_members", lang)),
        ]
        ax.figure.legend(handles=handles, fontsize=7.5, loc="outside right center",
                         frameon=False)


def network_figure(frame: Frame, layout: Layout, n_problems: int, lang: str = "fr",
                   title: str | None = None, legend: bool = True,
                   size: tuple[float, float] | None = None) -> Figure:
    """A new figure (not registered with pyplot) with one week's network."""
    fig = Figure(figsize=size or ((6.0, 4.4) if legend else (5.0, 5.0)), layout="constrained")
    draw_network(fig.subplots(), frame, layout, n_problems, lang, legend=legend, title=title)
    return fig
