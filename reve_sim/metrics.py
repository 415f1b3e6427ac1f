"""Weekly observations and per-run outcomes.

Weekly metrics are one row per week (tidy); the per-run summary reduces them
and the lifetime records with Kaplan–Meier estimates (the whole-week records of a run
tabulated by week; scipy's censored ECDF for durations in general).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from . import index
from .index import BLOCK, member_rows
from .parameters import CATEGORIES
from .rules import popcount
from .state import ACTIVE, DORMANT, ORIGINS, PREEXISTING
from .twins import serial_twins

WEEKLY_METRICS: tuple[str, ...] = (
    *(f"engaged_{c}" for c in CATEGORIES),
    "engaged_actors",
    "memberships",
    "active_collectives",
    "dormant_collectives",
    "births",
    "deaths",
    "joins",
    "exits",
    "mean_size",
    "max_size",
    "contributor_share",
    "ever_contributed_share",
    "top1_share",
    "gini_contributions",
    "mean_categories",
    "heterogeneous_share",
    "boundary_spanners",
    "ecosystems",
    "largest_ecosystem_collectives",
    "largest_ecosystem_categories",
    "activity_hours",
    "knowledge_produced",
    "knowledge_stock",
    "mean_need",
    "mean_anxiety",
    "mean_efficacy",
    "efficacy_networked",
    "efficacy_isolated",
    "mean_engagement",
)
"""Columns of the weekly table (besides ``week``, ``date``, ``holiday`` and ``shock``)."""

METRIC_INDEX = {name: j for j, name in enumerate(WEEKLY_METRICS)}

OBSERVATIONS: dict[str, tuple[str, ...]] = {
    "members": (*(f"engaged_{c}" for c in CATEGORIES), "engaged_actors", "memberships",
                "contributor_share", "ever_contributed_share", "efficacy_networked",
                "efficacy_isolated", "mean_engagement"),
    "inequality": ("top1_share", "gini_contributions"),
    "ecosystems": ("boundary_spanners", "ecosystems", "largest_ecosystem_collectives",
                   "largest_ecosystem_categories"),
}
"""The weekly observations a run can go without (``ReveModel(observe=...)``) and their
columns (NaN when not observed). Each is a pass over every membership, a fifth of a small
run's time together; the other columns cost next to nothing and are always observed."""
OBSERVE_BIT = {name: 1 << k for k, name in enumerate(OBSERVATIONS)}

OUTCOME_NEEDS: dict[str, tuple[str, ...]] = {
    "ecosystem_weeks": ("ecosystems",), "ecosystem_share": ("ecosystems",),
    "final_ecosystems": ("ecosystems",), "final_engaged_share": ("members",),
    "mean_gini": ("members", "inequality"), "shock_drop_depth": ("members",),
    "shock_recovery_weeks": ("members",), "shock_efficacy_gap": ("members",)}
"""The observations each per-run outcome is computed from (the others need none)."""


def observations_for(outcomes) -> tuple[str, ...]:
    """The observations the per-run ``outcomes`` need, in OBSERVATIONS order."""
    need = {name for outcome in outcomes for name in OUTCOME_NEEDS.get(outcome, ())}
    return tuple(name for name in OBSERVATIONS if name in need)


@njit(cache=True)
def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True)
def ecosystems(rows, coll, status, problem, category_mask, n_used, min_collectives,
               min_categories):
    """Innovation ecosystems: connected sets of active collectives sharing a focal problem,
    linked by boundary spanners (members of several), with enough collectives and categories.
    ``rows``: increasing, including every actor holding two memberships or more.

    Returns (number of ecosystems, collectives and categories of the largest, spanners).
    """
    m = coll.shape[1]
    parent = np.arange(n_used)  # union-find; a root is its set's smallest row, whatever the order
    spanners = 0
    spans = np.empty(m, dtype=np.int64)  # the actor's active collectives
    for a in rows:
        k = 0
        for s in range(m):
            c = coll[a, s]
            if c >= 0 and status[c] == ACTIVE:
                spans[k] = c
                k += 1
        if k < 2:
            continue
        spanners += 1
        for x in range(k):
            for y in range(x + 1, k):
                c1, c2 = spans[x], spans[y]
                if problem[c2] == problem[c1]:
                    r1, r2 = _find(parent, c1), _find(parent, c2)
                    if r1 != r2:
                        parent[max(r1, r2)] = min(r1, r2)
    count = np.zeros(n_used, dtype=np.int64)
    mask = np.zeros(n_used, dtype=np.int64)
    for c in range(n_used):
        if status[c] == ACTIVE:
            r = _find(parent, c)
            count[r] += 1
            mask[r] |= category_mask[c]
    n_eco, best_n, best_cat = 0, 0, 0
    for r in range(n_used):
        if count[r] >= min_collectives and popcount(mask[r]) >= min_categories:
            n_eco += 1
            ncat = popcount(mask[r])
            if count[r] > best_n or (count[r] == best_n and ncat > best_cat):
                best_n, best_cat = count[r], ncat
    return n_eco, best_n, best_cat, spanners


