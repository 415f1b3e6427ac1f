"""Synthetic population: actors, their ties and establishments, pre-existing collectives.

Every attribute is drawn from keyed uniforms of the actor's own key, so adding
actors or changing one parameter leaves the other actors' draws unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import special

from .index import group_index, undirected_csr
from .keyed_random import SALT_PAIR, SALT_SUB, mix64, uniform, uniforms
from .parameters import CATEGORIES, CATEGORY_PROFILES, SCHOOL_CATEGORIES
from .state import ACTIVE, CATEGORICAL, PREEXISTING, THEMATIC, Table

SCHOOL_CODES = np.array([CATEGORIES.index(c) for c in SCHOOL_CATEGORIES], dtype=np.int8)
TEACHER = CATEGORIES.index("teacher")
PROFILE = np.array([CATEGORY_PROFILES[c] for c in CATEGORIES], dtype=np.float64)


@njit(cache=True)
def initial_keys(n, salt):
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        out[i] = mix64(np.uint64(i) ^ salt)
    return out


def _logit_normal(u: np.ndarray, median: float, spread: float) -> np.ndarray:
    """Logit-normal variate in (0, 1) with the given median, by its closed-form quantile
    (a Beta law would need an iterative inverse: ~10 s per million actors)."""
    return special.expit(special.logit(median) + spread * special.ndtri(u))


def draw_attributes(actors: Table, interest: np.ndarray, rows: np.ndarray, params: dict,
                    streams: dict) -> None:
    """Personal attributes of the actors in ``rows`` (their key and category already set)."""
    keys = actors.key[rows]
    cat = actors.category[rows]
    prof = PROFILE[cat]
    k = params["n_problems"]
    expo = np.stack([-np.log(uniforms(streams["actor.interest@1"], 0, keys, j))
                     for j in range(k)], axis=1)
    interest[rows] = expo / expo.sum(axis=1, keepdims=True)
    u = uniforms(streams["actor.time_budget@1"], 0, keys, 0)
    actors.time_budget[rows] = params["time_budget"] * prof[:, 0] * np.exp(
        params["time_budget_spread"] * special.ndtri(u))
    u = uniforms(streams["actor.propensity@1"], 0, keys, 0)
    actors.propensity[rows] = np.clip(
        _logit_normal(u, params["propensity_median"], params["propensity_spread"])
        * prof[:, 1], 0.0, 1.0)
    u = uniforms(streams["actor.threshold@1"], 0, keys, 0)
    actors.threshold[rows] = params["threshold_mean"] + params["threshold_spread"] * \
        special.ndtri(u)
    u = uniforms(streams["actor.found_propensity@1"], 0, keys, 0)
    actors.found_propensity[rows] = np.clip(_logit_normal(u, 0.15, 1.0) * prof[:, 2], 0.0, 1.0)
    u = uniforms(streams["actor.competence@1"], 0, keys, 0)
    actors.competence[rows] = _logit_normal(u, 0.6, 0.5)
    u = uniforms(streams["actor.voice@1"], 0, keys, 0)
    actors.voice[rows] = np.exp(params["voice_spread"] * special.ndtri(u))
    u = uniforms(streams["actor.need@1"], 0, keys, 0)
    actors.need_base[rows] = _logit_normal(u, params["need_baseline"], params["need_spread"])
    actors.need[rows] = actors.need_base[rows]
    actors.anxiety[rows] = params["anxiety_baseline"]
    actors.efficacy[rows] = actors.competence[rows]
    actors.support[rows] = 0.0
    actors.knowledge[rows] = 0.0
    actors.unavailable_until[rows] = -1


def establishments(actors: Table, params: dict, streams: dict) -> tuple[np.ndarray, np.ndarray]:
    """Assign school staff to establishments of their territory (ids contiguous per
    territory); return the first id and the number of establishments of each territory."""
    n_terr = params["n_territories"]
    school = np.isin(actors.category, SCHOOL_CODES)
    staff_per_terr = np.bincount(actors.territory[school], minlength=n_terr)
    per_terr = np.maximum(1, np.ceil(staff_per_terr / params["establishment_size"])).astype(int)
    offset = np.concatenate([[0], np.cumsum(per_terr)])
    rows = np.flatnonzero(school)
    u = uniforms(streams["actor.establishment@1"], 0, actors.key[rows], 0)
    terr = actors.territory[rows]
    actors.establishment[rows] = offset[terr] + (u * per_terr[terr]).astype(np.int64)
    actors.establishment[~school] = -1
    return offset[:-1].astype(np.int64), per_terr.astype(np.int64)


@njit(cache=True)
def _peer_targets(keys, group, ptr, rows, n_ties, stream):
    n = keys.shape[0]
    src = np.empty(n * n_ties, dtype=np.int64)
    dst = np.empty(n * n_ties, dtype=np.int64)
    for i in range(n):
        g = group[i]
        size = ptr[g + 1] - ptr[g]
        for k in range(n_ties):
            u = uniform(stream, 0, keys[i], np.uint64(0), k)
            src[i * n_ties + k] = i
            dst[i * n_ties + k] = rows[ptr[g] + int(u * size)]
    return src, dst


@njit(cache=True)
def _repair_pairing(a, b, n, k, keys, stream):
    """Remove the self-loops and repeated edges of a random pairing of stubs by degree-
    preserving swaps with randomly drawn (keyed) edges; degrees stay k. Returns how many
    defects remain (0 unless the graph is too small or too dense to be simple)."""
    m = a.shape[0]
    adj = np.full((n, k), -1, dtype=np.int64)  # neighbour lists, -1 for a dropped stub
    fill = np.zeros(n, dtype=np.int64)
    for e in range(m):
        adj[a[e], fill[a[e]]] = b[e]
        fill[a[e]] += 1
        adj[b[e], fill[b[e]]] = a[e]
        fill[b[e]] += 1
    remaining = 0
    for attempt in range(200):
        remaining = 0
        for e in range(m):
            x, y = a[e], b[e]
            if x != y and _multiplicity(adj, x, y) < 2:
                continue
            remaining += 1
            f = int(uniform(stream, attempt + 1, keys[x], np.uint64(e), 0) * m)
            c, d = a[f], b[f]
            if uniform(stream, attempt + 1, keys[x], np.uint64(e), 1) < 0.5:
                c, d = d, c
            # (x, y), (c, d) -> (x, c), (y, d)
            if f == e or x == c or y == d or (x == d and y == c) or (x == y and c == d) or \
                    _multiplicity(adj, x, c) > 0 or _multiplicity(adj, y, d) > 0:
                continue
            _replace(adj, x, y, c)
            _replace(adj, y, x, d)
            _replace(adj, c, d, x)
            _replace(adj, d, c, y)
            a[e], b[e], a[f], b[f] = x, c, y, d
            remaining -= 1
        if remaining == 0:
            break
    return remaining


@njit(cache=True)
def _multiplicity(adj, x, y):
    n = 0
    for j in range(adj.shape[1]):
        if adj[x, j] == y:
            n += 1
    return n


@njit(cache=True)
def _replace(adj, x, old, new):
    for j in range(adj.shape[1]):
        if adj[x, j] == old:
            adj[x, j] = new
            return


def regular_ties(actors: Table, k: int, stream) -> tuple[np.ndarray, np.ndarray]:
    """A random k-regular graph over all actors (configuration model: stubs paired in the
    order of keyed uniforms, then self-loops and repeated edges swapped away). If n·k is
    odd, the last actor's last stub is dropped (one actor has k − 1 ties)."""
    n = actors.key.shape[0]
    if k <= 0 or n < 2:
        return undirected_csr(np.zeros(0, np.int64), np.zeros(0, np.int64), n)
    k = min(k, n - 1)
    owner = np.repeat(np.arange(n, dtype=np.int64), k)
    u = np.concatenate([uniforms(stream, 0, actors.key, j) for j in range(k)])
    u = u.reshape(k, n).T.ravel()  # stub j of actor i at position i*k + j
    order = owner[np.argsort(u, kind="stable")]
    if order.size % 2:  # n·k odd: drop one stub of the last actor
        order = np.delete(order, np.flatnonzero(order == n - 1)[-1])
    a, b = order[0::2].copy(), order[1::2].copy()
    _repair_pairing(a, b, n, k, actors.key, stream)
    return undirected_csr(a, b, n)


