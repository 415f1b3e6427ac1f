"""State invariants checked after every step of randomly drawn valid configurations.

Parameter values are drawn inside the schema bounds (often exactly at a bound), with
small populations, random category mixes, a random shock and a random programme call,
and a start date that puts a rentrée (teacher mobility) inside the run.
"""

from __future__ import annotations

import numpy as np
import pytest
from reve_testing import LOCKDOWN, PROGRAMME

from reve_sim import ReveModel, index, kernels
from reve_sim.calendar import week_start
from reve_sim.metrics import METRIC_INDEX
from reve_sim.parameters import CATEGORIES, PARAMETERS, PROGRAMME_FIELDS, SHOCK_FIELDS
from reve_sim.state import (
    ACTIVE,
    CATEGORICAL,
    DISSOLVED,
    DORMANT,
    EMERGENT,
    INSTITUTIONAL,
    PREEXISTING,
    THEMATIC,
    UNUSED,
)

WEEKS = 40
# Structural parameters kept small so that a configuration runs in about a second.
SMALL = {
    "n_actors": (200, 1200),
    "n_territories": (1, 5),
    "n_problems": (1, 12),
    "establishment_size": (2, 60),
    "ties_peer": (0, 10),
    "ties_long_range": (0, 5),
    "preexisting_per_1000": (5.0, 60.0),
    "preexisting_size": (2.0, 30.0),
    "network_density": (0.3, 3.0),
    "preexisting_count": (1, 40),  # and 0 (preexisting_per_1000 decides) in half the cases
}
START_DATES = ("2020-06-01", "2019-06-03", "2021-05-03")  # rentrée at weeks 13, 13, 17


def draw_value(rng, name):
    p = PARAMETERS[name]
    low, high = SMALL.get(name, (p.low, p.high))
    r = rng.random()
    if name not in SMALL and r < 0.1:
        return p.low
    if name not in SMALL and r < 0.2:
        return p.high
    if p.integer:
        return int(rng.integers(int(low), int(high) + 1))
    return float(rng.uniform(low, high))


def random_config(case: int) -> dict:
    rng = np.random.default_rng(1000 + case)
    cfg = {name: draw_value(rng, name) for name in PARAMETERS}
    if np.random.default_rng(2000 + case).random() < 0.5:
        cfg["preexisting_count"] = 0
    shares = rng.dirichlet(np.full(len(CATEGORIES), 0.7))
    cfg["category_shares"] = dict(zip(CATEGORIES, shares.tolist(), strict=True))
    cfg["category_shares"]["teacher"] += 1.0 - sum(cfg["category_shares"].values())
    start = START_DATES[case % len(START_DATES)]
    cfg["start_date"] = start
    w0 = int(rng.integers(2, 25))
    shock = {"start": week_start(start, w0).isoformat(),
             "end": week_start(start, w0 + int(rng.integers(1, 12))).isoformat()}
    for field, (_, low, high, _) in SHOCK_FIELDS.items():
        shock[field] = float(rng.uniform(low, min(high, 3.0)))
    prog = {"start": week_start(start, int(rng.integers(0, 20))).isoformat(),
            "per_1000": float(rng.uniform(1.0, 20.0)),
            "duration_weeks": float(rng.integers(0, 30)),
            "problem": int(rng.integers(-1, cfg["n_problems"]))}
    assert set(prog) - {"start", "problem"} <= set(PROGRAMME_FIELDS)
    cfg["shocks"] = [shock]
    cfg["programmes"] = [prog]
    cfg["seed"] = int(rng.integers(0, 2**62))
    return cfg