@njit(parallel=True, cache=True)
def actor_metrics(rows, coll, engagement, contribution, total_contribution, status, category,
                  efficacy, efficacy_sum, n_categories):
    """Engaged actors by category, efficacy of networked vs isolated actors, and the
    contribution records of current memberships of living collectives (``rows``: increasing,
    including every actor holding a membership; ``totals`` holds -1 for other slots)."""
    m = coll.shape[1]
    n_blocks = (rows.shape[0] + BLOCK - 1) // BLOCK
    engaged = np.zeros((n_blocks, n_categories), dtype=np.int64)
    counts = np.zeros((n_blocks, 4), dtype=np.int64)  # networked, memberships, contributing, ever
    sums = np.zeros((n_blocks, 2))  # efficacy of the networked, engagement
    totals = np.full(rows.shape[0] * m, -1.0)
    for b in prange(n_blocks):
        n_net, held, contributing, ever = 0, 0, 0, 0  # locals: no shared cache line
        eff, eng = 0.0, 0.0
        for j in range(b * BLOCK, min(rows.shape[0], (b + 1) * BLOCK)):
            i = rows[j]
            networked = False
            for s in range(m):
                c = coll[i, s]
                if c < 0 or (status[c] != ACTIVE and status[c] != DORMANT):
                    continue
                networked = networked or status[c] == ACTIVE
                totals[j * m + s] = total_contribution[i, s]
                held += 1
                eng += engagement[i, s]
                if contribution[i, s] > 0.0:
                    contributing += 1
                if total_contribution[i, s] > 0.0:
                    ever += 1
            if networked:
                engaged[b, category[i]] += 1
                eff += efficacy[i]
                n_net += 1
        counts[b, 0], counts[b, 1], counts[b, 2], counts[b, 3] = n_net, held, contributing, ever
        sums[b, 0], sums[b, 1] = eff, eng
    eff_net, eng_sum = 0.0, 0.0
    for b in range(n_blocks):
        eff_net += sums[b, 0]
        eng_sum += sums[b, 1]
    n_net, memberships, contributing, ever = counts.sum(axis=0)
    n_iso = efficacy.shape[0] - n_net
    eff_iso = (efficacy_sum - eff_net) / n_iso if n_iso else np.nan
    return (engaged.sum(axis=0), eff_net / n_net if n_net else np.nan, eff_iso,
            memberships, contributing, ever, eng_sum, totals)


@njit(cache=True)
def inequality(totals):
    """Gini of cumulative contributions and the share produced by the top 1% of members
    (``totals``: one per membership, negative entries ignored)."""
    n = 0
    for k in range(totals.shape[0]):
        n += totals[k] >= 0.0
    pos = np.sort(totals[totals > 0.0])
    whole = 0.0
    weighted = 0.0
    first_rank = n - pos.shape[0] + 1
    for k in range(pos.shape[0]):
        whole += pos[k]
        weighted += (first_rank + k) * pos[k]
    if n == 0 or whole <= 0.0:
        return np.nan, np.nan
    gini = 2.0 * weighted / (n * whole) - (n + 1.0) / n
    top = max(1, int(math.ceil(0.01 * n)))
    top_sum = 0.0
    for k in range(max(0, pos.shape[0] - top), pos.shape[0]):
        top_sum += pos[k]
    return gini, top_sum / whole


@njit(parallel=True, cache=True)
def actor_totals(need, anxiety, efficacy):
    """Sums of need, anxiety and efficacy over all actors, in one pass by blocks (see
    ``index.BLOCK``): the same bits whatever the number of threads."""
    n = need.shape[0]
    n_blocks = (n + BLOCK - 1) // BLOCK
    part = np.zeros((n_blocks, 3))
    for b in prange(n_blocks):
        s_need, s_anxiety, s_efficacy = 0.0, 0.0, 0.0  # locals: no shared cache line
        for i in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
            s_need += need[i]
            s_anxiety += anxiety[i]
            s_efficacy += efficacy[i]
        part[b, 0] = s_need
        part[b, 1] = s_anxiety
        part[b, 2] = s_efficacy
    need_sum, anxiety_sum, efficacy_sum = 0.0, 0.0, 0.0
    for b in range(n_blocks):  # scalar loop: an array expression here would be a parallel loop
        need_sum += part[b, 0]
        anxiety_sum += part[b, 1]
        efficacy_sum += part[b, 2]
    return need_sum, anxiety_sum, efficacy_sum


