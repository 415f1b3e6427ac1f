"""Counter-based (keyed) random numbers: the oracle, uniformity, independence, and the
property the design exists for: a draw depends only on its keys, never on which other
draws were made, in which order, or how many (style guide section 8)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from reve_sim import ReveModel
from reve_sim.keyed_random import (
    DECISIONS,
    MASK64,
    PHI,
    SALT_PAIR,
    SALT_SUB,
    decision_streams,
    derived_key,
    fnv1a64,
    mix64,
    mix64_py,
    partner_mix,
    uniform,
    uniform_mixed,
    uniforms,
)
from reve_sim.population import initial_keys

TWO_M53 = 2.0 ** -53
N = 1_000_000


def uniform_py(stream: int, week: int, entity: int, partner: int, k: int) -> float:
    """The documented formula, in pure Python, as an oracle for the Numba ``uniform``."""
    h = stream ^ mix64_py((week + int(PHI)) & MASK64) ^ entity
    h ^= mix64_py(partner ^ int(SALT_PAIR)) ^ mix64_py(k ^ int(SALT_SUB))
    z = mix64_py(h) >> 11
    return 0.5 * TWO_M53 if z == 0 else z * TWO_M53


@pytest.fixture(scope="module")
def streams():
    return decision_streams(12345)


@pytest.fixture(scope="module")
def keys():
    # entity keys shaped like the model's (mixed counters), plus raw counters elsewhere
    return initial_keys(N, SALT_PAIR)


# --- oracles and known values ----------------------------------------------------------

def test_mix64_matches_pure_python():
    rng = np.random.default_rng(2024)
    inputs = [0, 1, 2, 3, MASK64, MASK64 - 1, 1 << 63, (1 << 63) - 1, int(PHI)]
    inputs += [int(x) for x in rng.integers(0, 2**63, size=4000, dtype=np.int64)]
    inputs += [int(x) | (1 << 63) for x in rng.integers(0, 2**63, size=4000, dtype=np.int64)]
    inputs += list(range(1000))
    for z in inputs:
        assert int(mix64(np.uint64(z))) == mix64_py(z), z


def test_mix64_known_values():
    # splitmix64 seeded with 0: its first two outputs are mix64(PHI) and mix64(2 PHI)
    assert mix64_py(0) == 0
    assert mix64_py(int(PHI)) == 0xE220A8397B1DCDAF
    assert mix64_py((2 * int(PHI)) & MASK64) == 0x6E789E6AA1B965F4


def test_mix64_is_a_bijection_on_a_sample():
    ys = initial_keys(200_000, np.uint64(0))  # mix64(i) for i < 200000
    assert int(ys[12345]) == mix64_py(12345)
    assert np.unique(ys).size == ys.size


def test_fnv1a64_known_values():
    # reference vectors of the 64-bit FNV-1a hash
    assert fnv1a64("") == 0xCBF29CE484222325
    assert fnv1a64("a") == 0xAF63DC4C8601EC8C
    assert fnv1a64("foobar") == 0x85944171F73967E8


def test_uniform_matches_its_documented_formula(streams):
    """``uniform`` and the kernels' ``uniform_mixed`` against the pure-Python oracle."""
    rng = np.random.default_rng(7)
    for d in ("membership.leave@1", "join.tie@1", "actor.category@1"):
        s = streams[d]
        for _ in range(300):
            week = int(rng.integers(0, 2000))
            entity = int(rng.integers(0, 2**63, dtype=np.int64)) * 2 + 1
            partner = int(rng.integers(0, 2**63, dtype=np.int64))
            k = int(rng.integers(0, 64))
            got = uniform(s, week, np.uint64(entity), np.uint64(partner), k)
            assert got == uniform_py(int(s), week, entity, partner, k)
            # the kernels' form, with the partner's term mixed once per partner
            mixed = np.uint64(partner_mix(np.uint64(partner)))
            assert uniform_mixed(s, week, np.uint64(entity), mixed, k) == got


def test_decision_ids_are_unique_and_versioned():
    assert len(set(DECISIONS)) == len(DECISIONS)
    assert all("@" in d for d in DECISIONS)
    assert len({fnv1a64(d) for d in DECISIONS}) == len(DECISIONS)


# --- uniformity ------------------------------------------------------------------------

def test_uniforms_are_in_the_open_unit_interval_and_uniform(streams, keys):
    u = uniforms(streams["membership.leave@1"], 17, keys, 0)
    assert u.shape == (N,)
    assert u.min() > 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 1e-3
    assert abs(u.var() - 1.0 / 12.0) < 1e-3
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    # top 53 bits: every value is a whole multiple of 2**-53
    scaled = u * 2.0**53
    assert np.array_equal(scaled, np.floor(scaled))
    # deciles hold a tenth each (chi-square, 9 degrees of freedom)
    counts = np.bincount((u * 10).astype(np.int64), minlength=10)
    assert stats.chisquare(counts).pvalue > 1e-3


def test_uniforms_on_raw_counter_keys_are_uniform(streams):
    """Consecutive integer keys (the worst case for a weak mixer) still give uniforms."""
    counters = np.arange(N, dtype=np.uint64)
    u = uniforms(streams["join.consider@1"], 0, counters, 0)
    assert u.min() > 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 1e-3
    assert stats.kstest(u, "uniform").pvalue > 1e-3


# --- independence ----------------------------------------------------------------------