def check_invariants(m: ReveModel, n_before: int, memberships_before: int) -> None:
    w = m.week - 1
    a, s, c = m.actors, m.slots, m.collectives
    n_used = m.n_used
    status = c.status[:n_used]
    coll = s.coll
    held = coll >= 0

    # collective rows: used rows have a valid status, spare rows are unused
    assert n_before <= n_used <= c.status.shape[0]
    assert np.isin(status, (ACTIVE, DORMANT, DISSOLVED)).all()
    assert (c.status[n_used:] == UNUSED).all()
    living = status != DISSOLVED

    # membership table, both ways
    assert ((coll >= -1) & (coll < n_used)).all()
    srt = np.sort(coll, axis=1)
    dup = (srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)
    assert not dup.any(), "an actor holds the same collective twice"
    counts = np.bincount(coll[held], minlength=n_used)
    assert np.array_equal(c.n_members[:n_used][living], counts[living])
    assert (counts[~living] == 0).all(), "a member in a dissolved collective"
    assert (c.n_members[:n_used][~living] == 0).all()
    assert (status[coll[held]] != DISSOLVED).all()

    # animators: -1 or a member of their living collective; none for dissolved ones
    anim = c.animator[:n_used]
    assert (anim[~living] == -1).all()
    for cid in np.flatnonzero(living & (anim >= 0)):
        assert (coll[anim[cid]] == cid).any(), f"animator of {cid} is not a member"

    # categorical and local collectives only hold actors of their category/establishment
    rows, cols = np.nonzero(held)
    cid = coll[rows, cols]
    ccat = c.category[cid]
    assert ((ccat < 0) | (ccat == a.category[rows])).all()
    cest = c.establishment[cid]
    assert ((cest < 0) | (cest == a.establishment[rows])).all()

    # states declared in [0, 1]
    for name in ("need", "anxiety", "efficacy", "propensity", "found_propensity",
                 "competence", "need_base"):
        x = getattr(a, name)
        assert ((x >= 0.0) & (x <= 1.0)).all(), name
    eng = s.engagement
    assert ((eng >= 0.0) & (eng <= 1.0)).all()
    assert (eng[~held] == 0.0).all()
    assert np.isfinite(s.satisfaction).all()
    assert (a.available >= 0.0).all() and (a.committed >= 0.0).all()
    assert (s.hours.sum(axis=1) <= a.available + 1e-12).all()
    assert ((s.since[held] >= -1) & (s.since[held] <= w)).all()

    # codes
    assert ((a.category >= 0) & (a.category < len(CATEGORIES))).all()
    assert (a.establishment >= -1).all()
    used = slice(0, n_used)
    assert np.isin(c.origin[used], (PREEXISTING, EMERGENT, INSTITUTIONAL)).all()
    assert np.isin(c.kind[used], (CATEGORICAL, THEMATIC)).all()
    assert ((c.kind[used] == THEMATIC) == (c.category[used] < 0)).all()
    assert np.isin(c.open[used], (0, 1)).all() and np.isin(c.supported[used], (0, 1)).all()
    assert ((c.problem[used] >= 0) & (c.problem[used] < m.params["n_problems"])).all()
    died, born = c.died[used], c.born[used]
    assert ((died >= 0) == ~living).all()
    assert (died[~living] >= born[~living]).all() and (died <= w).all()
    assert ((c.knowledge[used] >= 0.0) & np.isfinite(c.knowledge[used])).all()
    fe = c.funding_end[used][living]
    assert ((fe == -1) | (fe > w)).all()
    assert (c.origin[used][c.funding_end[used] >= 0] == INSTITUTIONAL).all()

    # this week's row agrees with the arrays
    row = m.weekly_array()[w]

    def metric(name):
        return row[METRIC_INDEX[name]]

    active = status == ACTIVE
    in_active = held & np.concatenate([active, [False]])[np.where(held, coll, n_used)]
    engaged = in_active.any(axis=1)
    assert metric("memberships") == held.sum()
    assert metric("active_collectives") == active.sum()
    assert metric("dormant_collectives") == (status == DORMANT).sum()
    assert metric("engaged_actors") == engaged.sum()
    for k, cat in enumerate(CATEGORIES):
        assert metric(f"engaged_{cat}") == (engaged & (a.category == k)).sum()
    assert metric("births") == ((born == w) & (c.origin[used] != PREEXISTING)).sum()
    assert metric("deaths") == (died == w).sum()
    assert metric("max_size") == (counts[active].max() if active.any() else 0)
    joined = (held & (s.since == w) & (coll < n_before)).sum()
    assert metric("joins") >= joined
    assert 0 <= metric("exits") <= memberships_before
    for name in ("memberships", "active_collectives", "engaged_actors", "joins", "exits",
                 "births", "deaths", "ecosystems", "boundary_spanners"):
        assert np.isfinite(metric(name)) and metric(name) >= 0, name


