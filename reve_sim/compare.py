"""``reve-sim-compare SWEEP_DIR``: compare the conditions of a sweep over their seeds.

A *condition* is one combination of the swept values other than the seed (for example
``scenario=lockdown_2020 levers.animation=0.5``). For each condition and key outcome the
command reports the mean and a 90% band over seeds (5th to 95th percentile), and the
difference from a reference condition, paired by seed: every condition ran the same seeds
and the model draws common random numbers, so the paired differences remove most of the
seed-to-seed noise. Their confidence interval is a Student t interval on the paired
differences (default 95%).

Writes, in ``SWEEP_DIR/compare/``: ``comparison.csv`` (tidy: one row per condition and
outcome), ``outcomes.png/.svg``, ``differences.png/.svg`` and ``weekly.png/.svg`` (French
labels with ``--lang fr``: ``*_fr.png``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

KEY_OUTCOMES = ("final_engaged_share", "final_active_collectives", "ecosystem_share",
                "retention_1y", "median_lifetime_emergent", "mean_gini", "shock_drop_depth",
                "shock_recovery_weeks")
"""Outcomes compared by default (those with no finite value in the sweep are left out)."""

WEEKLY_KEYS = ("engaged_actors", "active_collectives", "ecosystems", "mean_anxiety")
"""Weekly metrics drawn by condition."""


class CompareError(ValueError):
    pass


def load_runs(sweep_dir: Path) -> pd.DataFrame:
    """The sweep's runs table (collected again if older than its manifest)."""
    from .sweep import collect

    sweep_dir = Path(sweep_dir)
    manifest = sweep_dir / "sweep.json"
    if not manifest.is_file():
        raise CompareError(f"{sweep_dir} is not a sweep directory (no sweep.json); sweeps are "
                           "under results/<name>/<timestamp>/.")
    table = sweep_dir / "runs.parquet"
    if not table.is_file() or table.stat().st_mtime < manifest.stat().st_mtime:
        collect(sweep_dir)
    return pd.read_parquet(table)


def condition_label(condition: str, lang: str = "en") -> str:
    """'scenario=lockdown_2020 levers.animation=0.5' -> 'The 2020 lockdowns · animation=0.5'."""
    from . import scenarios

    parts = []
    for item in condition.split(" "):
        key, _, value = item.partition("=")
        if key == "scenario":
            try:
                spec = scenarios.load(value)
                parts.append(spec.get("title_fr" if lang == "fr" else "title_en") or value)
            except ValueError:
                parts.append(value)
        else:
            parts.append(f"{key.split('.')[-1]}={value}")
    return " · ".join(parts)


def pick_reference(conditions: list[str], reference: str | None) -> str:
    if reference is None:
        return conditions[0]
    if reference in conditions:
        return reference
    matches = [c for c in conditions if reference in c.split(" ")
               or f"scenario={reference}" in c.split(" ")]
    if len(matches) == 1:
        return matches[0]
    raise CompareError(f"--reference {reference!r} matches {len(matches)} conditions; "
                       f"give one of: {'; '.join(conditions)}.")


def summarise(runs: pd.DataFrame, metrics, reference: str | None = None, band: float = 0.90,
              level: float = 0.95) -> tuple[pd.DataFrame, str]:
    """Tidy table: one row per condition and outcome; and the reference condition."""
    from scipy import stats

    done = runs[runs["status"] == "complete"]
    if done.empty:
        raise CompareError("The sweep has no complete run yet.")
    conditions = list(dict.fromkeys(done["condition"]))
    ref = pick_reference(conditions, reference)
    lo, hi = (1 - band) / 2, 1 - (1 - band) / 2
    rows = []
    base = done[done["condition"] == ref].set_index("seed")
    for cond in conditions:
        sub = done[done["condition"] == cond].set_index("seed")
        for m in metrics:
            x = sub[m].astype(float)
            finite = x[np.isfinite(x)]
            row = {"condition": cond, "scenario": sub["scenario"].iloc[0], "outcome": m,
                   "n": int(finite.size), "mean": finite.mean() if finite.size else np.nan,
                   "band_low": finite.quantile(lo) if finite.size else np.nan,
                   "band_high": finite.quantile(hi) if finite.size else np.nan,
                   "reference": ref}
            pairs = pd.concat([x, base[m].astype(float)], axis=1, join="inner").dropna()
            d = (pairs.iloc[:, 0] - pairs.iloc[:, 1]).to_numpy()
            row["n_pairs"] = int(d.size)
            row["diff_mean"] = float(d.mean()) if d.size else np.nan
            if d.size >= 2:
                half = stats.t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
            else:
                half = np.nan
            row["diff_low"] = row["diff_mean"] - half
            row["diff_high"] = row["diff_mean"] + half
            rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs.update(band=band, level=level)
    return table, ref


