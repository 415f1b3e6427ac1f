"""Time series of the key metrics with the scenario's events marked.

Four small panels over weeks — who takes part, collectives, innovation ecosystems,
anxiety and efficacy — with shocks shaded (a lockdown), the rentrée as dotted lines and
programme calls and funding ends as vertical lines. The horizontal axis always spans the
scenario's whole horizon, so what is coming is visible before it happens. A second run
(comparison) is drawn dashed on the same axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..calendar import week_of
from ..labels import event_label, metric_label, text
from ..plotting import PALETTE

PANELS = (
    ("engagement_title", ("engaged_actors",)),
    ("collectives_title", ("active_collectives", "dormant_collectives")),
    ("ecosystems_title", ("ecosystems", "largest_ecosystem_collectives")),
    ("wellbeing_title", ("mean_anxiety", "efficacy_networked", "efficacy_isolated")),
)
"""(title key, metrics) of each panel."""

SHOCK_COLOUR = "#D55E00"
FUNDING_COLOUR = "#CC79A7"
PROGRAMME_COLOUR = "#009E73"


@dataclass(frozen=True)
class Marker:
    """A scenario or calendar event on the time axis (first and last week)."""

    start: int
    end: int
    kind: str  # shock | rentree | programme | funding_end
    label: str  # raw label; shown through labels.event_label

    def text(self, lang: str) -> str:
        name = event_label(self.label, lang)
        if self.start == self.end:
            return f"{name} ({text('week', lang).lower()} {self.start})"
        return f"{name} ({text('week', lang).lower()}s {self.start}–{self.end})"


def scenario_markers(params: dict, environment, n_weeks: int) -> list[Marker]:
    """Shocks, rentrées, programme calls and the end of their funding within the horizon."""
    start = params["start_date"]
    marks: list[Marker] = []
    for shock in params["shocks"]:
        w0, w1 = week_of(start, shock["start"]), week_of(start, shock["end"])
        if shock["end"] > start and w0 < n_weeks:
            marks.append(Marker(max(w0, 0), min(w1, n_weeks), "shock", shock["label"]))
    for prog in params["programmes"]:
        w = week_of(start, prog["start"])
        if 0 <= w < n_weeks:
            marks.append(Marker(w, w, "programme", prog["label"]))
            end = w + (int(prog["duration_weeks"]) or int(params["funding_duration"]))
            if end < n_weeks:
                marks.append(Marker(end, end, "funding_end", "funding_end"))
    rentree = np.flatnonzero(environment.rentree[:n_weeks])
    for w in rentree[rentree > 0]:
        marks.append(Marker(int(w), int(w), "rentree", "rentree"))
    return marks


SHOCK_ALPHAS = (0.28, 0.14, 0.2, 0.1)


def _draw_markers(ax, markers: list[Marker], lang: str) -> list:
    """Draw the markers on ``ax``; returns legend handles (one per distinct label)."""
    handles, seen = [], set()
    shocks = 0
    for m in markers:
        name = event_label(m.label, lang)
        if m.kind == "shock":
            alpha = SHOCK_ALPHAS[shocks % len(SHOCK_ALPHAS)]
            shocks += 1
            h = ax.axvspan(m.start - 0.5, m.end - 0.5, color=SHOCK_COLOUR, alpha=alpha, lw=0)
        elif m.kind == "rentree":
            h = ax.axvline(m.start, color="0.45", ls=":", lw=1.0)
        else:
            colour = FUNDING_COLOUR if m.kind == "funding_end" else PROGRAMME_COLOUR
            h = ax.axvline(m.start, color=colour, ls="--", lw=1.1)
        if name not in seen:
            seen.add(name)
            h.set_label(name)
            handles.append(h)
    return handles


def draw_curves(fig, runs: list[tuple[str, pd.DataFrame]], markers: list[Marker],
                horizon: int, lang: str = "fr", cursor: int | None = None) -> dict:
    """Draw the four panels on ``fig``; ``runs`` is [(name, weekly table)], drawn solid,
    then dashed. ``cursor`` draws a vertical line at a week (replays).

    Returns ``{"axes": [...], "lines": [(Line2D, weeks, values)], "cursors": [...]}`` so
    an animation can reveal the curves week by week and move the cursor."""
    lines, cursors = [], []
    axes = fig.subplots(2, 2, sharex=True)
    styles = ("-", "--", ":")
    marker_handles: list = []
    for ax, (title_key, metrics) in zip(axes.flat, PANELS, strict=True):
        for r, (_name, weekly) in enumerate(runs):
            for j, metric in enumerate(metrics):
                # with several runs the metric is named once; the line style tells the
                # run (see the figure legend)
                label = metric_label(metric, lang) if r == 0 else "_"
                x, y = weekly["week"].to_numpy(), weekly[metric].to_numpy()
                (line,) = ax.plot(x, y, color=PALETTE[j], ls=styles[r % len(styles)], lw=1.4,
                                  label=label)
                lines.append((line, x, y))
        ax.set_xlim(-0.5, max(horizon, 1) - 0.5)
        if title_key == "wellbeing_title":
            ax.set_ylim(0, 1)
        else:
            lo, hi = ax.get_ylim()
            ax.set_ylim(0, max(hi, 1.0) * 1.08)
        marker_handles = _draw_markers(ax, markers, lang)
        if cursor is not None:
            cursors.append(ax.axvline(cursor, color="black", lw=1.2))
        ax.set_title(text(title_key, lang), fontsize=10)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        ax.legend(handles=[h for h in ax.get_lines() if not h.get_label().startswith("_")
                           and h not in marker_handles and not h.get_label().startswith(
                               "_")], fontsize=7, loc="upper left",
                  frameon=False)
    for ax in axes[1]:
        ax.set_xlabel(text("week", lang), fontsize=8)
    run_handles = []
    if len(runs) > 1:
        run_handles = [Line2D([], [], color="0.2", ls=styles[r % len(styles)], lw=1.4,
                              label=f"{'ABC'[r]} — {name}") for r, (name, _) in
                       enumerate(runs)]
    if markers or run_handles:
        handles = run_handles + marker_handles
        fig.legend(handles=handles, loc="outside lower center", ncol=min(4, len(handles)),
                   fontsize=7.5, frameon=False)
    return {"axes": list(axes.flat), "lines": lines, "cursors": cursors}


def curves_figure(runs: list[tuple[str, pd.DataFrame]], markers: list[Marker], horizon: int,
                  lang: str = "fr", cursor: int | None = None,
                  size: tuple[float, float] = (6.6, 4.9)) -> Figure:
    """A new figure (not registered with pyplot, so nothing leaks) with the four panels."""
    fig = Figure(figsize=size, layout="constrained")
    draw_curves(fig, runs, markers, horizon, lang, cursor)
    return fig