def ties(actors: Table, params: dict, streams: dict) -> tuple[np.ndarray, np.ndarray]:
    """Undirected social graph (CSR): peers of the same territory and category, plus
    long-range ties (or, with ``tie_graph`` = 1, a random regular graph). Colleagues of an
    establishment are tied implicitly (see model)."""
    n = actors.key.shape[0]
    if params["tie_graph"] == 1:
        return regular_ties(actors, params["ties_peer"], streams["tie.regular@1"])
    group = actors.territory.astype(np.int64) * len(CATEGORIES) + actors.category
    ptr, rows = group_index(group, params["n_territories"] * len(CATEGORIES))
    n_peer = int(round(params["ties_peer"] * params["network_density"]))
    src1, dst1 = _peer_targets(actors.key, group, ptr, rows, n_peer, streams["tie.peer@1"])
    everyone = np.zeros(n, dtype=np.int64)
    all_ptr = np.array([0, n], dtype=np.int64)
    src2, dst2 = _peer_targets(actors.key, everyone, all_ptr, np.arange(n, dtype=np.int64),
                               params["ties_long_range"], streams["tie.long_range@1"])
    return undirected_csr(np.concatenate([src1, src2]), np.concatenate([dst1, dst2]), n)


@njit(cache=True)
def _fill_members(ckey, sizes, ccat, pool_ptr, pool_rows, pool_of, category, coll, engagement,
                  since, propensity, stream, first_row):
    """Recruit each collective's initial members by keyed probing of its pool (only actors
    of its category, for a categorical collective)."""
    m = coll.shape[1]
    animators = np.full(sizes.shape[0], -1, dtype=np.int32)
    for c in range(sizes.shape[0]):
        p = pool_of[c]
        size_pool = pool_ptr[p + 1] - pool_ptr[p]
        if size_pool == 0:
            continue
        got = 0
        for k in range(4 * sizes[c]):
            if got >= sizes[c]:
                break
            u = uniform(stream, 0, ckey[c], np.uint64(0), k)
            a = pool_rows[pool_ptr[p] + int(u * size_pool)]
            if ccat[c] >= 0 and category[a] != ccat[c]:
                continue
            free = -1
            member = False
            for s in range(m):
                if coll[a, s] == first_row + c:
                    member = True
                if coll[a, s] < 0 and free < 0:
                    free = s
            if member or free < 0:
                continue
            coll[a, free] = first_row + c
            engagement[a, free] = propensity[a]
            since[a, free] = -1
            if got == 0:
                animators[c] = a
            got += 1
    return animators