def _grid(n: int, row_height: float, cols: int = 3):
    import matplotlib.pyplot as plt

    cols = min(n, cols)
    rows = -(-n // cols)
    return plt.subplots(rows, cols, figsize=(4.6 * cols, 0.6 + row_height * rows),
                        squeeze=False, layout="constrained")


def _forest(table: pd.DataFrame, ref: str, lang: str, differences: bool):
    from .labels import outcome_label, text
    from .plotting import PALETTE

    metrics = list(dict.fromkeys(table["outcome"]))
    if differences:  # outcomes the reference lacks (e.g. shock outcomes) have no difference
        metrics = [m for m in metrics
                   if np.isfinite(table[table["outcome"] == m]["diff_mean"]).any()]
    conditions = list(dict.fromkeys(table["condition"]))
    fig, axes = _grid(len(metrics), 0.9 + 0.25 * len(conditions))
    y = np.arange(len(conditions))[::-1]
    labels = [condition_label(c, lang) for c in conditions]
    for ax, m in zip(axes.flat, metrics, strict=False):
        t = table[table["outcome"] == m].set_index("condition").loc[conditions]
        if differences:
            mid, low, high = t["diff_mean"], t["diff_low"], t["diff_high"]
            ax.axvline(0, color="0.3", lw=0.8)
        else:
            mid, low, high = t["mean"], t["band_low"], t["band_high"]
        colours = [PALETTE[5] if c == ref else PALETTE[0] for c in conditions]
        ax.errorbar(mid, y, xerr=[mid - low, high - mid], fmt="none", ecolor=colours,
                    elinewidth=2, alpha=0.6)
        ax.scatter(mid, y, color=colours, zorder=3, s=22)
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_ylim(-0.6, len(conditions) - 0.4)
        ax.set_title(outcome_label(m, lang), fontsize=9)
        ax.grid(alpha=0.3, axis="x")
    for ax in list(axes.flat)[len(metrics):]:
        ax.set_visible(False)
    band = round(100 * table.attrs.get("band", 0.9))
    level = round(100 * table.attrs.get("level", 0.95))
    n = int(table["n"].max())
    if differences:
        title = text("difference", lang).format(ref=condition_label(ref, lang), level=level)
        title = title[0].upper() + title[1:] + f" (n = {n})"
    else:
        sub = text("mean_band", lang).format(band=band)
        title = f"{text('outcomes_title', lang)}: {sub} (n = {n}; {text('reference', lang)}: " \
                f"{condition_label(ref, lang)})"
    fig.suptitle(title, fontsize=10)
    return fig


def _weekly_figure(weekly: pd.DataFrame, conditions: list[str], lang: str, band: float):
    from .labels import metric_label, text
    from .plotting import PALETTE

    keys = [k for k in WEEKLY_KEYS if k in weekly.columns]
    fig, axes = _grid(len(keys), 2.8, cols=2)
    lo, hi = (1 - band) / 2, 1 - (1 - band) / 2
    for ax, key in zip(axes.flat, keys, strict=False):
        for j, cond in enumerate(conditions):
            w = weekly[weekly["condition"] == cond].groupby("week")[key]
            colour = PALETTE[j % len(PALETTE)]
            ax.plot(w.mean().index, w.mean(), color=colour, lw=1.2,
                    label=condition_label(cond, lang))
            ax.fill_between(w.mean().index, w.quantile(lo), w.quantile(hi), color=colour,
                            alpha=0.15, lw=0)
        ax.set_title(metric_label(key, lang), fontsize=9)
        ax.set_xlabel(text("week", lang))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=6, loc="best")
    fig.suptitle(f"{text('weekly_title', lang)}: "
                 f"{text('mean_band', lang).format(band=round(100 * band))}", fontsize=10)
    return fig