@njit(cache=True)
def collective_metrics(week, status, n_members, category_mask, born, died, origin, activity,
                       knowledge, knowledge_added):
    """Counts, sizes, category mix, activity and knowledge of the collectives this week."""
    active = dormant = births = deaths = size_max = categories = heterogeneous = 0
    size_sum, hours, produced, stock = 0.0, 0.0, 0.0, 0.0
    for c in range(status.shape[0]):
        if born[c] == week and origin[c] != PREEXISTING:
            births += 1
        if died[c] == week:
            deaths += 1
        produced += knowledge_added[c]
        if status[c] == ACTIVE:
            active += 1
            size_sum += n_members[c]
            size_max = max(size_max, n_members[c])
            k = popcount(category_mask[c])
            categories += k
            if k >= 2:
                heterogeneous += 1
            hours += activity[c]
            stock += knowledge[c]
        elif status[c] == DORMANT:
            dormant += 1
            hours += activity[c]
    nan = np.nan
    return (active, dormant, births, deaths, size_sum / active if active else nan,
            float(size_max), categories / active if active else nan,
            heterogeneous / active if active else nan, hours, produced, stock)


@njit(cache=True)
def observe(week, rows, multi_rows, coll, engagement, contribution, total_contribution,
            category, need, anxiety, efficacy, status, problem, category_mask, n_members, born,
            died, origin, activity, knowledge, knowledge_added, min_collectives, min_categories,
            joins, exits, observed, row):
    """The weekly observations in one compiled call, written to ``row`` in the order of
    WEEKLY_METRICS (``joins`` and ``exits`` are counted by the plan); ``observed``: the bits
    (OBSERVE_BIT) of the optional ones to make, NaN in the others' columns (inequality
    needs the members' pass, so its columns come with the members'). ``rows`` and
    ``multi_rows``: increasing, including every actor holding a membership, and two or more
    (the ecosystems' spanners are found among the latter)."""
    need_sum, anxiety_sum, efficacy_sum = actor_totals(need, anxiety, efficacy)
    n_categories = row.shape[0] - N_SCALARS
    nan = np.nan
    engaged = np.full(n_categories, nan)
    eff_net = eff_iso = eng_sum = per = gini = top1 = nan
    memberships = contributing = ever = n_eco = eco_n = eco_cat = spanners = nan
    if observed & (MEMBERS | INEQUALITY):
        counted, eff_net, eff_iso, held, contributing, ever, eng_sum, totals = \
            actor_metrics(rows, coll, engagement, contribution, total_contribution, status,
                          category, efficacy, efficacy_sum, n_categories)
        engaged = counted.astype(np.float64)
        memberships = float(held)
        per = 1.0 / held if held else nan
        if observed & INEQUALITY:
            gini, top1 = inequality(totals)
    if observed & ECOSYSTEMS:
        n_eco, eco_n, eco_cat, spanners = ecosystems(multi_rows, coll, status, problem,
                                                     category_mask, status.shape[0],
                                                     min_collectives, min_categories)
    (active, dormant, births, deaths, mean_size, max_size, mean_categories, heterogeneous,
     hours, produced, stock) = collective_metrics(week, status, n_members, category_mask, born,
                                                  died, origin, activity, knowledge,
                                                  knowledge_added)
    n = need.shape[0]
    for k in range(n_categories):
        row[k] = engaged[k]
    # the other columns in WEEKLY_METRICS order (a slice of another length raises)
    row[n_categories:] = np.array((
        engaged.sum(), memberships, float(active), float(dormant), float(births),
        float(deaths), float(joins), float(exits), mean_size, max_size, contributing * per,
        ever * per, top1, gini, mean_categories, heterogeneous, spanners, n_eco, eco_n,
        eco_cat, hours, produced, stock, need_sum / n, anxiety_sum / n, efficacy_sum / n,
        eff_net, eff_iso, eng_sum * per))


N_SCALARS = len(WEEKLY_METRICS) - len(CATEGORIES)
"""Columns of the weekly table after the engaged actors of each category."""
MEMBERS, INEQUALITY, ECOSYSTEMS = (OBSERVE_BIT[name] for name in OBSERVATIONS)
ALL_OBSERVED = MEMBERS | INEQUALITY | ECOSYSTEMS


