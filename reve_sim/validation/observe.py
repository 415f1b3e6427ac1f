"""Runs observed week by week for the stylized-fact checks (level 2 of the ladder).

The observer only reads the model's state after each week; it never changes it, so an
observed run is bit-identical to an ordinary run with the same seed and parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..calendar import week_of
from ..keyed_random import uniform
from ..metrics import METRIC_INDEX
from ..model import ReveModel
from ..state import ACTIVE, EMERGENT

RETURN_WEEKS = 13
"""A newcomer has 'returned' when it still holds its membership a quarter after joining."""


@dataclass
class Observed:
    """What the fact checks need from one run."""

    seed: int
    weeks: int
    params: dict
    weekly: np.ndarray  # the weekly metrics table (weeks x WEEKLY_METRICS)
    holiday: np.ndarray
    shock: np.ndarray
    mobility_log: list[dict]
    # collectives at the end of the run (rows in use)
    born: np.ndarray
    died: np.ndarray
    origin: np.ndarray
    supported: np.ndarray
    first_inactive: np.ndarray
    status: np.ndarray
    # memberships at the end: (collective, cumulative contribution)
    member_coll: np.ndarray
    member_total: np.ndarray
    # membership tenures (weeks) and whether the actor left by choice (Kaplan–Meier input)
    tenure: np.ndarray
    tenure_left: np.ndarray
    # newcomers eligible for a welcome: was the welcome drawn, did they return
    welcome_assigned: np.ndarray
    welcome_returned: np.ndarray
    # sizes of active collectives at a few weeks
    sizes: dict[int, np.ndarray] = field(default_factory=dict)
    # activity of every collective each week (ragged: rows in use that week)
    activity: list[np.ndarray] = field(default_factory=list)
    status_history: list[np.ndarray] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    def metric(self, name: str) -> np.ndarray:
        return self.weekly[:, METRIC_INDEX[name]]

    @property
    def first_shock(self) -> tuple[int, int] | None:
        """(first week, first week after) of the first shock of the scenario (the 2020
        school closure in ``lockdown_2020``)."""
        shocks = self.params.get("shocks") or []
        if not shocks:
            return None
        start = self.params["start_date"]
        s = max(0, week_of(start, shocks[0]["start"]))
        e = max(week_of(start, shocks[0]["end"]), s + 1)
        return s, min(e, self.weeks)

    def emergency(self) -> np.ndarray:
        """Rows of the emergent collectives founded during the first shock block."""
        block = self.first_shock
        if block is None:
            return np.zeros(0, dtype=np.int64)
        s, e = block
        return np.flatnonzero((self.origin == EMERGENT) & (self.born >= s) & (self.born < e))

    def activity_of(self, rows: np.ndarray) -> np.ndarray:
        """Weekly summed activity (hours) of the given collectives."""
        out = np.zeros(self.weeks)
        for w, act in enumerate(self.activity):
            r = rows[rows < act.shape[0]]
            out[w] = act[r].sum()
        return out

    def active_at(self, rows: np.ndarray, week: int) -> np.ndarray:
        st = self.status_history[week]
        known = rows < st.shape[0]
        out = np.zeros(rows.shape[0], dtype=bool)
        out[known] = st[rows[known]] == ACTIVE
        return out


def observe(params: dict, seed: int, weeks: int, size_weeks=(52, 104),
            keep_activity: bool = False) -> Observed:
    """Run ``ReveModel(seed, **params)`` for ``weeks`` weeks, recording as it goes."""
    m = ReveModel(seed=seed, **params)
    st_welcome = m.streams["membership.welcome@1"]
    reply = m.kn.reply_probability
    pending: dict[int, list] = {}
    assigned, returned = [], []
    sizes, activity, status_history = {}, [], []
    for w in range(weeks):
        m.step()
        s, c = m.slots, m.collectives
        # outcome of the newcomers who joined RETURN_WEEKS weeks ago
        for i, sl, coll in pending.pop(w, []):
            returned.append(bool(s.coll[i, sl] == coll and s.since[i, sl] == w - RETURN_WEEKS))
        # newcomers of this week, eligible for a welcome next week (a school week, an
        # animator other than themselves); the welcome is drawn by the keyed uniform the
        # model will use, so 'assigned' is a randomised treatment
        if w + 1 < m.environment.n_weeks and not m.environment.holiday[w + 1] and \
                w + RETURN_WEEKS < weeks:
            rows, cols = np.nonzero((s.coll >= 0) & (s.since == w))
            for i, sl in zip(rows.tolist(), cols.tolist(), strict=True):
                coll = int(s.coll[i, sl])
                anim = int(c.animator[coll])
                if anim < 0 or anim == i:
                    continue
                r = 0.9 if c.supported[coll] else reply
                u = uniform(st_welcome, w + 1, m.actors.key[i], c.key[coll], 0)
                assigned.append(bool(u < r))
                pending.setdefault(w + RETURN_WEEKS, []).append((i, sl, coll))
        if w in size_weeks:
            active = c.status[: m.n_used] == ACTIVE
            sizes[w] = c.n_members[: m.n_used][active].copy()
        if keep_activity:
            activity.append(c.activity[: m.n_used].copy())
            status_history.append(c.status[: m.n_used].copy())
    c, s = m.collectives, m.slots
    n = m.n_used
    active = c.status[:n] == ACTIVE
    sizes[weeks - 1] = c.n_members[:n][active].copy()
    held = s.coll >= 0
    tenure, left = _tenures(m)
    ret = np.array(returned[: len(assigned)], dtype=bool)
    return Observed(
        seed=seed, weeks=weeks, params=dict(params), weekly=m.weekly_array().copy(),
        holiday=m.environment.holiday[:weeks].copy(), shock=m.environment.shock[:weeks].copy(),
        mobility_log=list(m.mobility_log), born=c.born[:n].copy(), died=c.died[:n].copy(),
        origin=c.origin[:n].copy(), supported=c.supported[:n].copy(),
        first_inactive=c.first_inactive[:n].copy(), status=c.status[:n].copy(),
        member_coll=s.coll[held].copy(), member_total=s.total_contribution[held].copy(),
        tenure=tenure, tenure_left=left, welcome_assigned=np.array(assigned[: ret.size]),
        welcome_returned=ret, sizes=sizes, activity=activity, status_history=status_history,
        summary=m.summary())


def _tenures(m) -> tuple[np.ndarray, np.ndarray]:
    """Tenures of the memberships begun during the run: ended by choice (event) or
    otherwise, or still held (censored) — the input of metrics' retention estimates."""
    t = np.arange(m.tenure_left.shape[0])
    s = m.slots
    held = (s.coll >= 0) & (s.since >= 0)
    open_tenure = m.week - s.since[held]
    durations = np.concatenate([np.repeat(t, m.tenure_left), np.repeat(t, m.tenure_censored),
                                open_tenure]).astype(float)
    observed = np.concatenate([np.ones(int(m.tenure_left.sum()), bool),
                               np.zeros(int(m.tenure_censored.sum()) + open_tenure.size, bool)])
    return durations, observed


def shock_week(params: dict) -> int | None:
    shocks = params.get("shocks") or []
    if not shocks:
        return None
    return max(0, week_of(params["start_date"], shocks[0]["start"]))