def compare(sweep_dir: Path, reference: str | None = None, metrics=None, lang: str = "en",
            out: Path | None = None, band: float = 0.90, level: float = 0.95) -> dict:
    """Write the comparison table and figures; returns their paths."""
    import matplotlib.pyplot as plt

    from .labels import LANGS

    if lang not in LANGS:
        raise CompareError(f"--lang {lang!r}: use one of {', '.join(LANGS)}.")
    sweep_dir = Path(sweep_dir)
    runs = load_runs(sweep_dir)
    if metrics is None:
        metrics = [m for m in KEY_OUTCOMES if m in runs.columns
                   and np.isfinite(runs[m].astype(float)).any()]
    unknown = [m for m in metrics if m not in runs.columns]
    if unknown:
        from .labels import OUTCOME_LABELS

        raise CompareError(f"Unknown outcome(s) {unknown}; outcomes: "
                           f"{', '.join(OUTCOME_LABELS)}.")
    table, ref = summarise(runs, metrics, reference, band, level)
    out = Path(out) if out else sweep_dir / "compare"
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if lang == "en" else f"_{lang}"
    paths = {"table": out / "comparison.csv"}
    table.to_csv(paths["table"], index=False)
    figures = {"outcomes": _forest(table, ref, lang, differences=False),
               "differences": _forest(table, ref, lang, differences=True)}
    weekly_path = sweep_dir / "weekly.parquet"
    weekly = pd.read_parquet(weekly_path) if weekly_path.is_file() else pd.DataFrame()
    notes = []
    if weekly.empty:
        notes.append("No weekly figure: this sweep kept only each run's outcomes "
                     "(sweep.store=outcomes). Run it again with sweep.store=runs to compare "
                     "the weekly metrics too.")
    else:
        figures["weekly"] = _weekly_figure(weekly, list(dict.fromkeys(table["condition"])),
                                           lang, band)
    for name, fig in figures.items():
        for ext in ("png", "svg"):
            path = out / f"{name}{suffix}.{ext}"
            fig.savefig(path, dpi=130)
        paths[name] = out / f"{name}{suffix}.png"
        plt.close(fig)
    manifest = json.loads((sweep_dir / "sweep.json").read_text())
    return {"paths": paths, "reference": ref, "table": table, "name": manifest.get("name"),
            "notes": notes}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="reve-sim-compare", description=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep_dir", type=Path, help="a sweep directory (results/<name>/<time>)")
    parser.add_argument("--reference", help="reference condition, or a scenario name "
                        "(default: the first condition of the sweep)")
    parser.add_argument("--metrics", help="comma-separated outcomes (default: key outcomes)")
    parser.add_argument("--lang", default="en", help="en or fr")
    parser.add_argument("--band", type=float, default=0.90, help="band over seeds (0.90)")
    parser.add_argument("--level", type=float, default=0.95,
                        help="confidence level of the paired differences (0.95)")
    parser.add_argument("--out", type=Path, help="output folder (default SWEEP_DIR/compare)")
    args = parser.parse_args(argv)
    try:
        metrics = args.metrics.split(",") if args.metrics else None
        for name, value in (("--band", args.band), ("--level", args.level)):
            if not 0 < value < 1:
                raise CompareError(f"{name} = {value} must be between 0 and 1.")
        result = compare(args.sweep_dir, args.reference, metrics, args.lang, args.out,
                         args.band, args.level)
    except (CompareError, FileNotFoundError) as err:
        print(f"reve-sim-compare: error: {err}", file=sys.stderr)
        return 2
    table = result["table"]
    shown = table[["condition", "outcome", "n", "mean", "diff_mean", "diff_low", "diff_high"]]
    with pd.option_context("display.width", 160, "display.max_rows", 60,
                           "display.float_format", "{:.3g}".format):
        print(shown.to_string(index=False))
    print(f"Reference: {result['reference']}")
    print(f"Table: {result['paths']['table']}")
    print("Figures: " + ", ".join(str(p) for k, p in result["paths"].items() if k != "table"))
    for note in result["notes"]:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