def weekly_row(state, params: dict, w: int, joins: int, exits: int,
               rows: np.ndarray | None = None) -> np.ndarray:
    """The week's WEEKLY_METRICS from a state in the array layout (``slot.<field>``,
    ``collective.<field>`` for the rows in use, ``actor.<field>``): the reference
    implementation observes with the same reductions as the model. ``rows``: a superset of
    the actors holding a membership, increasing (found by scanning if None)."""
    coll = state["slot.coll"]
    row = np.empty(len(WEEKLY_METRICS))
    rows = member_rows(coll) if rows is None else rows
    SERIAL.observe(
        w, rows, rows, coll, state["slot.engagement"],
        state["slot.contribution"], state["slot.total_contribution"], state["actor.category"],
        state["actor.need"], state["actor.anxiety"], state["actor.efficacy"],
        state["collective.status"], state["collective.problem"],
        state["collective.category_mask"], state["collective.n_members"],
        state["collective.born"], state["collective.died"], state["collective.origin"],
        state["collective.activity"], state["collective.knowledge"],
        state["collective.knowledge_added"], params["eco_min_collectives"],
        params["eco_min_categories"], joins, exits, ALL_OBSERVED, row)
    return row


def kaplan_meier(durations: np.ndarray, observed: np.ndarray):
    """Survival function (scipy's censored ECDF); None when there is no observation."""
    from scipy import stats  # imported here: scipy.stats costs ~0.5 s at start-up

    if durations.size == 0:
        return None
    data = stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    return stats.ecdf(data).sf


class WeeklySurvival(NamedTuple):
    """A Kaplan–Meier curve read like scipy's ``ecdf(...).sf``: ``probabilities`` at the
    ``quantiles`` (the weeks where some duration ends), ``evaluate(t)`` in between."""

    quantiles: np.ndarray
    probabilities: np.ndarray

    def evaluate(self, t):
        k = np.searchsorted(self.quantiles, t, side="right") - 1
        return np.where(k >= 0, self.probabilities[np.maximum(k, 0)], 1.0)


def survival_by_week(ended: np.ndarray, censored: np.ndarray) -> WeeklySurvival | None:
    """Kaplan–Meier curve of whole-week durations given as counts by week (``ended[t]``
    events and ``censored[t]`` censored durations of ``t`` weeks); None when there is none.

    The same numbers as ``kaplan_meier`` on the durations listed one by one (the same
    product over the same weeks), without listing or sorting them: a run ends tens of
    thousands of memberships, and the summary of each run of a study reads this curve."""
    ended, censored = np.asarray(ended, np.int64), np.asarray(censored, np.int64)
    size = max(ended.size, censored.size)
    ended = np.pad(ended, (0, size - ended.size))
    out = ended + np.pad(censored, (0, size - censored.size))
    weeks = np.flatnonzero(out)
    if weeks.size == 0:
        return None
    at_risk = (out.sum() - np.concatenate(([0], np.cumsum(out)[:-1])))[weeks]
    d = ended[weeks]
    return WeeklySurvival(weeks.astype(float), np.cumprod((at_risk - d) / at_risk))


def survival_of_weeks(durations: np.ndarray, observed: np.ndarray) -> WeeklySurvival | None:
    """``survival_by_week`` of whole-week durations (non-negative integers)."""
    durations = np.asarray(durations, np.int64)
    return survival_by_week(np.bincount(durations[observed], minlength=1),
                            np.bincount(durations[~observed], minlength=1))


def median_survival(sf) -> float:
    """First time the survival falls to one half or below (NaN if it never does)."""
    if sf is None:
        return math.nan
    below = np.flatnonzero(sf.probabilities <= 0.5)
    return float(sf.quantiles[below[0]]) if below.size else math.nan


