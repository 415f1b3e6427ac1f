"""Level 1 of the validation ladder: analytic limits (domain reference §4).

Each check sets ``ReveModel`` to a degenerate setting through ordinary schema parameters
(no toy model): a homogeneous population without school staff, one membership per actor,
every candidate accepted, constant leaving hazards, and mobility, contingencies, founding,
dormancy and the minimal-size rule switched off (``DEGENERATE``). The model then reduces to
a textbook process whose closed form is known, and the simulated values are compared with it.

One step is one week and the weekly update is synchronous (members leave, then the others
join, seeing the members left after departures). Where that makes the continuous-time
formula inexact, the check compares with the exact discrete-time form of the same process
and shows the continuous formula beside it (domain §4.1, §4.2, §4.3).
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..model import ReveModel
from .core import Check, fmt, lna_stationary, se_of_time_mean, series

DEGENERATE: dict = {
    # homogeneous actors outside schools: no colleagues, no rentrée mobility
    "category_shares": {"association": 1.0},
    "n_territories": 1,
    "max_memberships": 1,
    "need_spread": 0.0,
    "need_baseline": 0.5,  # search probability join_rate · (0.5 + need) = join_rate
    "propensity_spread": 0.0,
    "time_budget_spread": 0.0,
    "time_budget": 10.0,
    "hours_per_membership": 1.0,
    # every candidate is accepted
    "threshold_mean": -2.0,
    "threshold_spread": 0.0,
    "weight_cost": 0.0,
    # nothing else happens
    "found_rate": 0.0,
    "illness_rate": 0.0,
    "school_move_rate": 0.0,
    "teacher_exit_rate": 0.0,
    "dormant_activity": 0.0,  # no week is inactive: no dormancy
    "min_members": 1,  # only empty collectives dissolve
    "peak_time": 1.0,
    "holiday_time": 1.0,
    "leave_time_pressure": 0.0,
    "brokerage": 0.0,
    "discoverability": 0.0,
    # one open thematic collective of 2 members, no ties
    "preexisting_count": 1,
    "preexisting_size": 2.0,
    "preexisting_size_spread": 0.0,
    "share_open": 1.0,
    "share_thematic": 1.0,
    "ties_peer": 0,
    "ties_long_range": 0,
}
"""The degenerate setting shared by the analytic checks (each adds its own rates)."""

SETTING_TEXT = (
    "Every analytic check starts from the degenerate setting `DEGENERATE` "
    "(reve_sim/validation/analytic.py): one category (`association`, no school staff, "
    "so no colleagues and no mobility), `n_territories`=1, `max_memberships`=1, "
    "`need_spread`=0 with `need_baseline`=0.5 (an actor searches with probability "
    "`join_rate`), `propensity_spread`=`time_budget_spread`=0, `threshold_mean`=-2, "
    "`threshold_spread`=0, `weight_cost`=0 (every candidate is accepted), `found_rate`=0, "
    "`illness_rate`=0, `dormant_activity`=0 (no dormancy), `min_members`=1 (only empty "
    "collectives dissolve), `leave_time_pressure`=0, `peak_time`=`holiday_time`=1, "
    "`brokerage`=0, `discoverability`=0, `preexisting_size_spread`=0, `share_open`="
    "`share_thematic`=1, `ties_peer`=`ties_long_range`=0, `preexisting_count`=1 and "
    "`preexisting_size`=2 unless stated; each check then sets its own rates.")


def _members(model) -> int:
    return int((model.slots.coll >= 0).sum())


def _leave(h: float) -> dict:
    """Constant leaving hazard h per week (the logistic in satisfaction collapses)."""
    return {"leave_base": h, "leave_max": h}


# --- Bass diffusion ------------------------------------------------------------------------

def bass(n_actors: int = 20_000, seeds=(1, 2, 3, 4), weeks: int = 40, p: float = 0.03,
         q: float = 0.38) -> Check:
    """Bass diffusion into one open collective: discovery gives the external joining p, a
    uniformly drawn contact who is a member gives the imitation q·F."""
    t0 = time.perf_counter()
    s, d = p + q, p / (p + q)
    n = n_actors
    params = {**DEGENERATE, **_leave(0.0), "mixing": "uniform", "join_rate": s,
              "discoverability": d}
    runs = []
    for seed in seeds:
        m = ReveModel(seed=seed, n_actors=n, **params)
        f0 = _members(m) / n
        m.run(weeks)
        runs.append(np.concatenate([[f0], series(m, "memberships") / n]))
    sim = np.array(runs)
    mean = sim.mean(axis=0)
    # A non-member joins with probability s·[d + (1 − d)·A/(N − 1)] (A members): exactly the
    # discrete Bass map F' = F + (1 − F)(p + q·F·N/(N − 1)). Its linear-noise variance:
    f = np.empty(weeks + 1)
    var = np.zeros(weeks + 1)
    f[0] = mean[0]
    for t in range(weeks):
        x = f[t]
        pi = s * (d + (1 - d) * x * n / (n - 1))
        jac = 1.0 - pi + (1.0 - x) * s * (1 - d) * n / (n - 1)
        f[t + 1] = x + (1.0 - x) * pi
        var[t + 1] = jac * jac * var[t] + (1.0 - x) * pi * (1.0 - pi) / n
    tol = 4.0 * np.sqrt(var / len(seeds)) + 1.0 / n
    err = np.abs(mean - f)
    tt = np.arange(weeks + 1)
    e = np.exp(-(p + q) * tt)
    cont = (1 - e) / (1 + (q / p) * e)
    cont_err = float(np.abs(mean - cont).max())
    passed = bool((err <= tol).all())
    t_peak_map = int(np.argmax(np.diff(f)))
    numbers = {"max_error_discrete": float(err.max()), "max_tolerance": float(tol.max()),
               "max_error_continuous": cont_err, "n_actors": n, "runs": len(seeds)}

    def plot(fig):
        ax1, ax2 = fig.subplots(1, 2)
        for r in sim:
            ax1.plot(tt, r, color="0.7", lw=0.8)
        ax1.fill_between(tt, f - tol, f + tol, color="#0072B2", alpha=0.25,
                         label="discrete Bass map ± tolerance")
        ax1.plot(tt, f, color="#0072B2", lw=1.5)
        ax1.plot(tt, cont, color="#D55E00", ls="--", label="continuous F(t)")
        ax1.plot(tt, mean, "k.", ms=4, label=f"simulated, mean of {len(seeds)} runs")
        ax1.set(xlabel="week", ylabel="share of actors who joined F(t)",
                title=f"Bass diffusion, N = {n:,}, p = {p}, q = {q}")
        ax1.legend(fontsize=8)
        ax2.fill_between(tt, -tol, tol, color="#0072B2", alpha=0.25, label="tolerance")
        ax2.plot(tt, mean - f, "k.-", ms=3, label="simulated − discrete map")
        ax2.plot(tt, mean - cont, color="#D55E00", ls="--", label="simulated − continuous")
        ax2.axhline(0, color="0.5", lw=0.5)
        ax2.set(xlabel="week", ylabel="difference", title="error")
        ax2.legend(fontsize=8)

    return Check(
        key="bass", level=1, title="Bass diffusion into one open collective",
        claim="dF/dt = (p + qF)(1 − F), F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)e^{−(p+q)t}) "
              "(domain §4.1; p = 0.03, q = 0.38 as in Sultan, Farley & Lehmann 1990).",
        form="Discrete Bass map F_{t+1} = F_t + (1 − F_t)(p + q·F_t·N/(N−1)), which is exact "
             "for the weekly synchronous update (a non-member joins with probability "
             "p + q·A/(N−1)); the continuous F(t) is shown beside it: with one-week steps it is "
             f"off by {fmt(cont_err)} (domain §4.1: 0.08).",
        setting=f"`DEGENERATE` with `mixing`=uniform (the tie channel shows an actor drawn "
                f"uniformly from the whole population), `join_rate` = p + q = {s:g}, "
                f"`discoverability` = p/(p + q) = {d:.4f}, `leave_base`=`leave_max`=0 (no "
                f"exits); N = {n:,}, {len(seeds)} runs (seeds {list(seeds)}), {weeks} weeks.",
        expected=f"F(t) of the discrete map from F(0) = {mean[0]:.5f}; steepest growth in "
                 f"week {t_peak_map}.",
        simulated=f"mean of {len(seeds)} runs; max |simulated − map| = {fmt(err.max(), 4)} "
                  f"(max |simulated − continuous| = {fmt(cont_err)}).",
        tolerance="at every week, 4 standard deviations of the mean of the runs, from the "
                  "linear-noise approximation of the map (σ_t² = J_t²σ_{t−1}² + "
                  "(1−F)π(1−π)/N), + 1/N: it shrinks as 1/√(N·runs) "
                  f"(largest here {fmt(tol.max(), 4)}).",
        passed=passed, numbers=numbers, plot=plot, seconds=time.perf_counter() - t0)


# --- SIS, mean field -----------------------------------------------------------------------

def _sis_map(s: float, h: float, n: int):
    """One week of fully mixed SIS: members leave (h), then non-members join when the
    contact they draw among the N − 1 others is a member."""
    c = n / (n - 1)

    def f(i):
        j = i * (1 - h)
        return j + (1 - j) * s * j * c

    def noise(i):
        j = i * (1 - h)
        pi = s * j * c
        spread = 1 + s * c * (1 - 2 * j)  # how a departure's noise propagates to joining
        return (spread ** 2 * i * h * (1 - h) + (1 - j) * pi * (1 - pi)) / n

    return f, noise


def sis_mean_field(n_actors: int = 20_000, seeds=(1, 2), weeks: int = 300, burn: int = 100,
                   s: float = 0.3, h: float = 0.1) -> Check:
    t0 = time.perf_counter()
    n = n_actors
    params = {**DEGENERATE, **_leave(h), "mixing": "uniform", "join_rate": s,
              "preexisting_count": 50, "preexisting_size": round(0.1 * n / 50)}
    runs = []
    for seed in seeds:
        m = ReveModel(seed=seed, n_actors=n, **params)
        m.run(weeks)
        runs.append(series(m, "memberships") / n)
    sim = np.array(runs)
    means = sim[:, burn:].mean(axis=1)
    mean = float(means.mean())
    f, noise = _sis_map(s, h, n)
    fixed, var, rho = lna_stationary(f, noise, 0.5)
    se = se_of_time_mean(var, rho, weeks - burn) / math.sqrt(len(seeds))
    tol = 4 * se
    cont = 1 - h / s
    passed = abs(mean - fixed) <= tol
    numbers = {"simulated": mean, "discrete": fixed, "continuous": cont, "tolerance": tol,
               "n_actors": n}

    def plot(fig):
        ax = fig.subplots()
        tt = np.arange(1, weeks + 1)
        for r in sim:
            ax.plot(tt, r, color="0.6", lw=0.8)
        ax.axvspan(burn, weeks, color="0.9", lw=0, label="averaging window")
        sd = math.sqrt(var)
        ax.fill_between([1, weeks], fixed - 2 * sd, fixed + 2 * sd, color="#0072B2",
                        alpha=0.2, label="discrete fixed point ± 2 sd of weekly values")
        ax.axhline(fixed, color="#0072B2", label=f"discrete fixed point {fixed:.4f}")
        ax.axhline(cont, color="#D55E00", ls="--",
                   label=f"continuous 1 − δ/(β⟨k⟩) = {cont:.4f}")
        ax.axhline(mean, color="k", ls=":", label=f"simulated time mean {mean:.4f}")
        ax.set(xlabel="week", ylabel="share of actors who are members",
               title=f"SIS, full mixing, N = {n:,}, s = {s}, h = {h}")
        ax.legend(fontsize=8)

    return Check(
        key="sis_mean_field", level=1, title="SIS steady state under full mixing",
        claim="i* = 1 − δ/(β⟨k⟩) when β⟨k⟩/δ > 1 (homogeneous mean field, domain §4.2).",
        form="Discrete-time fixed point of the weekly update i' = i(1−h), "
             "i'' = i' + (1 − i')·s·i'·N/(N−1), i.e. i* = [1 − h/(s(1 − h))]/(1 − h) for large "
             "N, with β⟨k⟩ = s (one contact a week) and δ = h; the synchronous one-week step "
             f"moves the fixed point by {fmt(fixed - cont)} from the continuous value "
             "(domain §4.2: O(Δt)).",
        setting=f"`DEGENERATE` with `mixing`=uniform, `join_rate` = s = {s}, "
                f"`leave_base`=`leave_max` = h = {h}, `discoverability`=0 (joining only "
                f"through contacts), seeded with `preexisting_count`=50 collectives of "
                f"{params['preexisting_size']} members (membership of any collective is the "
                f"'infected' state); N = {n:,}, {len(seeds)} runs, {weeks} weeks, mean over "
                f"weeks {burn}–{weeks}.",
        expected=f"discrete-time i* = {fixed:.4f} (continuous mean field {cont:.4f}).",
        simulated=f"{mean:.4f} (runs: {', '.join(f'{x:.4f}' for x in means)}).",
        tolerance="4 standard errors of the time mean from the linear-noise approximation "
                  "(stationary variance and lag-one autocorrelation of the map), which shrink "
                  f"as 1/√(N·weeks·runs): {tol:.4f}.",
        passed=bool(passed), numbers=numbers, plot=plot, seconds=time.perf_counter() - t0)


# --- SIS, pair approximation on a random regular graph ------------------------------------

def pair_approximation(s: float, h: float, k: int, rho0: float = 0.5,
                       steps: int = 200_000) -> float:
    """Stationary prevalence of the weekly SIS update on a random k-regular graph under the
    pair approximation: members leave (h), then a non-member with m member neighbours joins
    with probability s·m/k. Pair probabilities are updated exactly for the departures and
    with the usual closure (a node's neighbours independent given its state) for joining.
    As s, h → 0 with λ = s/(k·h) fixed it tends to k[(k−1)λ − 1]/[k(k−1)λ − 1]."""
    pii, psi, pss = rho0 * rho0, rho0 * (1 - rho0), (1 - rho0) ** 2
    prev = -1.0
    for _ in range(steps):
        pii1 = pii * (1 - h) ** 2
        psi1 = psi * (1 - h) + pii * h * (1 - h)
        pss1 = pss + 2 * psi * h + pii * h * h
        q = psi1 / (pss1 + psi1) if pss1 + psi1 > 0 else 0.0
        a = s * (k - 1) * q / k  # joining of an S node whose partner is S
        b = s * (1 + (k - 1) * q) / k  # ... whose partner is I
        pii = pii1 + 2 * psi1 * b + pss1 * a * a
        psi = psi1 * (1 - b) + pss1 * a * (1 - a)
        pss = pss1 * (1 - a) ** 2
        rho = psi + pii
        if abs(rho - prev) < 1e-14:
            break
        prev = rho
    return psi + pii


def sis_pair_approximation(n_actors: int = 20_000, seeds=(1, 2), weeks: int = 900,
                           burn: int = 300, k: int = 6, lam: float = 0.5,
                           h: float = 0.02) -> Check:
    t0 = time.perf_counter()
    n = n_actors
    s = lam * k * h
    params = {**DEGENERATE, **_leave(h), "mixing": "network", "tie_graph": "regular",
              "ties_peer": k, "join_rate": s, "preexisting_count": 100,
              "preexisting_size": round(0.4 * n / 100)}
    runs, blocks = [], []
    for seed in seeds:
        m = ReveModel(seed=seed, n_actors=n, **params)
        degrees = np.diff(m.tie_ptr)
        m.run(weeks)
        r = series(m, "memberships") / n
        runs.append(r)
        post = r[burn:]
        size = 50
        blocks.extend(post[: len(post) // size * size].reshape(-1, size).mean(axis=1))
    sim = np.array(runs)
    mean = float(sim[:, burn:].mean())
    se = float(np.std(blocks, ddof=1) / math.sqrt(len(blocks)))
    pa = pair_approximation(s, h, k)
    pa_cont = k * ((k - 1) * lam - 1) / (k * (k - 1) * lam - 1)
    f, _ = _sis_map(s, h, 10**9)
    mf_disc = lna_stationary(f, lambda x: 0.0, 0.5)[0]
    mf_cont = 1 - 1 / (lam * k)
    tol = 0.002 + 4 * se
    passed = abs(mean - pa) <= tol and mean < mf_disc - tol
    numbers = {"simulated": mean, "pair_discrete": pa, "pair_continuous": pa_cont,
               "mean_field_discrete": mf_disc, "mean_field_continuous": mf_cont,
               "tolerance": tol, "regular": bool((degrees == k).all())}

    def plot(fig):
        ax = fig.subplots()
        tt = np.arange(1, weeks + 1)
        for r in sim:
            ax.plot(tt, r, color="0.6", lw=0.8)
        ax.axvspan(burn, weeks, color="0.9", lw=0, label="averaging window")
        ax.fill_between([1, weeks], pa - tol, pa + tol, color="#0072B2", alpha=0.25,
                        label="pair approximation (discrete) ± tolerance")
        ax.axhline(pa, color="#0072B2", label=f"pair approximation, discrete {pa:.4f}")
        ax.axhline(pa_cont, color="#0072B2", ls="--",
                   label=f"pair approximation, continuous {pa_cont:.4f}")
        ax.axhline(mf_disc, color="#D55E00", label=f"mean field, discrete {mf_disc:.4f}")
        ax.axhline(mf_cont, color="#D55E00", ls="--",
                   label=f"mean field, continuous {mf_cont:.4f}")
        ax.axhline(mean, color="k", ls=":", label=f"simulated time mean {mean:.4f}")
        ax.set(xlabel="week", ylabel="share of actors who are members",
               title=f"SIS on a random {k}-regular graph, N = {n:,}, λ = {lam}",
               ylim=(min(0.5, mean - 0.1), max(mf_cont, mf_disc) + 0.05))
        ax.legend(fontsize=7, loc="lower right")

    return Check(
        key="sis_pair", level=1, title="SIS steady state on a random regular graph",
        claim="ρ_PA = k[(k−1)λ − 1]/[k(k−1)λ − 1] on a random k-regular graph, λ = β/δ; "
              "the mean field over-estimates membership on sparse fixed networks "
              "(domain §4.2: 6-regular, λ = 0.5 → 0.643 vs 0.667).",
        form="Pair approximation of the weekly update itself (departures applied exactly to "
             "the pair probabilities, then joining with probability s·m/k for m member "
             "neighbours, with the pair closure), iterated to its fixed point; it tends to the "
             "closed form as the step shrinks. With β = s/k per neighbour and δ = h, "
             f"λ = s/(k·h) = {lam}. The small h keeps the continuous closed form within "
             f"{fmt(abs(pa - pa_cont), 4)} of the discrete value.",
        setting=f"`DEGENERATE` with `mixing`=network on `tie_graph`=regular with "
                f"`ties_peer` = k = {k} (every actor has exactly {k} ties: "
                f"{numbers['regular']}), `join_rate` = s = {s:g}, `leave_base`=`leave_max` = "
                f"h = {h}, seeded with 100 collectives of {params['preexisting_size']} members; "
                f"N = {n:,}, {len(seeds)} runs, {weeks} weeks, mean over weeks {burn}–{weeks}.",
        expected=f"pair approximation {pa:.4f} (continuous closed form {pa_cont:.4f}); "
                 f"below the mean field {mf_disc:.4f} (continuous {mf_cont:.4f}).",
        simulated=f"{mean:.4f}",
        tolerance="0.002 (the pair approximation's own error on random regular graphs, "
                  "domain §4.2) + 4 standard errors of the time mean (batch means of 50 weeks; "
                  f"they shrink as 1/√(N·weeks·runs)): {tol:.4f}; the simulated value must also "
                  "lie below the mean field by more than the tolerance.",
        passed=bool(passed), numbers=numbers, plot=plot, seconds=time.perf_counter() - t0)


# --- M/M/inf size of one collective -------------------------------------------------------

def mm_infinity(n_actors: int = 2000, seeds=(1, 2, 3, 4), weeks: int = 2500, burn: int = 100,
                lam: float = 2.0, h: float = 0.1) -> Check:
    t0 = time.perf_counter()
    n = n_actors
    a = lam / n  # weekly probability that a given non-member discovers and joins
    params = {**DEGENERATE, **_leave(h), "mixing": "network", "join_rate": 1.0,
              "discoverability": a, "preexisting_size": round(lam / h)}
    runs = []
    for seed in seeds:
        m = ReveModel(seed=seed, n_actors=n, **params)
        sizes = []
        for _ in range(weeks):
            m.step()
            sizes.append(int(m.collectives.n_members[0]))
        runs.append(sizes)
    x = np.concatenate([r[burn:] for r in runs]).astype(float)
    t_obs = x.size
    # Each actor is a two-state chain: a member leaves (h) and may rejoin at once (a).
    pi = a / (a + h * (1 - a))
    mean_exact, var_exact = n * pi, n * pi * (1 - pi)
    rho = (1 - h) * (1 - a)
    se_mean = se_of_time_mean(var_exact, rho, t_obs)
    se_var = math.sqrt(2 * var_exact ** 2 * (1 + rho ** 2) / ((1 - rho ** 2) * t_obs))
    # pooled over the runs: the variance is about the common (stationary) mean
    mean, var = float(x.mean()), float(x.var(ddof=1))
    passed = abs(mean - mean_exact) <= 4 * se_mean and abs(var - var_exact) <= 4 * se_var
    numbers = {"mean": mean, "variance": var, "mean_exact": mean_exact,
               "variance_exact": var_exact, "poisson": lam / h, "tol_mean": 4 * se_mean,
               "tol_variance": 4 * se_var}

    def plot(fig):
        from scipy import stats

        ax1, ax2 = fig.subplots(1, 2, width_ratios=(2, 1))
        ax1.plot(np.arange(weeks), runs[0], color="0.4", lw=0.5)
        ax1.axhline(lam / h, color="#0072B2", label=f"λ/μ = {lam / h:g}")
        ax1.set(xlabel="week", ylabel="members", title="size of the collective (first run)")
        ax1.legend(fontsize=8)
        ks = np.arange(int(x.min()), int(x.max()) + 1)
        freq = np.bincount(x.astype(int))[ks] / x.size
        ax2.bar(ks, freq, color="0.7", label="simulated (time share)")
        ax2.plot(ks, stats.poisson.pmf(ks, lam / h), "o-", color="#0072B2", ms=3,
                 label=f"Poisson({lam / h:g})")
        ax2.plot(ks, stats.binom.pmf(ks, n, pi), "--", color="#D55E00",
                 label="Binomial(N, π), exact")
        ax2.set(xlabel="members", ylabel="probability",
                title=f"mean {mean:.2f}, variance {var:.2f}")
        ax2.legend(fontsize=7)

    return Check(
        key="mm_infinity", level=1, title="Size of one collective: M/M/∞",
        claim="Arrivals at rate λ, departures at rate μ per member → stationary size "
              "Poisson(λ/μ), mean = variance (domain §4.3: λ = 2, μ = 0.1 → 20).",
        form="Discrete time with departures before arrivals, so that the mean is λΔt/h "
             "(domain §4.3). With N actors each joining with probability a = λ/N a week and "
             "leaving with probability h, every actor is an independent two-state chain and "
             "the size is exactly Binomial(N, π), π = a/(a + h(1 − a)); Poisson(λ/h) is its "
             "limit for large N (variance/mean = 1 − π).",
        setting=f"`DEGENERATE` with `mixing`=network with no ties and no colleagues (no "
                f"joining through contacts), `join_rate`=1, `discoverability` = λ/N = {a:g} "
                f"(discovery of the one open collective gives Poisson-like arrivals, "
                f"λ = {lam}), `leave_base`=`leave_max` = h = {h}, `preexisting_size` = "
                f"{params['preexisting_size']}; N = {n:,}, {len(seeds)} runs of {weeks} weeks "
                f"(first {burn} dropped).",
        expected=f"mean {mean_exact:.3f} and variance {var_exact:.3f} (Binomial; Poisson "
                 f"λ/h = {lam / h:g} for both).",
        simulated=f"time mean {mean:.3f}, time variance {var:.3f}.",
        tolerance=f"4 standard errors of the time mean ({4 * se_mean:.3f}) and of the time "
                  f"variance ({4 * se_var:.3f}) for series with lag-one autocorrelation "
                  f"(1−h)(1−a) = {rho:.4f}; they shrink as 1/√(weeks·runs).",
        passed=bool(passed), numbers=numbers, plot=plot, seconds=time.perf_counter() - t0)


# --- survival of a newly founded collective ------------------------------------------------

def extinction_curve(s: float, h: float, weeks: int) -> np.ndarray:
    """P(a line founded by one member is extinct by week t), t = 0..weeks, for the weekly
    branching process: a member leaves with probability h, and each member still there
    recruits Poisson(s) newcomers (q_t = G(q_{t−1}), G(z) = h + (1−h)·z·e^{s(z−1)})."""
    q = np.zeros(weeks + 1)
    for t in range(1, weeks + 1):
        q[t] = h + (1 - h) * q[t - 1] * math.exp(s * (q[t - 1] - 1))
    return q


def founder_survival(n_actors: int = 100_000, seeds=(1, 2, 3, 4), collectives: int = 200,
                     founders: int = 3, weeks: int = 40, s: float = 0.2,
                     h: float = 0.1) -> Check:
    t0 = time.perf_counter()
    n = n_actors
    params = {**DEGENERATE, **_leave(h), "mixing": "uniform", "join_rate": s,
              "preexisting_count": collectives, "preexisting_size": founders}
    extinct_at = []
    for seed in seeds:
        m = ReveModel(seed=seed, n_actors=n, **params)
        start = np.bincount(m.slots.coll[m.slots.coll >= 0], minlength=collectives)
        m.run(weeks)
        died = m.collectives.died[:collectives].astype(float)
        died[died < 0] = np.inf
        extinct_at.append(died[start == founders])
    died = np.concatenate(extinct_at)
    total = died.size
    tt = np.arange(weeks + 1)
    sim = np.array([(died <= t).mean() for t in tt])
    q = extinction_curve(s, h, weeks) ** founders
    q_inf = extinction_curve(s, h, 5000)[-1] ** founders
    cont = (h / s) ** founders if s > h else 1.0
    se = np.sqrt(np.maximum(q * (1 - q), 1e-12) / total)
    tol = 4 * se[-1]
    passed = abs(sim[-1] - q[-1]) <= tol
    numbers = {"simulated": float(sim[-1]), "discrete_by_T": float(q[-1]),
               "discrete_limit": float(q_inf), "continuous": cont, "tolerance": float(tol),
               "collectives": total}

    def plot(fig):
        ax = fig.subplots()
        ax.fill_between(tt, q - 4 * se, q + 4 * se, color="#0072B2", alpha=0.25,
                        label="discrete branching process ± 4 SE")
        ax.plot(tt, q, color="#0072B2")
        ax.plot(tt, sim, "k.-", ms=3, label=f"simulated ({total} collectives)")
        ax.axhline(q_inf, color="#0072B2", ls=":", label=f"discrete limit {q_inf:.3f}")
        ax.axhline(cont, color="#D55E00", ls="--",
                   label=f"continuous (μ/b)^n₀ = {cont:.3f}")
        ax.set(xlabel="week", ylabel="share of collectives extinct",
               title=f"founders only: n₀ = {founders}, s = {s}, h = {h}")
        ax.legend(fontsize=8)

    return Check(
        key="founder_survival", level=1, title="Extinction of a newly founded collective",
        claim="With recruitment by members at rate b > μ and no outside arrivals, a collective "
              "founded by n₀ members dies out with probability (μ/b)^n₀ (domain §4.3).",
        form="Discrete-time branching process of the weekly update (a member leaves with "
             "probability h, then each remaining member brings Poisson(s) newcomers through "
             "the contacts they are drawn as); the extinction probability by week t is "
             "q_t^n₀ with q_t = h + (1 − h)q_{t−1}e^{s(q_{t−1} − 1)}. With one-week steps it "
             f"differs a lot from the continuous (μ/b)^n₀ = {cont:.3f} (b = s, μ = h): its "
             f"limit is {q_inf:.3f}.",
        setting=f"`DEGENERATE` with `mixing`=uniform, `join_rate` = s = {s}, "
                f"`leave_base`=`leave_max` = h = {h}, `discoverability`=0 (no outside "
                f"arrivals), `preexisting_count` = {collectives} collectives of "
                f"`preexisting_size` = n₀ = {founders}; N = {n:,} (members stay a small share "
                f"of the population), {len(seeds)} runs, {weeks} weeks.",
        expected=f"extinct by week {weeks}: {q[-1]:.3f} (limit {q_inf:.3f}; continuous "
                 f"{cont:.3f}).",
        simulated=f"{sim[-1]:.3f} of {total} collectives.",
        tolerance=f"4 binomial standard errors, √(q(1 − q)/collectives), shrinking as "
                  f"1/√collectives: {tol:.3f}.",
        passed=bool(passed), numbers=numbers, plot=plot, seconds=time.perf_counter() - t0)


LEVEL1 = (bass, sis_mean_field, sis_pair_approximation, mm_infinity, founder_survival)
"""The analytic checks, in the order of the document."""


def level1() -> list[Check]:
    return [check() for check in LEVEL1]
