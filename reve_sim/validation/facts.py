"""Level 2 of the validation ladder: stylized facts at the default parameters.

Every check runs the model at its defaults (the ``baseline`` ensemble: no shock, no
programme) or in the ``lockdown_2020`` scenario (default parameters plus the scenario's
shocks), over a fixed set of seeds, and compares one observable with the target of the
domain reference §3 (docs/ODD.md §1.2 gives the sources).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..metrics import kaplan_meier, median_survival
from ..parameters import PARAMETERS, validate
from ..scenarios import model_parameters
from ..state import EMERGENT
from . import measures as ms
from . import report
from .core import Check, fmt
from .observe import RETURN_WEEKS, Observed, observe

SEEDS = tuple(range(1, 13))
WEEKS = 156
THIRD_YEAR = 104  # weekly shares are averaged over weeks 104-155 (the third school year)


@dataclass
class Ensembles:
    baseline: list[Observed]
    lockdown: list[Observed]
    seconds: float

    @property
    def setting(self) -> str:
        n = self.baseline[0].params["n_actors"]
        return (f"default parameters, `n_actors` = {n:,}, {WEEKS} weeks from "
                f"{self.baseline[0].params['start_date']}, seeds {SEEDS[0]}–{SEEDS[-1]} "
                f"({len(self.baseline)} runs)")


def run_ensembles(seeds=SEEDS, weeks: int = WEEKS, **overrides) -> Ensembles:
    """The baseline runs (defaults) and the lockdown_2020 runs, observed week by week."""
    t0 = time.perf_counter()
    base = [observe(validate(overrides), s, weeks) for s in seeds]
    lock = [observe(model_parameters("lockdown_2020", **overrides), s, weeks,
                    keep_activity=True) for s in seeds]
    return Ensembles(base, lock, time.perf_counter() - t0)


def _band_check(value: float, se: float, low: float, high: float, k: float = 2.0):
    """Inside [low − k·se, high + k·se]?"""
    return bool(low - k * se <= value <= high + k * se)


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    x = np.asarray(x, float)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else 0.0


def _weekly_band_plot(runs, metric, low, high, label, ylabel):
    def plot(fig):
        ax = fig.subplots()
        weeks = np.arange(runs[0].weeks)
        for r in runs:
            ax.plot(weeks, r.metric(metric), color="0.6", lw=0.7)
        mean = np.nanmean([r.metric(metric) for r in runs], axis=0)
        ax.plot(weeks, mean, color="k", lw=1.5, label="mean of the runs")
        ax.axhspan(low, high, color="#009E73", alpha=0.2, label=label)
        ax.axvspan(THIRD_YEAR, runs[0].weeks, color="0.9", lw=0, zorder=0,
                   label="window of the estimate")
        ax.set(xlabel="week", ylabel=ylabel, ylim=(0, 1))
        ax.legend(fontsize=8)
    return plot


# --- participation inequality -------------------------------------------------------------

def ever_contributed(ens: Ensembles) -> Check:
    per_run = ms.window_mean(ens.baseline, "ever_contributed_share", THIRD_YEAR)
    est, se = _mean_se(per_run)
    return Check(
        key="ever_contributed", level=2, title="Few members ever contribute",
        claim="10–25% of members ever contribute (< 25% of 63,990 members of moderated health "
              "communities ever posted, van Mierlo 2014; the 90-9-1 rule, Nielsen 2006).",
        form="`ever_contributed_share`: share of the memberships of living collectives with a "
             "positive cumulative contribution, averaged over the third school year.",
        setting=ens.setting,
        expected="between 0.10 and 0.25",
        simulated=f"{est:.3f} (runs from {per_run.min():.3f} to {per_run.max():.3f})",
        tolerance=f"the target band widened by 2 standard errors of the mean over runs "
                  f"({2 * se:.3f})",
        passed=_band_check(est, se, 0.10, 0.25), numbers={"value": est, "se": se},
        plot=_weekly_band_plot(ens.baseline, "ever_contributed_share", 0.10, 0.25,
                               "target 10–25%", "share of memberships that ever contributed"))


def top1_share(ens: Ensembles) -> Check:
    per_run = ms.window_mean(ens.baseline, "top1_share", THIRD_YEAR)
    est, se = _mean_se(per_run)
    return Check(
        key="top1_share", level=2, title="The top 1% produce most contributions",
        claim="The top 1% of members produce 50–75% of contributions (superusers produced "
              "74.7% of content, van Mierlo 2014; 1% account for almost all activity, Nielsen "
              "2006).",
        form="`top1_share`: share of the total cumulative contribution of the memberships of "
             "living collectives held by their top 1%, averaged over the third school year.",
        setting=ens.setting,
        expected="between 0.50 and 0.75",
        simulated=f"{est:.3f} (runs from {per_run.min():.3f} to {per_run.max():.3f})",
        tolerance=f"the target band widened by 2 standard errors of the mean over runs "
                  f"({2 * se:.3f})",
        passed=_band_check(est, se, 0.50, 0.75), numbers={"value": est, "se": se},
        plot=_weekly_band_plot(ens.baseline, "top1_share", 0.50, 0.75, "target 50–75%",
                               "share of contributions by the top 1%"))


def gini_grows_with_size(ens: Ensembles) -> Check:
    from scipy import stats

    sizes, ginis = ms.gini_by_size(ens.baseline)
    res = stats.spearmanr(sizes, ginis, alternative="greater")
    rho, p = float(res.statistic), float(res.pvalue)

    def plot(fig):
        ax = fig.subplots()
        ax.scatter(sizes, ginis, s=10, color="0.4", alpha=0.6, label="collectives")
        edges = np.unique(np.quantile(sizes, np.linspace(0, 1, 6)))
        idx = np.clip(np.searchsorted(edges, sizes, side="right") - 1, 0, edges.size - 2)
        centres = [np.median(sizes[idx == k]) for k in range(edges.size - 1)]
        medians = [np.median(ginis[idx == k]) for k in range(edges.size - 1)]
        ax.plot(centres, medians, "o-", color="#D55E00", label="median by size quintile")
        ax.set(xscale="log", xlabel="members", ylabel="Gini of members' contributions",
               title=f"Spearman ρ = {rho:.2f} (one-sided p = {p:.3g})")
        ax.legend(fontsize=8)

    return Check(
        key="gini_size", level=2, title="Inequality grows with the size of collectives",
        claim="The Gini of contributions rises as communities grow (Reddit, 'Super-linear "
              "growth and rising inequality in online social communities', 2021; larger "
              "subreddits have more concentrated participation, Panek et al. 2018).",
        form="Across the living collectives with at least 5 members at the end of the runs, "
             "the rank correlation between size and the Gini of the members' cumulative "
             "contributions (zeros included, as in the sources). If k of n members contribute "
             "equally, G = 1 − k/n: the Gini grows with size exactly when the contributors "
             "grow less than in proportion to the members, which is the claim.",
        setting=ens.setting,
        expected="a positive rank correlation",
        simulated=f"Spearman ρ = {rho:.3f} over {sizes.size} collectives (one-sided p = "
                  f"{p:.3g})",
        tolerance="one-sided p < 0.05",
        passed=bool(rho > 0 and p < 0.05), numbers={"rho": rho, "p": p, "n": int(sizes.size)},
        plot=plot)


# --- most new collectives die young -----------------------------------------------------------

def die_young(ens: Ensembles) -> Check:
    dead, total = ms.young_deaths(ens.baseline)
    share = dead / total if total else math.nan
    se = math.sqrt(share * (1 - share) / total) if total else math.nan
    durations, ended = [], []
    for r in ens.baseline:
        sel = (r.origin == EMERGENT) & (r.supported == 0)
        fi = r.first_inactive[sel]
        durations.append(np.where(fi >= 0, fi - r.born[sel], r.weeks - r.born[sel]))
        ended.append(fi >= 0)
    durations = np.concatenate(durations).astype(float)
    ended = np.concatenate(ended)

    def plot(fig):
        ax = fig.subplots()
        sf = kaplan_meier(durations, ended)
        t = np.arange(0, 105)
        ax.step(t, sf.evaluate(t), where="post", color="k",
                label="still active (Kaplan–Meier, scipy ecdf)")
        ax.axvline(ms.QUARTER, color="0.5", ls=":")
        ax.axhspan(0.40, 0.50, color="#009E73", alpha=0.2,
                   label="target at 13 weeks: 50–60% inactive")
        ax.set(xlabel="weeks since founding", ylabel="share not yet dormant or dissolved",
               ylim=(0, 1), title=f"{total} unsupported emergent collectives")
        ax.legend(fontsize=8)

    return Check(
        key="die_young", level=2, title="Most new collectives die young",
        claim="About half to 60% of new unsupported collectives are inactive within a quarter "
              "(57% of 472,231 new Facebook groups had no new content within 3 months, Kraut & "
              "Fiore 2014).",
        form="Among emergent collectives whose animators are not supported, born at least 13 "
             "weeks before the end of a run, the share that went dormant or dissolved within "
             "13 weeks of founding.",
        setting=ens.setting,
        expected="between 0.50 and 0.60",
        simulated=f"{share:.3f} ({dead} of {total})",
        tolerance=f"the band widened by 2 binomial standard errors ({2 * se:.3f})",
        passed=_band_check(share, se, 0.50, 0.60), numbers={"value": share, "n": total},
        plot=plot)


def lifetimes_skewed(ens: Ensembles) -> Check:
    life, ended = ms.emergent_lifetimes(ens.baseline)
    sf = kaplan_meier(life, ended)
    median = median_survival(sf)
    horizon = float(WEEKS - 1)
    rmst = ms.restricted_mean(sf, horizon)

    def plot(fig):
        ax1, ax2 = fig.subplots(1, 2)
        t = np.arange(0, WEEKS)
        ax1.step(t, sf.evaluate(t), where="post", color="k")
        ax1.axvline(median, color="#D55E00", ls="--", label=f"median {median:.0f} weeks")
        ax1.axvline(rmst, color="#0072B2", ls=":",
                    label=f"restricted mean {rmst:.1f} weeks")
        ax1.set(xlabel="weeks", ylabel="share still living (Kaplan–Meier)",
                title="lifetimes of emergent collectives", ylim=(0, 1))
        ax1.legend(fontsize=8)
        ax2.hist(life[ended], bins=np.arange(0, WEEKS + 4, 4), color="0.6")
        ax2.set(xlabel="weeks", ylabel="collectives", title="completed lifetimes")

    return Check(
        key="lifetimes", level=2, title="Lifetimes are right-skewed",
        claim="Lifetimes of new groups are right-skewed or bimodal (most die young, a few live "
              "long; WeChat groups, Qiu et al. 2016; Kraut & Fiore 2014).",
        form="Kaplan–Meier estimate (scipy's censored ECDF) of the lifetimes of emergent "
             "collectives, censored at the end of the runs: the restricted mean lifetime over "
             f"the {WEEKS - 1} weeks of a run exceeds the median (mean > median: right skew).",
        setting=ens.setting,
        expected="restricted mean > median",
        simulated=f"median {fmt(median, 0)} weeks, restricted mean {rmst:.1f} weeks "
                  f"({life.size} collectives, {int(ended.sum())} dissolved)",
        tolerance="strict inequality (the restricted mean under-estimates the mean, so the "
                  "test is conservative)",
        passed=bool(rmst > median), numbers={"median": median, "rmst": rmst},
        plot=plot)


def sizes_heavy_tailed(ens: Ensembles) -> Check:
    from scipy import stats

    sizes = ms.size_pool(ens.baseline)
    ht = ms.heavy_tail(sizes)

    def plot(fig):
        ax = fig.subplots()
        x = np.sort(sizes)
        ccdf = 1.0 - np.arange(x.size) / x.size
        ax.loglog(x, ccdf, "k.", ms=3, label="sizes of active collectives")
        grid = np.geomspace(max(1, x.min()), x.max(), 100)
        ax.loglog(grid, stats.lognorm.sf(grid, ht["lognormal_sigma"], 0,
                                         ht["lognormal_scale"]), color="#0072B2",
                  label=f"log-normal fit (σ = {ht['lognormal_sigma']:.2f})")
        ax.loglog(grid, stats.expon.sf(grid, 0, x.mean()), color="#D55E00", ls="--",
                  label="exponential fit")
        ax.set(xlabel="members", ylabel="P(size ≥ x)", ylim=(0.5 / x.size, 1.5))
        ax.legend(fontsize=8)

    return Check(
        key="sizes", level=2, title="Sizes are heavy-tailed",
        claim="Community sizes are extremely unequal and heavy-tailed, often log-normal rather "
              "than power laws (Foote et al. 2020; Broido & Clauset 2018).",
        form="Sizes of the active collectives at weeks 52, 104 and 155 of every run: the "
             "coefficient of variation (1 for an exponential law) and the normalised "
             "log-likelihood ratio (Vuong z) of a log-normal against an exponential fit.",
        setting=ens.setting,
        expected="coefficient of variation > 1 and the log-normal preferred (z > 1.96)",
        simulated=f"{ht['n']} sizes, median {ht['median']:.0f}, largest {ht['max']:.0f}, "
                  f"CV = {ht['cv']:.2f}, Vuong z = {ht['vuong_z']:.1f}",
        tolerance="the thresholds themselves (z > 1.96: 5% two-sided)",
        passed=bool(ht["cv"] > 1 and ht["vuong_z"] > 1.96), numbers=ht, plot=plot)


# --- newcomer retention and the welcome -------------------------------------------------------

def retention_shape(ens: Ensembles) -> Check:
    sf = ms.pooled_retention(ens.baseline)
    s13, s52, s104 = (float(v) for v in sf.evaluate([13, 52, 104]))
    early = -math.log(s13) / 13
    late = -math.log(s104 / s52) / 52
    ratio = early / late

    def plot(fig):
        ax = fig.subplots()
        t = np.arange(0, WEEKS)
        ax.step(t, sf.evaluate(t), where="post", color="k",
                label="memberships still held (Kaplan–Meier)")
        ax.axvspan(0, 13, color="#D55E00", alpha=0.15,
                   label=f"first quarter: {early:.3f} a week")
        ax.axvspan(52, 104, color="#0072B2", alpha=0.15,
                   label=f"second year: {late:.3f} a week")
        ax.set(xlabel="weeks since joining", ylabel="share still a member", ylim=(0, 1),
               title=f"leaving hazard ratio {ratio:.1f}")
        ax.legend(fontsize=8)

    return Check(
        key="retention", level=2, title="Newcomer retention falls steeply, then flattens",
        claim="Retention curves drop steeply then flatten; most newcomers leave early (> 2/3 of "
              "new Wikipedia accounts gone after 6 months; Halfaker et al. 2013).",
        form="Kaplan–Meier survival (scipy's censored ECDF) of the memberships begun during "
             "the runs (leaving by choice is the event; mobility, dissolution and the end of "
             "the run censor): the mean weekly leaving hazard in the first quarter, −ln S(13)/"
             "13, against the one in the second year, −ln(S(104)/S(52))/52.",
        setting=ens.setting,
        expected="first-quarter hazard at least twice the second-year hazard",
        simulated=f"S(13) = {s13:.3f}, S(52) = {s52:.3f}, S(104) = {s104:.3f}; hazards "
                  f"{early:.4f} and {late:.4f} a week, ratio {ratio:.2f}",
        tolerance="ratio ≥ 2",
        passed=bool(ratio >= 2), numbers={"ratio": ratio, "s13": s13, "s52": s52,
                                          "s104": s104}, plot=plot)


def welcome_effect(ens: Ensembles) -> Check:
    p1, p0, diff, n1, n0 = ms.welcome_effect(ens.baseline)
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)

    def plot(fig):
        ax = fig.subplots()
        ax.bar([0, 1], [p0, p1], yerr=[2 * math.sqrt(p0 * (1 - p0) / n0),
                                       2 * math.sqrt(p1 * (1 - p1) / n1)],
               color=["0.6", "#0072B2"], capsize=4)
        ax.plot([0, 1], [0.44, 0.56], "o--", color="#D55E00",
                label="Joyce & Kraut 2006: 44% → 56%")
        ax.set_xticks([0, 1], ["not welcomed", "welcomed"])
        ax.set(ylabel=f"still a member {RETURN_WEEKS} weeks after joining", ylim=(0, 1),
               title=f"difference {diff:+.3f} (target +0.10 to +0.12)")
        ax.legend(fontsize=8)

    return Check(
        key="welcome", level=2, title="An animator's welcome brings newcomers back",
        claim="One early reply adds about 10–12 points of return (newcomers replied to posted "
              "again with probability 56% vs 44%, Joyce & Kraut 2006).",
        form="A randomised comparison inside the runs: newcomers of collectives with an "
             "animator, whose first week is a school week, are welcomed or not by the model's "
             "own keyed draw; 'return' is still holding the membership "
             f"{RETURN_WEEKS} weeks after joining. The difference of the return rates is the "
             "effect of the welcome.",
        setting=ens.setting,
        expected="+0.10 to +0.12",
        simulated=f"{p1:.3f} welcomed (n = {n1}) vs {p0:.3f} not welcomed (n = {n0}): "
                  f"{diff:+.3f}",
        tolerance=f"the band widened by 2 standard errors of the difference ({2 * se:.3f})",
        passed=_band_check(diff, se, 0.10, 0.12), numbers={"value": diff, "se": se,
                                                          "welcomed": p1, "not": p0},
        plot=plot)


# --- the lockdown -----------------------------------------------------------------------------

LOCKDOWN_SETTING = ("the `lockdown_2020` scenario (default parameters; school closure from "
                    "16 March to 11 May 2020, then partial reopening and a second lockdown "
                    "with schools open)")


def _shock_axes(ax, run):
    s, e = run.first_shock
    ax.axvspan(s - 0.5, e - 0.5, color="#D55E00", alpha=0.12, lw=0, label="school closure")


def lockdown_surge(ens: Ensembles) -> Check:
    joins = np.array([ms.surge(r, "joins") for r in ens.lockdown])
    births = np.array([ms.surge(r, "births") for r in ens.lockdown])
    activity = np.array([ms.surge(r, "activity_hours") for r in ens.lockdown])
    j, b = float(joins.mean()), float(births.mean())
    s, _ = ens.lockdown[0].first_shock

    def plot(fig):
        ax1, ax2 = fig.subplots(1, 2)
        weeks = np.arange(s - 8, s + 16)
        for ax, metric, title in ((ax1, "joins", "joins a week"),
                                  (ax2, "births", "new collectives a week")):
            mean = np.mean([r.metric(metric)[weeks] for r in ens.lockdown], axis=0)
            _shock_axes(ax, ens.lockdown[0])
            ax.bar(weeks, mean, color="0.5")
            ax.axvspan(s - 0.5, s + 1.5, color="#009E73", alpha=0.2,
                       label="first two weeks")
            ax.set(xlabel="week", title=f"{title} (mean of the runs)")
            ax.legend(fontsize=7)

    return Check(
        key="lockdown_surge", level=2, title="A lockdown brings a surge within 1–2 weeks",
        claim="A fast surge of joining and of new groups within 1–2 weeks of a shock (> 4,000 "
              "UK mutual-aid groups in spring 2020, Drury & Ntontis; solidarity emerges in "
              "crises, Macy 1991).",
        form="Per run, the largest weekly number of joins (and of new collectives) in the first "
             "two weeks of the school closure divided by the mean of the four weeks before "
             "(at least 1); mean over the runs. The total weekly activity is reported, not "
             "tested (the closure's first week is also an end-of-term workload peak).",
        setting=f"{LOCKDOWN_SETTING}; n_actors and seeds as in the baseline",
        expected="joins and new collectives at least double",
        simulated=f"joins × {j:.2f}, new collectives × {b:.2f} (activity × "
                  f"{activity.mean():.2f})",
        tolerance="ratio ≥ 2 for both",
        passed=bool(j >= 2 and b >= 2), numbers={"joins": j, "births": b,
                                                 "activity": float(activity.mean())},
        plot=plot)


def lockdown_decay(ens: Ensembles) -> Check:
    res = [ms.emergency_decay(r) for r in ens.lockdown]
    ratios = np.array([x[0] for x in res])
    total = np.sum([x[2] for x in res], axis=0)
    run0 = ens.lockdown[0]
    peak_total = max((w for w in range(run0.first_shock[0], run0.first_shock[1] + 2)
                      if not run0.holiday[w]), key=lambda w: ms.school_mean(
        total, run0.holiday, w))
    pooled = ms.school_mean(total, run0.holiday, peak_total) / ms.school_mean(
        total, run0.holiday, peak_total + ms.QUARTER)
    joins_decay = float(np.mean([ms.surge(r, "joins") * max(r.metric("joins")[
        r.first_shock[0] - 4:r.first_shock[0]].mean(), 1.0) / max(ms.school_mean(
            r.metric("joins"), r.holiday, r.first_shock[0] + ms.QUARTER), 1.0)
        for r in ens.lockdown]))
    log_r = np.log(ratios[np.isfinite(ratios) & (ratios > 0)])
    est = float(np.exp(log_r.mean()))
    se_log = float(log_r.std(ddof=1) / math.sqrt(log_r.size)) if log_r.size > 1 else 0.0
    lo, hi = est * math.exp(-2 * se_log), est * math.exp(2 * se_log)
    passed = hi >= 3 and lo <= 4

    def plot(fig):
        ax = fig.subplots()
        weeks = np.arange(run0.weeks)
        _shock_axes(ax, run0)
        ax.plot(weeks, total / len(res), color="k", label="emergency collectives' activity "
                "(h/week, mean of the runs)")
        ax.axvline(peak_total, color="#0072B2", ls="--", label="peak")
        ax.axvline(peak_total + ms.QUARTER, color="#0072B2", ls=":",
                   label="13 weeks later")
        ax.set(xlabel="week", ylabel="hours contributed a week", xlim=(20, 110),
               title=f"decay × {est:.2f} (target × 3–4)")
        ax.legend(fontsize=8)

    return Check(
        key="lockdown_decay", level=2, title="Emergency activity decays 3–4× within 3 months",
        claim="Activity decays about 3–4× within about three months of the peak (Facebook "
              "activity of UK mutual-aid groups fell 75% by June 2020 from the March peak, "
              "Drury & Ntontis).",
        form="Weekly hours contributed in the emergency collectives (emergent collectives "
             "founded during the school closure): the peak over the closure and the two weeks "
             "after, over the level 13 weeks later, each the mean of the 3 school weeks "
             "closest to the week (holidays slow every collective down by construction); "
             "geometric mean over the runs.",
        setting=f"{LOCKDOWN_SETTING}; n_actors and seeds as in the baseline",
        expected="a ratio of 3 to 4",
        simulated=f"× {est:.2f} (runs from {ratios.min():.2f} to {ratios.max():.2f}; pooled "
                  f"activity × {pooled:.2f}); the joining surge itself falls × "
                  f"{joins_decay:.2f} within the quarter",
        tolerance=f"the 2-standard-error interval of the geometric mean ({lo:.2f}–{hi:.2f}) "
                  "must overlap 3–4",
        passed=bool(passed), numbers={"value": est, "low": lo, "high": hi,
                                      "joins_decay": joins_decay}, plot=plot)


def lockdown_residue(ens: Ensembles, weeks_after: int = 108) -> Check:
    counts = [ms.emergency_residue(r, weeks_after) for r in ens.lockdown]
    active = sum(a for a, _ in counts)
    total = sum(b for _, b in counts)
    share = active / total if total else math.nan
    se = math.sqrt(share * (1 - share) / total) if total else math.nan

    def plot(fig):
        ax = fig.subplots()
        s, _ = ens.lockdown[0].first_shock
        weeks = np.arange(s, ens.lockdown[0].weeks)
        curve = []
        for w in weeks:
            a = sum(int(r.active_at(r.emergency(), w).sum()) for r in ens.lockdown)
            curve.append(a / total if total else math.nan)
        ax.plot(weeks - s, curve, color="k", label="emergency collectives active")
        ax.axhspan(0.31, 0.51, color="#009E73", alpha=0.2, label="target 41% ± 10 points")
        ax.axvline(weeks_after, color="0.5", ls=":", label="25 months")
        ax.set(xlabel="weeks since the closure began", ylabel="share active", ylim=(0, 1))
        ax.legend(fontsize=8)

    return Check(
        key="lockdown_residue", level=2,
        title="About 40% of emergency collectives are active two years later",
        claim="Of 1,000 UK groups launched in March 2020, 41% were still active 25 months later "
              "(We're Right Here).",
        form=f"Share of the emergency collectives (emergent, founded during the school "
             f"closure) that are active (neither dormant nor dissolved) {weeks_after} weeks "
             "(25 months) after the closure began, pooled over the runs.",
        setting=f"{LOCKDOWN_SETTING}; n_actors and seeds as in the baseline",
        expected="0.41 ± 0.10",
        simulated=f"{share:.3f} ({active} of {total})",
        tolerance=f"the band 0.31–0.51 widened by 2 binomial standard errors ({2 * se:.3f})",
        passed=_band_check(share, se, 0.31, 0.51), numbers={"value": share, "n": total},
        plot=plot)


def efficacy_buffer(ens: Ensembles) -> Check:
    gaps = np.array([r.summary["shock_efficacy_gap"] for r in ens.lockdown])

    def plot(fig):
        ax = fig.subplots()
        run0 = ens.lockdown[0]
        weeks = np.arange(run0.weeks)
        _shock_axes(ax, run0)
        for metric, colour, label in (("efficacy_networked", "#0072B2", "in a collective"),
                                      ("efficacy_isolated", "#D55E00", "isolated")):
            mean = np.nanmean([r.metric(metric) for r in ens.lockdown], axis=0)
            ax.plot(weeks, mean, color=colour, label=label)
        ax.set(xlabel="week", ylabel="mean efficacy", xlim=(10, 80),
               title=f"gap widens by {gaps.mean():+.4f} during the closure")
        ax.legend(fontsize=8)

    return Check(
        key="efficacy", level=2, title="Networked actors lose less efficacy in the shock",
        claim="Actors in collectives lose less efficacy during the shock than isolated actors "
              "(the observation the REVE programme starts from; 66% of French teachers wanted "
              "support in March 2020, Synlab).",
        form="`shock_efficacy_gap`: the mean efficacy gap (networked − isolated) during the "
             "school closure minus the gap in the 8 weeks before it, per run.",
        setting=f"{LOCKDOWN_SETTING}; n_actors and seeds as in the baseline",
        expected="positive in every run",
        simulated=f"mean {gaps.mean():+.4f}, smallest {gaps.min():+.4f}",
        tolerance="> 0 in every run",
        passed=bool((gaps > 0).all()), numbers={"mean": float(gaps.mean()),
                                                "min": float(gaps.min())}, plot=plot)


def mobility(ens: Ensembles) -> Check:
    rates = ms.mobility_rates(ens.baseline)
    move, leave = (PARAMETERS["school_move_rate"].default,
                   PARAMETERS["teacher_exit_rate"].default)
    n = rates["teachers"]
    exp_moved = (1 - leave) * move
    se_m = math.sqrt(exp_moved * (1 - exp_moved) / n)
    se_l = math.sqrt(leave * (1 - leave) / n)
    ok = abs(rates["moved"] - exp_moved) <= 3 * se_m and abs(rates["left"] - leave) <= 3 * se_l

    def plot(fig):
        ax = fig.subplots()
        per = [(e["moved"] / e["teachers"], e["left"] / e["teachers"])
               for r in ens.baseline for e in r.mobility_log]
        moved, left = np.array(per).T
        ax.scatter(np.zeros(moved.size) + np.linspace(-0.1, 0.1, moved.size), moved,
                   color="0.4", s=12, label="one rentrée of one run")
        ax.scatter(np.ones(left.size) + np.linspace(-0.1, 0.1, left.size), left, color="0.4",
                   s=12)
        for x, value, se in ((0, exp_moved, se_m), (1, leave, se_l)):
            ax.errorbar(x, value, yerr=3 * se * math.sqrt(len(per)), color="#0072B2",
                        fmt="_", ms=30, capsize=6)
        ax.set_xticks([0, 1], ["changed school", "left teaching"])
        ax.set(ylabel="share of teachers at the rentrée",
               title="configured rates ± 3 SE of one rentrée")
        ax.legend(fontsize=8)

    return Check(
        key="mobility", level=2, title="Teacher mobility matches the configured rates",
        claim="≈ 11% of teachers change school at the rentrée (DEPP 2015) and 3.9% leave "
              "teaching (DEPP 2020); the model's inputs `school_move_rate`, "
              "`teacher_exit_rate`.",
        form="Pooled over the rentrées of the runs: movers / teachers against "
             "(1 − teacher_exit_rate) · school_move_rate (leavers cannot also move), leavers / "
             "teachers against teacher_exit_rate.",
        setting=ens.setting,
        expected=f"moved {exp_moved:.4f}, left {leave:.4f}",
        simulated=f"moved {rates['moved']:.4f}, left {rates['left']:.4f} ({n:,} teacher-"
                  "rentrées)",
        tolerance=f"3 binomial standard errors ({3 * se_m:.4f} and {3 * se_l:.4f})",
        passed=bool(ok), numbers=rates, plot=plot)


# --- facts the calibrated defaults do not reproduce ----------------------------------------

UNMET_FACTS: dict[str, Callable[[Check], bool]] = {
    # the joining surge subsides within the quarter, but the emergency collectives' own
    # activity does not fall
    "lockdown_decay": lambda c: c.numbers["joins_decay"] >= 1.2 and c.numbers["value"] < 1.5,
    # some emergency collectives last two years, fewer than observed
    "lockdown_residue": lambda c: 0.05 <= c.numbers["value"] < 0.31,
}
"""Name of each fact check that fails at the defaults -> the weaker property the model does
reproduce (tested in tests/test_validation.py)."""

report.KNOWN_UNMET.update({
    "lockdown_decay": (
        "The joining surge does subside within the quarter, but the activity of the emergency "
        "collectives does not decay: it comes mostly from their animators (the founders, who "
        "post far more often than other members and whose own posts feed the knowledge "
        "benefit they draw), and the end of the closure lowers only the support benefit, "
        "through need. The model has no fatigue, no competing demands on time once life "
        "'returns to normal' (the scenario's time term is back at 1 after the closure) and no "
        "loss of purpose, the reasons UK volunteers gave for leaving (Drury & Ntontis). In a "
        "random search over 24 behavioural parameters (about 110 parameter sets around the "
        "calibrated values) the ratio never exceeded 1.5."),
    "lockdown_residue": (
        "Emergency collectives are founded by small teams (a founder enrols at most "
        "`cofounders` ties who share the need; colleagues are out of reach while in-person "
        "channels are closed) and rarely grow afterwards, since discovery favours large "
        "collectives; when need recedes and one member leaves, most fall below `min_members` "
        "and dissolve. Longer survival would need mechanisms the model lacks — emergency "
        "groups growing through online visibility, merging into pre-existing structures or "
        "changing purpose, as the UK groups did — or values that break the die-young fact, "
        "which the same founding process must satisfy (the same search never exceeded 0.26)."),
})

report.CALIBRATED.update({
    "contribution_rate": (0.05, "10–25% ever contribute; top 1% produce 50–75%"),
    "voice_spread": (2.0, "top 1% produce 50–75%"),
    "animator_activity": (4.0, "top 1% share; new collectives die young (animators keep "
                               "collectives active)"),
    "activity_scale": (3.0, "rescaled with contribution_rate (knowledge benefit keeps its "
                            "range)"),
    "dormant_activity": (0.1, "rescaled with contribution_rate; 50–60% inactive within a "
                              "quarter"),
    "dormant_weeks": (8, "50–60% of new collectives inactive within a quarter"),
    "found_need": (0.5, "50–60% of new collectives inactive within a quarter"),
    "cofounders": (3, "50–60% of new collectives inactive within a quarter (larger founding "
                      "teams)"),
    "weight_support": (0.6, "50–60% of new collectives inactive within a quarter"),
    "support_scale": (3.0, "rescaled with contribution_rate; die-young share"),
    "leave_base": (0.004, "retention flattens"),
    "leave_max": (0.06, "retention falls steeply; +10–12 points from a welcome"),
    "leave_slope": (10.0, "retention falls steeply, then flattens"),
    "welcome_bonus": (0.5, "+10–12 points of return (value confirmed, not changed)"),
    "need_relaxation": (0.15, "surge of joining and founding within 1–2 weeks of a "
                              "lockdown"),
})

FACTS = (ever_contributed, top1_share, gini_grows_with_size, die_young, lifetimes_skewed,
         sizes_heavy_tailed, retention_shape, welcome_effect, lockdown_surge, lockdown_decay,
         lockdown_residue, efficacy_buffer, mobility)


def level2(ens: Ensembles | None = None) -> list[Check]:
    ens = ens or run_ensembles()
    checks = []
    for fact in FACTS:
        t0 = time.perf_counter()
        check = fact(ens)
        check.seconds = time.perf_counter() - t0
        checks.append(check)
    return checks