def summarise(model) -> dict:
    """Per-run outcomes of a model (plain dict of floats)."""
    weekly = model.weekly_array()
    week_now = model.week
    out: dict[str, float] = {"weeks": float(week_now), "seed": float(model.seed)}
    col = {name: weekly[:, j] for j, name in enumerate(WEEKLY_METRICS)}
    colls = model.collectives
    used = slice(0, model.n_used)
    born, died, origin = colls.born[used], colls.died[used], colls.origin[used]
    observed = died >= 0
    life = np.where(observed, died - born, week_now - born)
    for code, name in enumerate(ORIGINS):
        sel = origin == code
        out[f"n_collectives_{name}"] = float(sel.sum())
        out[f"median_lifetime_{name}"] = median_survival(
            survival_of_weeks(life[sel], observed[sel]))
    young = (origin != PREEXISTING) & (born <= week_now - 13)
    dormant_or_dead_13 = _inactive_within(model, 13)
    out["new_inactive_within_quarter"] = (float(dormant_or_dead_13[young].mean())
                                          if young.any() else math.nan)
    has_eco = col["ecosystems"] >= 1 if weekly.shape[0] else np.zeros(0, bool)
    out["ecosystem_weeks"] = float(has_eco.sum())
    out["ecosystem_share"] = float(has_eco.mean()) if has_eco.size else math.nan
    out["final_ecosystems"] = float(col["ecosystems"][-1]) if weekly.shape[0] else math.nan
    out["final_active_collectives"] = float(col["active_collectives"][-1]) \
        if weekly.shape[0] else math.nan
    out["final_engaged_share"] = float(col["engaged_actors"][-1] / model.n_actors) \
        if weekly.shape[0] else math.nan
    out["mean_gini"] = float(np.nanmean(col["gini_contributions"])) \
        if weekly.shape[0] and np.isfinite(col["gini_contributions"]).any() else math.nan
    out.update(_retention(model))
    out.update(_shock_outcomes(model, col))
    for outcome, needs in OUTCOME_NEEDS.items():  # not observed: not computed
        if not set(needs) <= set(model.observed):
            out[outcome] = math.nan
    return out


def _inactive_within(model, weeks: int) -> np.ndarray:
    """For each collective, whether it went dormant or dissolved within ``weeks`` of birth."""
    colls = model.collectives
    used = slice(0, model.n_used)
    first_quiet = colls.first_inactive[used]
    return (first_quiet >= 0) & (first_quiet - colls.born[used] <= weeks)


def _retention(model) -> dict:
    """Share of memberships begun during the run still held after 1, 2, 3 years and after a
    quarter (Kaplan–Meier; leaving by choice is the event, mobility, dissolution and the end
    of the run censor)."""
    since = model.slots.since[model.slots.coll >= 0]
    open_tenure = model.week - since[since >= 0]
    size = model.tenure_left.shape[0]
    censored = model.tenure_censored + np.bincount(open_tenure, minlength=size)[:size]
    sf = survival_by_week(model.tenure_left, censored)
    out = {}
    for label, weeks in (("retention_quarter", 13), ("retention_1y", 52), ("retention_2y", 104),
                         ("retention_3y", 156)):
        ok = sf is not None and weeks <= model.week
        out[label] = float(sf.evaluate(weeks)) if ok else math.nan
    return out


def _shock_outcomes(model, col: dict) -> dict:
    """Resilience to the first shock: depth of the drop of engaged actors and weeks to
    recover 90% of the pre-shock level; surge of joining; efficacy gap (networked minus
    isolated, during the shock, minus the same gap just before it)."""
    nan = {"shock_drop_depth": math.nan, "shock_recovery_weeks": math.nan,
           "shock_join_surge": math.nan, "shock_efficacy_gap": math.nan}
    shock = model.environment.shock[: model.week]
    if not shock.any():
        return nan
    s = int(np.argmax(shock))
    if s < 4:
        return nan
    engaged = col["engaged_actors"]
    base = float(engaged[s - 4: s].mean())
    window = engaged[s: s + 52]
    low = int(np.argmin(window))
    depth = max(0.0, (base - float(window[low])) / base) if base > 0 else math.nan
    after = np.flatnonzero(engaged[s + low:] >= 0.9 * base)
    recovery = float(low + after[0]) if after.size else math.nan
    joins = col["joins"]
    surge = float(joins[s: s + 3].max() / max(joins[s - 4: s].mean(), 1.0))
    end = s + int(np.argmin(shock[s:])) if not shock[s:].all() else shock.size
    during = np.zeros_like(shock)
    during[s:end] = True
    gap = col["efficacy_networked"] - col["efficacy_isolated"]
    before = gap[max(0, s - 8): s]
    eff_gap = _finite_mean(gap[during]) - _finite_mean(before)
    return {"shock_drop_depth": depth, "shock_recovery_weeks": recovery,
            "shock_join_surge": surge, "shock_efficacy_gap": eff_gap}


SERIAL = serial_twins(globals(), also=("observe",), use=(index.SERIAL,))
"""The compiled observations without threads, for small models (see reve_sim.twins)."""


def _finite_mean(x: np.ndarray) -> float:
    """Mean of the finite values; NaN (without numpy's warning) when there is none."""
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else math.nan
