"""Counter-based random numbers: every draw is a pure function of its keys.

A uniform is ``unit(mix64(stream ^ mix64(week + PHI) ^ entity ^ mix64(partner ^ SALT_PAIR)
^ mix64(k ^ SALT_SUB)))`` where ``stream = mix64(mix64(seed ^ SALT_SEED) ^ decision_hash)``.
Nothing counts calls and no generator holds state, so a draw never depends on
which other draws were made, in which order, or on how many threads made them.
That gives bit-identical runs for any thread count and common random numbers
across scenarios (a lever changes only the draws it acts on).

Decision ids are versioned strings hashed with FNV-1a (stable across processes,
unlike Python's salted ``hash``). Changing a decision's meaning bumps its version.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, uint64

MASK64 = (1 << 64) - 1
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
PHI = np.uint64(0x9E3779B97F4A7C15)
SALT_SEED = np.uint64(0x5EED5EED5EED5EED)
SALT_PAIR = np.uint64(0xA5A5A5A5A5A5A5A5)
SALT_SUB = np.uint64(0x3C6EF372FE94F82B)
_TWO_M53 = 1.0 / 9007199254740992.0


@njit(uint64(uint64), cache=True)
def mix64(z):
    """The splitmix64 finaliser: a bijective 64-bit mixer."""
    z = z ^ (z >> _S30)
    z = z * _C1
    z = z ^ (z >> _S27)
    z = z * _C2
    return z ^ (z >> _S31)


@njit(cache=True)
def uniform(stream, week, entity, partner, k):
    """A uniform in (0, 1) keyed by (stream, week, entity key, partner key, sub-index)."""
    return uniform_mixed(stream, week, entity, partner_mix(partner), k)


@njit(cache=True)
def partner_mix(partner):
    """The partner key's term of a draw: a kernel drawing for every membership of a
    collective mixes the collective's key once a week instead of at each draw."""
    return mix64(partner ^ SALT_PAIR)


@njit(cache=True)
def partner_mixes(partners, n):
    """``partner_mix`` of the first ``n`` partner keys."""
    out = np.empty(n, dtype=np.uint64)
    for c in range(n):
        out[c] = partner_mix(partners[c])
    return out


@njit(cache=True)
def uniform_mixed(stream, week, entity, mixed_partner, k):
    """``uniform`` given ``partner_mix(partner)``: the same bits."""
    h = stream ^ mix64(np.uint64(week) + PHI) ^ entity
    h = h ^ mixed_partner ^ mix64(np.uint64(k) ^ SALT_SUB)
    z = mix64(h) >> _S11
    if z == 0:
        return 0.5 * _TWO_M53
    return float(z) * _TWO_M53


@njit(cache=True)
def uniforms(stream, week, entities, k):
    """Vectorised ``uniform`` over entity keys (partner 0)."""
    out = np.empty(entities.shape[0], dtype=np.float64)
    for i in range(entities.shape[0]):
        out[i] = uniform(stream, week, entities[i], np.uint64(0), k)
    return out


@njit(cache=True)
def derived_key(stream, week, parent, k):
    """A persistent key for an entity created during a run (no slot collisions)."""
    return mix64(mix64(stream ^ mix64(np.uint64(week) + PHI) ^ parent) ^ mix64(np.uint64(k)
                                                                              ^ SALT_SUB))


def fnv1a64(text: str) -> int:
    """Stable 64-bit FNV-1a hash of a string."""
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & MASK64
    return h


def mix64_py(z: int) -> int:
    """Pure-Python splitmix64 finaliser (the test oracle for ``mix64``)."""
    z &= MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


DECISIONS: tuple[str, ...] = (
    # population synthesis
    "actor.category@1",
    "actor.territory@1",
    "actor.establishment@1",
    "actor.interest@1",
    "actor.time_budget@1",
    "actor.propensity@1",
    "actor.threshold@1",
    "actor.found_propensity@1",
    "actor.competence@1",
    "actor.need@1",
    "actor.voice@1",
    "tie.peer@1",
    "tie.long_range@1",
    "tie.regular@1",
    "collective.preexisting@1",
    "collective.preexisting_member@1",
    # weekly decisions
    "mobility.move@1",
    "mobility.exit@1",
    "mobility.destination@1",
    "contingency.start@1",
    "contingency.duration@1",
    "animator.departure@1",
    "animator.takeover@1",
    "funding.renewal@1",
    "membership.contribute@1",
    "membership.welcome@1",
    "membership.leave@1",
    "join.consider@1",
    "join.tie@1",
    "join.brokerage@1",
    "join.discovery@1",
    "found.decide@1",
    "found.collective@1",
    "programme.collective@1",
    "programme.animator@1",
    "actor.newcomer@1",
)
"""Every random decision of the model, by versioned id."""


def stream_name(decision: str) -> str:
    """A decision id as a field name: ``"join.tie@1"`` -> ``"join_tie"``."""
    return decision.split("@")[0].replace(".", "_")


Streams = namedtuple("Streams", [stream_name(d) for d in DECISIONS])
"""The stream keys as compiled code names them (``R = Streams(*streams)``)."""


def stream_bundle(streams: dict[str, np.uint64]) -> tuple[np.uint64, ...]:
    """The stream keys of ``decision_streams`` as a plain tuple in DECISIONS order."""
    return tuple(streams[d] for d in DECISIONS)


DECISION_HASHES = {d: fnv1a64(d) for d in DECISIONS}
"""FNV-1a of each decision id (hashed once: a model is built for every run of a sweep)."""


def decision_streams(seed: int) -> dict[str, np.uint64]:
    """The per-run stream key of every decision, derived from the seed by hashing."""
    base = mix64_py((int(seed) & MASK64) ^ int(SALT_SEED))
    return {d: np.uint64(mix64_py(base ^ h)) for d, h in DECISION_HASHES.items()}