@pytest.mark.parametrize("need_baseline", [PARAMETERS["need_baseline"].low,
                                           PARAMETERS["need_baseline"].high])
def test_need_baseline_at_its_bounds_gives_valid_needs(need_baseline):
    m = ReveModel(seed=1, n_actors=300, need_baseline=need_baseline)
    assert ((m.actors.need >= 0.0) & (m.actors.need <= 1.0)).all()
    m.run(5)
    assert np.isfinite(m.weekly().mean_need).all()


DEFAULT_CASES = {
    "defaults": dict(seed=1, n_actors=2000, shocks=[LOCKDOWN], programmes=[PROGRAMME]),
    "levers": dict(seed=2, n_actors=3000, shocks=[LOCKDOWN], programmes=[PROGRAMME],
                   brokerage=0.5, animation=0.5, release_time=1.0, recognition=0.3,
                   funding_renewal=0.5, heterogeneity_incentive=1.0),
}


def run_checked(cfg: dict, weeks: int) -> ReveModel:
    m = ReveModel(**cfg)
    for _ in range(weeks):
        n_before, memberships_before = m.n_used, int((m.slots.coll >= 0).sum())
        m.step()
        check_invariants(m, n_before, memberships_before)
    assert m.weekly().shape[0] == weeks
    return m


@pytest.mark.parametrize("case", range(8))
def test_invariants_hold_after_every_step(case):
    run_checked(random_config(case), WEEKS)


@pytest.mark.parametrize("name", list(DEFAULT_CASES))
def test_invariants_hold_at_defaults_through_a_rentree(name):
    """Default-like parameters, 60 weeks from 2019-09-02: shock, programme call and funding
    end in year one, teacher mobility at the rentrée of week 52."""
    m = run_checked(DEFAULT_CASES[name], 60)
    w = m.weekly()
    for metric in ("joins", "exits", "births", "deaths", "dormant_collectives"):
        assert w[metric].sum() > 0, metric
    assert len(m.mobility_log) == 1 and m.mobility_log[0]["week"] == 52
    assert (m.collectives.origin[:m.n_used] == INSTITUTIONAL).any()


def test_random_configurations_exercise_the_processes():
    """The random cases are not degenerate: together they see joins, exits, births,
    deaths, mobility, shocks and programme calls."""
    seen = dict.fromkeys(("joins", "exits", "births", "deaths"), 0.0)
    moved = 0
    for case in range(3):
        m = ReveModel(**random_config(case))
        m.run(WEEKS)
        w = m.weekly()
        for name in seen:
            seen[name] += w[name].sum()
        moved += sum(log["moved"] + log["left"] for log in m.mobility_log)
        assert w.shock.any()
        assert (m.collectives.origin[:m.n_used] == INSTITUTIONAL).any()
    assert all(v > 0 for v in seen.values()), seen
    assert moved > 0


@pytest.mark.parametrize("corruption", ["duplicate", "dissolved", "animator", "count", "need",
                                        "row"])
