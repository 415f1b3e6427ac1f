"""One simulation as the app sees it: the model, its weekly frames and its event log.

``Run`` is shared by the live page, the comparison, the replay and the exports, so all
of them step the model the same way ``ReveModel.run`` does (one ``model.step()`` per
week) and derive events identically. Steps are bounded by the run's horizon and by
time limits (guard rails); an exception in the model is kept in ``Run.error`` and
stops the run instead of propagating to the page.
"""

from __future__ import annotations

import time
import traceback

import numpy as np
import pandas as pd

from ..calendar import week_start
from ..metrics import METRIC_INDEX
from ..model import ReveModel
from .charts import Marker, scenario_markers
from .events import Event, calendar_events, collective_events, ecosystem_events, sort_week
from .history import History
from .names import collective_names
from .network import Layout, layout_for


class Run:
    """A model stepped week by week, with a frame and the events of every week."""

    def __init__(self, params: dict, seed: int, horizon: int, title: str = "",
                 scenario: str = ""):
        self.title = title
        self.scenario = scenario
        self.horizon = int(horizon)
        self.model = ReveModel(seed=seed, **params)
        self.history = History(self.model)
        self.events: list[Event] = []
        self.error: str | None = None
        self.layout: Layout = layout_for(self.model)
        self._names: dict[str, tuple[int, list[str]]] = {}
        self._weekly: tuple[int, pd.DataFrame] | None = None
        self._milestones: set[tuple[int, int]] = set()

    # --- stepping ------------------------------------------------------------------------

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return int(self.model.week)

    @property
    def finished(self) -> bool:
        return self.week >= self.horizon or self.error is not None

    def step(self, n: int = 1) -> float:
        """Simulate up to ``n`` more weeks (never past the horizon). Returns the longest
        week's duration in seconds; an error stops the run and is kept in ``error``."""
        slowest = 0.0
        for _ in range(int(n)):
            if self.finished:
                break
            t0 = time.perf_counter()
            try:
                self._one_week()
            except Exception as exc:  # shown in the page's error panel
                self.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                self.traceback = traceback.format_exc()
                break
            slowest = max(slowest, time.perf_counter() - t0)
        return slowest

    def run_to(self, weeks: int | None = None, time_limit: float | None = None,
               progress=None) -> bool:
        """Simulate up to ``weeks`` (default: the horizon); False if stopped by the time
        limit. ``progress(done, total)`` is called after each week."""
        target = min(self.horizon, self.horizon if weeks is None else int(weeks))
        t0 = time.perf_counter()
        while self.week < target and not self.finished:
            self.step(1)
            if progress is not None:
                progress(self.week, target)
            if time_limit is not None and time.perf_counter() - t0 > time_limit:
                return False
        return True

    def _one_week(self) -> None:
        m = self.model
        w = m.week
        eco = METRIC_INDEX["ecosystems"]
        before = m.weekly_array()[w - 1, eco] if w > 0 else 0.0
        prev = self.history.last
        m.step()
        frame = self.history.record(m)
        new = calendar_events(m.params, m.environment, m.mobility_log, w)
        new += ecosystem_events(w, before, m.weekly_array()[w, eco])
        for e in collective_events(prev, frame):
            if e.kind == "milestone":  # only the first time a collective reaches a size
                if (e.row, e.value) in self._milestones:
                    continue
                self._milestones.add((e.row, e.value))
            new.append(e)
        self.events.extend(sort_week(new))

    # --- reading -------------------------------------------------------------------------

    def weekly(self) -> pd.DataFrame:
        """The model's weekly table (cached per week)."""
        if self._weekly is None or self._weekly[0] != self.week:
            self._weekly = (self.week, self.model.weekly())
        return self._weekly[1]

    def names(self, lang: str) -> list[str]:
        """Readable names of the collective rows so far."""
        n = self.history.last.n
        cached = self._names.get(lang)
        if cached is None or cached[0] != n:
            f = self.history.last
            cached = (n, collective_names(f.problem, f.territory,
                                          self.model.params["n_problems"], lang))
            self._names[lang] = cached
        return cached[1]

    def markers(self) -> list[Marker]:
        return scenario_markers(self.model.params, self.model.environment, self.horizon)

    def date(self, week: int) -> str:
        return week_start(self.model.params["start_date"], week).strftime("%d/%m/%Y")

    def events_until(self, week: int) -> list[Event]:
        """Events of weeks ``< week`` (the weeks simulated by then)."""
        return [e for e in self.events if e.week < week]

    def final(self) -> dict[str, float]:
        """Last weekly values of every metric."""
        if self.week == 0:
            return {}
        row = self.model.weekly_array()[-1]
        return {k: float(row[j]) for k, j in METRIC_INDEX.items() if np.isfinite(row[j])}