def preexisting_collectives(actors: Table, slots: Table, colls: Table, params: dict,
                            streams: dict, n_estab: int) -> int:
    """Create the collectives present at week 0 and recruit their members; return the count."""
    n = actors.key.shape[0]
    n_c = params["preexisting_count"] or int(round(
        params["preexisting_per_1000"] * params["network_density"] * n / 1000))
    if n_c == 0:
        return 0
    n_terr, k_prob, n_cat = params["n_territories"], params["n_problems"], len(CATEGORIES)
    key = initial_keys(n_c, SALT_SUB)
    s = streams["collective.preexisting@1"]
    draw = [uniforms(s, 0, key, j) for j in range(7)]
    territory = (draw[0] * n_terr).astype(np.int32)
    thematic = draw[1] < params["share_thematic"]
    shares = np.array([params["category_shares"][c] for c in CATEGORIES])
    category = np.minimum(np.searchsorted(np.cumsum(shares), draw[2], side="right"), n_cat - 1)
    category = np.where(thematic, -1, category).astype(np.int8)
    size = np.maximum(2, np.round(params["preexisting_size"] * np.exp(
        params["preexisting_size_spread"] * special.ndtri(draw[3])))).astype(np.int64)
    # Categorical school collectives are local to an establishment half of the time.
    school = np.isin(category, SCHOOL_CODES)
    local = school & (draw[4] < 0.5)
    estab_ptr, estab_rows = group_index(actors.establishment.astype(np.int64), n_estab)
    estab_in_terr = [np.unique(actors.establishment[(actors.territory == t) &
                                                    (actors.establishment >= 0)])
                     for t in range(n_terr)]
    establishment = np.full(n_c, -1, dtype=np.int32)
    for c in np.flatnonzero(local):
        options = estab_in_terr[territory[c]]
        if options.size:
            establishment[c] = options[int(draw[5][c] * options.size)]
        else:
            local[c] = False
    # Pools: 0..n_estab-1 establishments; then territory x category; then territory.
    terr_cat = actors.territory.astype(np.int64) * n_cat + actors.category
    tc_ptr, tc_rows = group_index(terr_cat, n_terr * n_cat)
    t_ptr, t_rows = group_index(actors.territory.astype(np.int64), n_terr)
    pool_ptr = np.concatenate([estab_ptr, estab_ptr[-1] + tc_ptr[1:],
                               estab_ptr[-1] + tc_ptr[-1] + t_ptr[1:]])
    pool_rows = np.concatenate([estab_rows, tc_rows, t_rows])
    pool_of = np.where(local, establishment,
                       np.where(thematic, n_estab + n_terr * n_cat + territory,
                                n_estab + territory.astype(np.int64) * n_cat
                                + np.maximum(category, 0))).astype(np.int64)
    animators = _fill_members(key, size, category, pool_ptr, pool_rows, pool_of,
                              actors.category, slots.coll, slots.engagement, slots.since,
                              actors.propensity, streams["collective.preexisting_member@1"], 0)
    colls.grow(max(2 * n_c, 64))
    rows = slice(0, n_c)
    colls.key[rows] = key
    colls.status[rows] = ACTIVE
    colls.kind[rows] = np.where(thematic, THEMATIC, CATEGORICAL)
    colls.category[rows] = category
    colls.open[rows] = draw[6] < params["share_open"]
    colls.origin[rows] = PREEXISTING
    colls.problem[rows] = (uniforms(s, 0, key, 7) * k_prob).astype(np.int32)
    colls.territory[rows] = territory
    colls.establishment[rows] = establishment
    colls.animator[rows] = animators
    colls.supported[rows] = uniforms(s, 0, key, 8) < params["animation"]
    colls.knowledge[rows] = 1.0
    colls.born[rows] = 0
    return n_c


