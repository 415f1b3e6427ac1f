"""Model state as a structure of numpy arrays, each declared once.

Three tables: actors (one row per actor), membership slots (``max_memberships``
columns per actor; a slot holds one membership or is empty, ``coll = -1``), and
collectives (rows allocated with spare capacity; ``status = -1`` marks unused rows).
Dynamic quantities are float64 so that the kernel and the readable reference
compute the same bits; static profiles use compact dtypes.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numpy as np

# Collective status codes.
UNUSED, ACTIVE, DORMANT, DISSOLVED = -1, 0, 1, 2
# Collective origins.
PREEXISTING, EMERGENT, INSTITUTIONAL = 0, 1, 2
ORIGINS = ("preexisting", "emergent", "institutional")
# Collective kinds.
CATEGORICAL, THEMATIC = 0, 1
# Causes of a membership's end.
END_LEFT, END_MOBILITY, END_DISSOLVED = 0, 1, 2


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str
    fill: float
    meaning: str


ACTOR_FIELDS = (
    Field("key", "u8", 0, "persistent 64-bit key (changes when a newcomer takes the row)"),
    Field("category", "i1", 0, "category code (parameters.CATEGORIES)"),
    Field("territory", "i4", 0, "territory index"),
    Field("establishment", "i4", -1, "establishment index, -1 outside schools"),
    Field("time_budget", "f8", 0, "hours per week the actor can give to collectives"),
    Field("propensity", "f8", 0, "engagement propensity in [0, 1]"),
    Field("threshold", "f8", 0, "net expected benefit needed to join"),
    Field("found_propensity", "f8", 0, "propensity to found a collective in [0, 1]"),
    Field("competence", "f8", 0, "efficacy reached without any shock, in [0, 1]"),
    Field("voice", "f8", 0, "propensity to post when taking part (log-normal, median 1)"),
    Field("need_base", "f8", 0, "personal baseline need for support in [0, 1]"),
    Field("need", "f8", 0, "need for support in [0, 1]"),
    Field("anxiety", "f8", 0, "anxiety in [0, 1]"),
    Field("efficacy", "f8", 0, "efficacy in one's educational action in [0, 1]"),
    Field("support", "f8", 0, "social support received last week (benefit units)"),
    Field("knowledge", "f8", 0, "knowledge benefit received last week"),
    Field("unavailable_until", "i4", -1, "last week of a personal contingency"),
    Field("available", "f8", 0, "hours available to collectives this week"),
    Field("committed", "f8", 0, "hours asked by the actor's memberships this week"),
)

SLOT_FIELDS = (
    Field("coll", "i4", -1, "collective row of the membership, -1 if the slot is empty"),
    Field("engagement", "f8", 0, "engagement in [0, 1]; 0 in an empty slot"),
    Field("satisfaction", "f8", 0, "moving average of net benefit"),
    Field("since", "i4", 0, "week the membership started"),
    Field("hours", "f8", 0, "hours given this week"),
    Field("contribution", "f8", 0, "hours contributed this week (0 if no contribution)"),
    Field("total_contribution", "f8", 0, "hours contributed since joining"),
    Field("welcomed", "i1", 0, "1 once the animator welcomed this member"),
)

COLLECTIVE_FIELDS = (
    Field("key", "u8", 0, "persistent 64-bit key"),
    Field("status", "i1", UNUSED, "-1 unused, 0 active, 1 dormant, 2 dissolved"),
    Field("kind", "i1", 0, "0 categorical, 1 thematic"),
    Field("category", "i1", -1, "category of a categorical collective, -1 if thematic"),
    Field("open", "i1", 0, "1 open (discovery is enough), 0 closed (needs a tie)"),
    Field("origin", "i1", 0, "0 pre-existing, 1 emergent, 2 institutional"),
    Field("problem", "i4", 0, "focal problem index"),
    Field("territory", "i4", 0, "home territory"),
    Field("establishment", "i4", -1, "establishment of a local collective, else -1"),
    Field("animator", "i4", -1, "actor row of the animator, -1 if none"),
    Field("supported", "i1", 0, "1 if its animators are supported (animation lever)"),
    Field("funding", "f8", 0, "funding amount while funded"),
    Field("funding_end", "i4", -1, "week funding ends, -1 if unfunded"),
    Field("activity", "f8", 0, "hours contributed by members this week"),
    Field("knowledge", "f8", 0, "knowledge stock"),
    Field("knowledge_added", "f8", 0, "knowledge produced this week"),
    Field("value", "f8", 0, "knowledge benefit offered this week to a member whose main "
          "interest is the focal problem"),
    Field("born", "i4", 0, "week of birth (0 for pre-existing)"),
    Field("died", "i4", -1, "week of dissolution, -1 while alive"),
    Field("quiet_weeks", "i4", 0, "consecutive inactive school weeks"),
    Field("dormant_since", "i4", -1, "week it went dormant, -1 if not dormant"),
    Field("first_inactive", "i4", -1, "first week it was dormant or dissolved, -1 if never"),
    Field("n_members", "i4", 0, "members (derived from the slots each step)"),
    Field("n_contributors", "i4", 0, "members who contributed this week"),
    Field("category_mask", "i4", 0, "bit c set if a member of category c is present"),
    Field("mean_engagement", "f8", 0, "mean engagement of members"),
)


# The tables as compiled code sees them: kernels take a table as a plain tuple of its arrays
# (``Table.bundle()``, quick for Numba to type at each call) and name its fields again with
# these named tuples (``A = Actors(*actors)``), at no cost inside compiled code.
Actors = namedtuple("Actors", [f.name for f in ACTOR_FIELDS])
Slots = namedtuple("Slots", [f.name for f in SLOT_FIELDS])
Collectives = namedtuple("Collectives", [f.name for f in COLLECTIVE_FIELDS])


class Table:
    """A locked bundle of equal-length arrays declared by a tuple of Fields."""

    def __init__(self, fields: tuple[Field, ...], n: int, width: int | None = None):
        object.__setattr__(self, "_fields", fields)
        shape = (n,) if width is None else (n, width)
        for f in fields:
            object.__setattr__(self, f.name, np.full(shape, f.fill, dtype=f.dtype))

    def __setattr__(self, name, value):
        if name not in {f.name for f in self._fields}:
            raise AttributeError(f"{name!r} is not a declared field of this table")
        object.__setattr__(self, name, value)

    def grow(self, n: int) -> None:
        """Extend every array to ``n`` rows, filling new rows with the declared fill."""
        for f in self._fields:
            old = getattr(self, f.name)
            if old.shape[0] >= n:
                continue
            new = np.full((n,) + old.shape[1:], f.fill, dtype=f.dtype)
            new[: old.shape[0]] = old
            object.__setattr__(self, f.name, new)

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in self._fields}

    def bundle(self) -> tuple[np.ndarray, ...]:
        """The arrays in declaration order, as compiled code takes them (see ``Actors``)."""
        return tuple(getattr(self, f.name) for f in self._fields)


def state_digest(*tables: Table) -> str:
    """SHA-256 over every array of the tables (bit-level identity check)."""
    import hashlib

    h = hashlib.sha256()
    for t in tables:
        for name, arr in t.arrays().items():
            h.update(name.encode())
            h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()