def test_the_invariant_check_detects_corruption(corruption):
    """The checks above can fail: corrupt one thing in a healthy state and see them fire."""
    m = ReveModel(seed=5, n_actors=600, start_date="2019-09-02")
    m.run(5)
    before = m.n_used, int((m.slots.coll >= 0).sum())
    check_invariants(m, *before)  # healthy
    c, s = m.collectives, m.slots
    rows, cols = np.nonzero(s.coll >= 0)
    i, j = rows[0], cols[0]
    if corruption == "duplicate":
        free = np.flatnonzero(s.coll[i] < 0)
        s.coll[i, free[0]] = s.coll[i, j]
    elif corruption == "dissolved":
        c.status[s.coll[i, j]] = DISSOLVED
    elif corruption == "animator":
        cid = np.flatnonzero((c.status[:m.n_used] == ACTIVE) & (c.animator[:m.n_used] >= 0))[0]
        c.animator[cid] = int(np.flatnonzero(~(s.coll == cid).any(axis=1))[0])
    elif corruption == "count":
        c.n_members[s.coll[i, j]] += 1
    elif corruption == "need":
        m.actors.need[3] = 1.0 + 1e-9
    elif corruption == "row":
        m.weekly_array()[-1, METRIC_INDEX["engaged_actors"]] += 1
    with pytest.raises(AssertionError):
        check_invariants(m, *before)


@pytest.mark.parametrize("plan", ["threads", "serial"])
def test_member_rows_lists_exactly_the_actors_holding_a_membership(plan):
    """Across block boundaries, with blocks ending on non-members and a last block whose
    only member is the last actor (``member_rows`` writes without a branch per slot)."""
    rng = np.random.default_rng(7)
    n = 2 * index.BLOCK + 37
    coll = np.where(rng.random((n, 4)) < 0.3, rng.integers(0, 50, (n, 4)), -1).astype(np.int32)
    coll[index.BLOCK - 5: index.BLOCK] = -1
    coll[2 * index.BLOCK:] = -1
    coll[-1, 3] = 0
    member_rows = index.member_rows if plan == "threads" else index.SERIAL.member_rows
    np.testing.assert_array_equal(member_rows(coll), np.flatnonzero((coll >= 0).any(axis=1)))


def test_tally_members_lists_exactly_the_actors_holding_one_and_two_memberships_or_more():
    """The rows the membership kernels visit, and the spanners' candidates for spillover and
    ecosystems (written without a branch: a row holding fewer is overwritten by the next one),
    here with the last row holding one; and the head counts, category masks and would-be
    animators."""
    rng = np.random.default_rng(11)
    n, n_coll = 300, 40
    coll = np.where(rng.random((n, 4)) < 0.35, rng.integers(0, n_coll, (n, 4)), -1)
    coll = coll.astype(np.int32)
    coll[-1] = [-1, 5, -1, -1]
    coll[:7] = -1
    status = np.zeros(n_coll, dtype=np.int8)
    status[3] = DISSOLVED  # nobody holds it: its count and mask are left as they were
    coll[coll == 3] = -1
    category = rng.integers(0, len(CATEGORIES), n).astype(np.int8)
    engagement = np.where(coll >= 0, rng.random((n, 4)), 0.0)
    kn = ReveModel(seed=0, n_actors=50).knobs
    n_members = np.zeros(n_coll, dtype=np.int32)
    mask = np.zeros(n_coll, dtype=np.int32)
    n_members[3], mask[3] = 7, 5
    successor = np.empty(n_coll, dtype=np.int64)
    rows, multi = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
    k, k_multi = kernels.tally_members(
        kn, coll, category, engagement, status, n_members, mask, successor,
        np.empty(n_coll), rows, multi, n_coll)
    held = (coll >= 0).sum(axis=1)
    np.testing.assert_array_equal(rows[:k], np.flatnonzero(held >= 1))
    np.testing.assert_array_equal(multi[:k_multi], np.flatnonzero(held >= 2))
    counts = np.bincount(coll[coll >= 0], minlength=n_coll)
    counts[3] = 7
    np.testing.assert_array_equal(n_members, counts)
    threshold = kn[list(PARAMETERS).index("takeover_engagement")]
    for c in range(n_coll):
        if c == 3:
            assert mask[c] == 5 and successor[c] == -1
            continue
        who, slot = np.nonzero(coll == c)
        assert mask[c] == np.bitwise_or.reduce(1 << category[who].astype(np.int64), initial=0)
        e = engagement[who, slot]  # members in (row, slot) order
        best = np.flatnonzero((e >= threshold) & (e == e.max(initial=-1.0)))
        assert successor[c] == (who[best[0]] if best.size else -1), c
