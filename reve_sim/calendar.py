"""School calendar and scenario timeline, turned into one row of conditions per week.

Week 0 is the Monday ``start_date``. The French school calendar is approximated
without zones: holidays and workload peaks are fixed windows of Monday dates,
the rentrée is the week whose Monday falls between 29 August and 4 September.
Scenario shocks multiply or add to the conditions while they last; programme
calls are listed by week.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np

# (first, last) Monday (month, day) of each window, inclusive.
HOLIDAYS = (
    ((10, 19), (11, 1)),  # Toussaint
    ((12, 21), (12, 31)),  # Noël (first part)
    ((1, 1), (1, 3)),  # Noël (second part)
    ((2, 10), (2, 23)),  # hiver
    ((4, 7), (4, 20)),  # printemps
    ((7, 6), (8, 28)),  # été
)
PEAKS = (((12, 7), (12, 20)), ((3, 10), (3, 23)), ((6, 8), (6, 21)))  # conseils de classe
RENTREE = ((8, 29), (9, 4))


def _in_window(day: dt.date, window) -> bool:
    (m0, d0), (m1, d1) = window
    return (m0, d0) <= (day.month, day.day) <= (m1, d1)


def week_start(start_date: str, week: int) -> dt.date:
    """Monday of ``week``."""
    return dt.date.fromisoformat(start_date) + dt.timedelta(weeks=int(week))


def week_of(start_date: str, date: str) -> int:
    """Index of the week that contains ``date`` (negative before the start)."""
    days = (dt.date.fromisoformat(date) - dt.date.fromisoformat(start_date)).days
    return days // 7


@dataclass
class Environment:
    """Conditions of every week of a horizon (arrays of length n_weeks)."""

    holiday: np.ndarray
    peak: np.ndarray
    rentree: np.ndarray
    need: np.ndarray
    anxiety: np.ndarray
    efficacy_loss: np.ndarray
    in_person: np.ndarray
    online_discovery: np.ndarray
    time: np.ndarray
    founding: np.ndarray
    shock: np.ndarray  # True while any shock is active
    programmes: dict[int, list[dict]]
    calls: tuple[np.ndarray, ...]
    """The programme calls inside the horizon as arrays, in scenario order, for compiled
    code: week, collectives created, problem (-1 any), amount, funding weeks."""

    @property
    def n_weeks(self) -> int:
        return self.holiday.shape[0]


@functools.lru_cache(maxsize=16)
def _school_weeks(start: str, n_weeks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Holiday, workload-peak and rentrée flags of each week (remembered: the runs of a sweep
    share their calendar, and working it out date by date takes milliseconds)."""
    mondays = [week_start(start, w) for w in range(n_weeks)]
    holiday = np.array([any(_in_window(d, w) for w in HOLIDAYS) for d in mondays])
    peak = np.array([any(_in_window(d, w) for w in PEAKS) for d in mondays])
    rentree = np.array([_in_window(d, RENTREE) for d in mondays])
    return holiday, peak, rentree


def build_environment(params: dict, n_weeks: int) -> Environment:
    """Weekly conditions for weeks 0..n_weeks-1 from the calendar and scenario events."""
    start = params["start_date"]
    holiday, peak, rentree = (flags.copy() for flags in _school_weeks(start, n_weeks))
    ones, zeros = np.ones(n_weeks), np.zeros(n_weeks)
    env = Environment(
        holiday=holiday, peak=peak, rentree=rentree,
        need=zeros.copy(), anxiety=zeros.copy(), efficacy_loss=zeros.copy(),
        in_person=ones.copy(), online_discovery=ones.copy(), time=ones.copy(),
        founding=ones.copy(), shock=np.zeros(n_weeks, dtype=bool), programmes={}, calls=(),
    )
    for shock in params["shocks"]:
        w0 = max(week_of(start, shock["start"]), 0)
        w1 = min(max(week_of(start, shock["end"]), w0 + 1), n_weeks)
        if w0 >= n_weeks or shock["end"] <= start:
            continue  # the run starts after the shock ended
        span = slice(w0, w1)
        env.need[span] += shock["need"]
        env.anxiety[span] += shock["anxiety"]
        env.efficacy_loss[span] = np.maximum(env.efficacy_loss[span], shock["efficacy_loss"])
        env.in_person[span] *= shock["in_person"]
        env.online_discovery[span] *= shock["online_discovery"]
        env.time[span] *= shock["time"]
        env.founding[span] *= shock["founding"]
        env.shock[span] = True
    for arr in (env.need, env.anxiety):
        np.clip(arr, 0.0, 1.0, out=arr)
    for prog in params["programmes"]:
        w = week_of(start, prog["start"])
        if 0 <= w < n_weeks:
            env.programmes.setdefault(w, []).append(prog)
    env.calls = _call_arrays(env.programmes, params)
    return env


def _call_arrays(programmes: dict[int, list[dict]], params: dict) -> tuple[np.ndarray, ...]:
    """Programme calls by week as arrays (see ``Environment.calls``)."""
    calls = [(w, prog) for w in sorted(programmes) for prog in programmes[w]]
    n = params["n_actors"]
    return (np.array([w for w, _ in calls], dtype=np.int64),
            np.array([int(round(p["per_1000"] * n / 1000)) for _, p in calls], dtype=np.int64),
            np.array([p["problem"] for _, p in calls], dtype=np.int64),
            np.array([p["amount"] for _, p in calls], dtype=np.float64),
            np.array([int(int(p["duration_weeks"]) or params["funding_duration"])
                      for _, p in calls],
                     dtype=np.int64))


def event_markers(params: dict, n_weeks: int) -> list[tuple[int, int, str]]:
    """(first week, last week, label) of each scenario event inside the horizon, for plots."""
    start = params["start_date"]
    marks = []
    for shock in params["shocks"]:
        w0, w1 = week_of(start, shock["start"]), week_of(start, shock["end"])
        if shock["end"] > start and w0 < n_weeks:
            marks.append((max(w0, 0), min(w1, n_weeks), shock["label"]))
    for prog in params["programmes"]:
        w = week_of(start, prog["start"])
        if 0 <= w < n_weeks:
            marks.append((w, w, prog["label"]))
    return marks
