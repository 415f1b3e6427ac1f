"""Light weekly snapshots of the collectives, taken after each step.

The model keeps only the current state; the app needs last week's state (to tell what
changed) and, for replays, every week's state (to move a slider through time). A
``Frame`` copies the few collective columns the views read plus the links between
collectives that share members — a few kilobytes per week at workshop sizes, so a
three-year run keeps all of them. Nothing here creates Mesa agents: it reads the arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parameters import CATEGORIES
from ..state import DISSOLVED

N_CAT = len(CATEGORIES)


@dataclass(frozen=True)
class Frame:
    """State of the collectives at the end of ``week`` (rows ``[:n]`` of the model)."""

    week: int
    status: np.ndarray  # int8: 0 active, 1 dormant, 2 dissolved
    origin: np.ndarray  # int8: 0 pre-existing, 1 emergent, 2 institutional
    problem: np.ndarray  # int32
    territory: np.ndarray  # int32
    animator: np.ndarray  # int32 actor row, -1 if none
    animator_key: np.ndarray  # uint64 key of the animator (0 if none)
    n_members: np.ndarray  # int32, counted from the membership slots
    funding_end: np.ndarray  # int32, -1 if never funded
    born: np.ndarray  # int32
    died: np.ndarray  # int32, -1 while alive
    counts: np.ndarray  # int32 [n, N_CAT]: members of each category
    edges: np.ndarray  # int32 [e, 3]: collective a < b, shared members

    @property
    def n(self) -> int:
        return int(self.status.shape[0])


def category_counts(coll: np.ndarray, category: np.ndarray, n: int) -> np.ndarray:
    """Members of each category in each of the first ``n`` collectives."""
    rows, cols = np.nonzero(coll >= 0)
    c = coll[rows, cols].astype(np.int64)
    flat = np.bincount(c * N_CAT + category[rows].astype(np.int64), minlength=n * N_CAT)
    return flat[: n * N_CAT].reshape(n, N_CAT).astype(np.int32)


def shared_member_edges(coll: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Pairs of alive collectives (a < b) with the number of members they share.

    ``coll`` is the [actors, slots] membership table; ``alive`` flags collective rows.
    Vectorised over slot pairs (at most 28 for 8 slots), so it costs a few ms per week.
    """
    m = coll.shape[1]
    holds = coll >= 0
    multi = np.flatnonzero(holds.sum(axis=1) >= 2)
    if multi.size == 0 or alive.size == 0:
        return np.zeros((0, 3), dtype=np.int32)
    sub = coll[multi].astype(np.int64)
    ok = sub >= 0
    ok[ok] = alive[sub[ok]]
    pairs = []
    for i in range(m):
        for j in range(i + 1, m):
            both = ok[:, i] & ok[:, j]
            if both.any():
                a, b = sub[both, i], sub[both, j]
                pairs.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    if not pairs:
        return np.zeros((0, 3), dtype=np.int32)
    allp = np.concatenate(pairs)
    uniq, count = np.unique(allp, axis=0, return_counts=True)
    return np.column_stack([uniq, count]).astype(np.int32)


def capture(model) -> Frame:
    """Snapshot of the model's collectives after its last step."""
    n = model.n_used
    c = model.collectives
    status = c.status[:n].copy()
    animator = c.animator[:n].copy()
    keys = np.where(animator >= 0, model.actors.key[np.maximum(animator, 0)], 0)
    coll = model.slots.coll
    counts = category_counts(coll, model.actors.category, n)
    return Frame(
        week=int(model.week),
        status=status,
        origin=c.origin[:n].copy(),
        problem=c.problem[:n].copy(),
        territory=c.territory[:n].copy(),
        animator=animator,
        animator_key=keys.astype(np.uint64),
        n_members=counts.sum(axis=1).astype(np.int32),
        funding_end=c.funding_end[:n].copy(),
        born=c.born[:n].copy(),
        died=c.died[:n].copy(),
        counts=counts,
        edges=shared_member_edges(coll, status != DISSOLVED),
    )


class History:
    """All frames of a run, week 0 (the initial state) first."""

    def __init__(self, model):
        self.frames: list[Frame] = [capture(model)]

    def record(self, model) -> Frame:
        frame = capture(model)
        self.frames.append(frame)
        return frame

    def at(self, week: int) -> Frame:
        """The frame of ``week``, clipped to the weeks recorded."""
        return self.frames[max(0, min(int(week), len(self.frames) - 1))]

    @property
    def last(self) -> Frame:
        return self.frames[-1]