def corr(a, b) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def test_different_decisions_are_uncorrelated(streams, keys):
    sub = keys[:200_000]
    draws = {d: uniforms(streams[d], 5, sub, 0) for d in
             ("join.consider@1", "join.tie@1", "join.brokerage@1", "join.discovery@1",
              "membership.leave@1", "membership.contribute@1", "found.decide@1")}
    names = list(draws)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert abs(corr(draws[a], draws[b])) < 0.02, (a, b)
            assert not np.array_equal(draws[a], draws[b])


def test_neighbouring_keys_weeks_and_subindices_are_uncorrelated(streams):
    s = streams["membership.leave@1"]
    n = 200_000
    base = np.arange(n, dtype=np.uint64)
    u = uniforms(s, 10, base, 0)
    pairs = {
        "next entity key": uniforms(s, 10, base + np.uint64(1), 0),
        "flipped low bit": uniforms(s, 10, base ^ np.uint64(1), 0),
        "next week": uniforms(s, 11, base, 0),
        "next sub-index": uniforms(s, 10, base, 1),
        "another seed": uniforms(decision_streams(12346)["membership.leave@1"], 10, base, 0),
    }
    for what, v in pairs.items():
        assert abs(corr(u, v)) < 0.02, what
        assert np.mean(u == v) < 1e-4, what
    # lag-1 correlation along consecutive keys of one stream
    assert abs(corr(u[:-1], u[1:])) < 0.02


def test_partner_keys_matter(streams):
    s = streams["membership.contribute@1"]
    a = np.array([uniform(s, 3, np.uint64(99), np.uint64(p), 0) for p in range(20_000)])
    b = np.array([uniform(s, 3, np.uint64(99), np.uint64(p + 1), 0) for p in range(20_000)])
    assert np.unique(a).size == a.size
    assert abs(corr(a, b)) < 0.05
    assert abs(a.mean() - 0.5) < 0.01


# --- no call counting: order and number of other draws are irrelevant ------------------

def test_draw_does_not_depend_on_order_or_number_of_other_draws(streams, keys):
    s = streams["join.tie@1"]
    sub = keys[:50_000]
    reference = uniforms(s, 9, sub, 2)
    # shuffled entities: each entity keeps its own value
    perm = np.random.default_rng(0).permutation(sub.size)
    assert np.array_equal(uniforms(s, 9, sub[perm], 2), reference[perm])
    # a subset (fewer draws) and a superset (more draws) leave each value unchanged
    idx = np.arange(0, sub.size, 7)
    assert np.array_equal(uniforms(s, 9, sub[idx], 2), reference[idx])
    assert np.array_equal(uniforms(s, 9, keys[:200_000], 2)[: sub.size], reference)
    # drawing other decisions, weeks and sub-indices first changes nothing
    for d in ("join.consider@1", "membership.leave@1"):
        uniforms(streams[d], 9, sub, 2)
    uniforms(s, 8, sub, 2)
    uniforms(s, 9, sub, 0)
    assert np.array_equal(uniforms(s, 9, sub, 2), reference)
    # element-wise calls give the same bits as the vectorised form
    for j in range(0, 50_000, 5_000):
        assert uniform(s, 9, sub[j], np.uint64(0), 2) == reference[j]


def test_streams_are_a_pure_function_of_the_seed():
    a, b = decision_streams(1), decision_streams(1)
    assert a == b
    assert list(a) == list(DECISIONS)
    assert len(set(a.values())) == len(DECISIONS)


def test_different_seeds_give_different_streams():
    seeds = [0, 1, 2, 3, 42, 2**62]
    all_streams = [decision_streams(s) for s in seeds]
    values = [int(v) for st in all_streams for v in st.values()]
    assert len(set(values)) == len(values)
    u1 = uniforms(all_streams[1]["join.consider@1"], 0, np.arange(10_000, dtype=np.uint64), 0)
    u2 = uniforms(all_streams[2]["join.consider@1"], 0, np.arange(10_000, dtype=np.uint64), 0)
    assert np.mean(u1 == u2) < 1e-3
    assert abs(corr(u1, u2)) < 0.05


def test_derived_keys_do_not_collide(streams):
    s = streams["found.collective@1"]
    ks = {int(derived_key(s, w, np.uint64(p), k))
          for w in range(20) for p in range(100) for k in range(5)}
    assert len(ks) == 20 * 100 * 5


# --- the same property at model level --------------------------------------------------

def test_adding_an_actor_leaves_every_other_actors_draws_unchanged():
    """'Worlds' test: actor attributes come from each actor's own key, so a population
    with one more actor has the same first n actors."""
    small = ReveModel(seed=3, n_actors=700)
    big = ReveModel(seed=3, n_actors=701)
    n = 700
    for field in ("key", "category", "territory", "time_budget", "propensity", "threshold",
                  "found_propensity", "competence", "need_base"):
        a = getattr(small.actors, field)
        b = getattr(big.actors, field)[:n]
        assert np.array_equal(a, b), field
    assert np.array_equal(small.interest, big.interest[:n])


def test_a_parameter_changes_only_the_attributes_it_enters():
    """Changing propensity_median moves propensities but no other personal draw."""
    a = ReveModel(seed=4, n_actors=500, propensity_median=0.3)
    b = ReveModel(seed=4, n_actors=500, propensity_median=0.5)
    assert (b.actors.propensity >= a.actors.propensity).all()
    assert (b.actors.propensity > a.actors.propensity).mean() > 0.9
    for field in ("key", "category", "territory", "establishment", "time_budget", "threshold",
                  "competence", "need_base"):
        assert np.array_equal(getattr(a.actors, field), getattr(b.actors, field)), field
    assert np.array_equal(a.tie_rows, b.tie_rows)
