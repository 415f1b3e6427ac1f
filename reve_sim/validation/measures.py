"""The observables of the stylized facts, computed from observed runs (level 2)."""

from __future__ import annotations

import math

import numpy as np

from ..metrics import kaplan_meier
from ..state import EMERGENT
from .observe import Observed

QUARTER = 13


def window_mean(runs: list[Observed], metric: str, first: int) -> np.ndarray:
    """Per run, the mean of a weekly metric from week ``first`` to the end."""
    return np.array([np.nanmean(r.metric(metric)[first:]) for r in runs])


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (zeros included), as in metrics.inequality."""
    n = x.size
    total = x.sum()
    if n < 2 or total <= 0:
        return math.nan
    xs = np.sort(x)
    return 2.0 * float(np.dot(np.arange(1, n + 1), xs)) / (n * total) - (n + 1.0) / n


def gini_by_size(runs: list[Observed], min_members: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(size, Gini of members' cumulative contributions) of every living collective with at
    least ``min_members`` members at the end of each run."""
    sizes, ginis = [], []
    for r in runs:
        order = np.argsort(r.member_coll, kind="stable")
        coll, total = r.member_coll[order], r.member_total[order]
        _, first, counts = np.unique(coll, return_index=True, return_counts=True)
        for f, k in zip(first, counts, strict=True):
            if k >= min_members:
                g = gini(total[f:f + k])
                if not math.isnan(g):
                    sizes.append(k)
                    ginis.append(g)
    return np.array(sizes), np.array(ginis)


def young_deaths(runs: list[Observed]) -> tuple[int, int]:
    """(inactive within a quarter, observed) among unsupported emergent collectives born at
    least a quarter before the end of their run."""
    dead = total = 0
    for r in runs:
        sel = (r.origin == EMERGENT) & (r.supported == 0) & (r.born <= r.weeks - QUARTER)
        quiet = (r.first_inactive >= 0) & (r.first_inactive - r.born <= QUARTER)
        dead += int((quiet & sel).sum())
        total += int(sel.sum())
    return dead, total


def emergent_lifetimes(runs: list[Observed]) -> tuple[np.ndarray, np.ndarray]:
    """Lifetimes of emergent collectives (weeks) and whether they ended (else censored)."""
    life, ended = [], []
    for r in runs:
        sel = r.origin == EMERGENT
        died = r.died[sel]
        life.append(np.where(died >= 0, died - r.born[sel], r.weeks - r.born[sel]))
        ended.append(died >= 0)
    return np.concatenate(life).astype(float), np.concatenate(ended)


def restricted_mean(sf, horizon: float) -> float:
    """Area under a Kaplan–Meier curve up to ``horizon`` (restricted mean lifetime)."""
    t = np.concatenate([[0.0], sf.quantiles[sf.quantiles < horizon], [horizon]])
    s = np.concatenate([[1.0], sf.evaluate(t[1:-1]), ])
    return float(np.sum(np.diff(t) * s))


def survival_at(durations, observed, weeks) -> np.ndarray:
    sf = kaplan_meier(np.asarray(durations, float), np.asarray(observed, bool))
    return sf.evaluate(np.asarray(weeks, float))


def pooled_retention(runs: list[Observed]):
    return kaplan_meier(np.concatenate([r.tenure for r in runs]),
                        np.concatenate([r.tenure_left for r in runs]))


def welcome_effect(runs: list[Observed]) -> tuple[float, float, float, int, int]:
    """(return rate welcomed, not welcomed, difference, n welcomed, n not welcomed)."""
    a = np.concatenate([r.welcome_assigned for r in runs]).astype(bool)
    ret = np.concatenate([r.welcome_returned for r in runs]).astype(bool)
    p1 = float(ret[a].mean()) if a.any() else math.nan
    p0 = float(ret[~a].mean()) if (~a).any() else math.nan
    return p1, p0, p1 - p0, int(a.sum()), int((~a).sum())


def size_pool(runs: list[Observed]) -> np.ndarray:
    return np.concatenate([v for r in runs for v in r.sizes.values()]).astype(float)


def heavy_tail(sizes: np.ndarray) -> dict:
    """Coefficient of variation and the log-likelihoods of log-normal and exponential fits
    (both with location 0) of the sizes; the normalised log-likelihood ratio (Vuong)."""
    from scipy import stats

    x = sizes[sizes > 0]
    shape, _, scale = stats.lognorm.fit(x, floc=0)
    ll_logn = stats.lognorm.logpdf(x, shape, 0, scale)
    ll_exp = stats.expon.logpdf(x, 0, x.mean())
    d = ll_logn - ll_exp
    z = float(d.sum() / (math.sqrt(d.size) * d.std(ddof=1))) if d.std() > 0 else math.nan
    return {"n": int(x.size), "cv": float(x.std(ddof=1) / x.mean()), "median": float(
        np.median(x)), "max": float(x.max()), "lognormal_sigma": float(shape),
            "lognormal_scale": float(scale), "loglik_ratio": float(d.sum()), "vuong_z": z}


def mobility_rates(runs: list[Observed]) -> dict:
    teachers = sum(e["teachers"] for r in runs for e in r.mobility_log)
    moved = sum(e["moved"] for r in runs for e in r.mobility_log)
    left = sum(e["left"] for r in runs for e in r.mobility_log)
    return {"teachers": teachers, "moved": moved / teachers if teachers else math.nan,
            "left": left / teachers if teachers else math.nan}


# --- lockdown ----------------------------------------------------------------------------

def surge(run: Observed, metric: str, weeks: int = 2, before: int = 4) -> float:
    """Largest weekly value in the first ``weeks`` shock weeks over the mean of the
    ``before`` weeks before the shock (at least 1)."""
    s, _ = run.first_shock
    x = run.metric(metric)
    return float(x[s:s + weeks].max() / max(x[s - before:s].mean(), 1.0))


def school_mean(x: np.ndarray, holiday: np.ndarray, centre: int, half: int = 1) -> float:
    """Mean of ``x`` over the ``2·half + 1`` school weeks closest to week ``centre``
    (holidays slow every collective down by construction, so they are left out)."""
    school = np.flatnonzero(~holiday[: x.shape[0]])
    if school.size == 0:
        return math.nan
    nearest = school[np.argsort(np.abs(school - centre), kind="stable")[: 2 * half + 1]]
    return float(x[nearest].mean())


def emergency_decay(run: Observed, after: int = QUARTER) -> tuple[float, int, np.ndarray]:
    """Activity of the emergency collectives: its peak over the first shock block and the
    two weeks after, divided by its level ``after`` weeks after the peak, both as means over
    the three school weeks closest to the week. Returns (ratio, peak week, activity)."""
    rows = run.emergency()
    act = run.activity_of(rows)
    s, e = run.first_shock
    level = np.array([school_mean(act, run.holiday, w) for w in range(run.weeks)])
    window = [w for w in range(s, min(e + 2, run.weeks)) if not run.holiday[w]]
    peak = max(window, key=lambda w: level[w]) if window else s
    later = school_mean(act, run.holiday, peak + after)
    return (float(level[peak] / later) if later > 0 else math.inf), peak, act


def emergency_residue(run: Observed, weeks_after: int = 108) -> tuple[int, int]:
    """(active, founded) emergency collectives ``weeks_after`` weeks after the shock began
    (25 months ≈ 108 weeks, as in the We're Right Here count)."""
    rows = run.emergency()
    s, _ = run.first_shock
    w = min(s + weeks_after, run.weeks - 1)
    return int(run.active_at(rows, w).sum()), int(rows.size)