@dataclass
class Population:
    actors: Table
    slots: Table
    collectives: Table
    interest: np.ndarray
    tie_ptr: np.ndarray
    tie_rows: np.ndarray
    estab_first: np.ndarray
    estab_count: np.ndarray
    n_collectives: int


def build_population(params: dict, streams: dict) -> Population:
    """Actors, interest profiles, ties, establishments and pre-existing collectives."""
    from .state import ACTOR_FIELDS, COLLECTIVE_FIELDS, SLOT_FIELDS

    n = params["n_actors"]
    actors = Table(ACTOR_FIELDS, n)
    slots = Table(SLOT_FIELDS, n, params["max_memberships"])
    colls = Table(COLLECTIVE_FIELDS, 0)
    actors.key[:] = initial_keys(n, SALT_PAIR)
    u = uniforms(streams["actor.category@1"], 0, actors.key, 0)
    shares = np.array([params["category_shares"][c] for c in CATEGORIES])
    actors.category[:] = np.minimum(np.searchsorted(np.cumsum(shares), u, side="right"),
                                    len(CATEGORIES) - 1)
    u = uniforms(streams["actor.territory@1"], 0, actors.key, 0)
    actors.territory[:] = (u * params["n_territories"]).astype(np.int32)
    interest = np.zeros((n, params["n_problems"]), dtype=np.float64)
    draw_attributes(actors, interest, np.arange(n), params, streams)
    first, count = establishments(actors, params, streams)
    tie_ptr, tie_rows = ties(actors, params, streams)
    n_c = preexisting_collectives(actors, slots, colls, params, streams, int(count.sum()))
    if colls.key.shape[0] == 0:
        colls.grow(64)
    return Population(actors, slots, colls, interest, tie_ptr, tie_rows, first, count, n_c)
