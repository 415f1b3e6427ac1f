"""ReveModel: the Mesa model of actors joining, sustaining and abandoning collectives.

State lives in numpy arrays (reve_sim.state); each week runs the explicit plan
``ReveModel.PLAN`` whose steps call Numba kernels (reve_sim.kernels). Mesa agents
exist only as thin views created on demand (``model.actor(i)``, ``model.collective(c)``).
"""

from __future__ import annotations

import secrets
import time

import mesa
import numpy as np
import pandas as pd

from . import index, kernels, week
from .calendar import build_environment, week_start
from .index import group_index
from .keyed_random import decision_streams, stream_bundle
from .metrics import OBSERVATIONS, OBSERVE_BIT, WEEKLY_METRICS, summarise
from .parameters import CATEGORIES, PARAMETERS, Knobs, ParameterError, did_you_mean, validate
from .population import TEACHER, build_population, draw_attributes

HORIZON = 520  # weeks of calendar prepared at start; extended on demand
PARALLEL_FROM = 30_000
"""Models of at least this many actors run their kernels on threads; smaller ones run the
serial twins (reve_sim.twins), faster at those sizes and giving the same bits."""


def coerce_seed(seed) -> int:
    """A non-negative int seed; None draws one from OS entropy (and it is recorded)."""
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, str):
        seed = seed.strip()
        if not seed.lstrip("-").isdigit():
            raise ParameterError(f"seed = {seed!r} is not a whole number; use e.g. seed=1.")
        seed = int(seed)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed = {seed!r} must be a whole number >= 0.")
    return int(seed)


def observed(observe) -> tuple[str, ...]:
    """The optional weekly observations named in ``observe`` (None: all), checked."""
    if observe is None:
        return tuple(OBSERVATIONS)
    names = [observe] if isinstance(observe, str) else list(observe)
    for name in names:
        if name not in OBSERVATIONS:
            raise ParameterError(f"observe = {observe!r}: {name!r} is not an optional "
                                 f"observation.{did_you_mean(str(name), OBSERVATIONS)} "
                                 f"Allowed: {', '.join(OBSERVATIONS)}.")
    return tuple(name for name in OBSERVATIONS if name in names)


def model_inputs(seed, rng, n_actors, parameters: dict) -> tuple[int, dict, Knobs]:
    """The seed, validated parameters and kernel tuple of a model constructor's arguments
    (shared by ReveModel and the reference implementation; raises ParameterError)."""
    if seed is not None and rng is not None:
        raise ParameterError("give either seed or rng, not both")
    seed = coerce_seed(seed if seed is not None else rng)
    if n_actors is not None:
        parameters = {**parameters, "n_actors": n_actors}
    params = validate(parameters)
    return seed, params, Knobs(*[float(params[name]) for name in PARAMETERS])


class ReveModel(mesa.Model):
    """Educational innovation ecosystem model; one step is one school-calendar week.

    ``ReveModel(seed=1, n_actors=5000, animation=0.5)``; any name of
    ``reve_sim.parameters.PARAMETERS`` (or ``category_shares``, ``start_date``,
    ``shocks``, ``programmes``) is a keyword. Bad input raises ParameterError before
    anything is built.
    """

    PLAN: tuple[tuple[str, str, str], ...] = (
        ("contingencies", "contingencies_phase",
         "calendar, rentrée mobility, personal contingencies, animator departures"),
        ("wellbeing", "wellbeing_phase",
         "need, anxiety and efficacy relax towards their targets"),
        ("interaction", "interaction_phase",
         "time given, contributions, collective activity, benefits, satisfaction, engagement, "
         "decisions to leave"),
        ("leaving", "leaving_phase",
         "members leave (satisfaction and time-pressure hazard); their tenure is recorded"),
        ("joining", "joining_phase",
         "exposure through ties, brokerage and discovery; decisions to join and to found"),
        ("founding", "founding_phase", "emergent collectives from unmet need; programme calls"),
        ("lifecycle", "lifecycle_phase", "animator succession, funding end, dormancy, dissolution"),
        ("spillover", "spillover_phase", "knowledge flows through boundary spanners"),
        ("metrics", "metrics_phase", "weekly observations"),
    )
    """The weekly plan: (name, compiled function in reve_sim.week, what it does), run in this
    order. The rentrée mobility runs before the compiled phases, called from Python."""

    def __init__(self, seed=None, n_actors=None, *, rng=None, observe=None, **parameters):
        seed, params, self.kn = model_inputs(seed, rng, n_actors, parameters)
        self.observed = observed(observe)
        """The optional weekly observations made (metrics.OBSERVATIONS; ``observe``: all of
        them when None): a run needing few outcomes skips the others' passes."""
        super().__init__(rng=seed)
        self.seed = seed
        self.params = params
        self.knobs = tuple(self.kn)  # the form kernels are called with (see Knobs)
        self.parallel = params["n_actors"] >= PARALLEL_FROM
        self._kernels = kernels if self.parallel else kernels.SERIAL
        self._plan = week if self.parallel else week.SERIAL
        self.phased = False
        """Run the plan one phase at a time from Python, timing each in ``phase_seconds``
        (same bits, slower at small sizes); otherwise one compiled call a week."""
        self.streams = decision_streams(seed)
        pop = build_population(params, self.streams)
        self.actors, self.slots, self.collectives = pop.actors, pop.slots, pop.collectives
        self.interest, self.tie_ptr, self.tie_rows = pop.interest, pop.tie_ptr, pop.tie_rows
        self.estab_first, self.estab_count = pop.estab_first, pop.estab_count
        self.n_establishments = int(pop.estab_count.sum())
        self.n_actors = params["n_actors"]
        self.m = params["max_memberships"]
        n_terr, n_cat = params["n_territories"], len(CATEGORIES)
        self.tc_ptr, self.tc_rows = group_index(
            self.actors.territory.astype(np.int64) * n_cat + self.actors.category, n_terr * n_cat)
        self.t_ptr, self.t_rows = group_index(self.actors.territory.astype(np.int64), n_terr)
        self._index_establishments()
        self.environment = build_environment(params, HORIZON)
        self.week = 0
        self.collectives.first_inactive[: pop.n_collectives] = -1
        n, m = self.n_actors, self.m
        counts = np.zeros(week.N_COUNTS, dtype=np.int64)
        counts[week.N_USED] = pop.n_collectives
        counts[week.OBSERVED] = sum(OBSERVE_BIT[name] for name in self.observed)
        self.work = week.Work(
            ended=np.zeros((n, m), dtype=np.int8), choice=np.full(n, -1, dtype=np.int64),
            founder=np.zeros(n, dtype=np.bool_), member_rows=np.zeros(n, dtype=np.int64),
            lifecycle_rows=np.zeros(n, dtype=np.int64), multi_rows=np.zeros(n, dtype=np.int64),
            tenure_left=np.zeros(HORIZON + 1, dtype=np.int64),
            tenure_censored=np.zeros(HORIZON + 1, dtype=np.int64),
            weekly=np.full((HORIZON, len(WEEKLY_METRICS)), np.nan), counts=counts)
        """Per-week scratch and records of the compiled plan (see reve_sim.week.Work)."""
        rows = (index if self.parallel else index.SERIAL).member_rows(self.slots.coll)
        self.work.lifecycle_rows[: rows.size] = rows  # the members the first week visits
        counts[week.N_LIFECYCLE_ROWS] = rows.size
        self.mobility_log: list[dict] = []
        self.phase_seconds = {name: 0.0 for name, _, _ in self.PLAN}
        self._views: dict[tuple[str, int], mesa.Agent] = {}
        self.datacollector = WeeklyCollector(self)
        self.running = True

    @property
    def n_used(self) -> int:
        """Collective rows in use (alive or dissolved)."""
        return int(self.work.counts[week.N_USED])

    @property
    def tenure_left(self) -> np.ndarray:
        """Memberships ended by leaving, by tenure in weeks."""
        return self.work.tenure_left

    @property
    def tenure_censored(self) -> np.ndarray:
        """Memberships ended otherwise (mobility, dissolution), by tenure in weeks."""
        return self.work.tenure_censored

    # --- the weekly plan ----------------------------------------------------------------

    def step(self) -> None:
        """Advance one week through ``PLAN``."""
        self._advance(self.week + 1)
        self.datacollector.collect(self)

    def _advance(self, end: int) -> None:
        """Run the weeks up to ``end`` (excluded): the rentrée mobility from Python, the weeks
        between two rentrées in one compiled call each (``phased``: phase by phase)."""
        while self.week < end:
            w = self.week
            t0 = time.perf_counter()
            if w >= self.environment.n_weeks:
                self._extend_horizon(2 * self.environment.n_weeks)
            env = self.environment
            if env.rentree[w] and w > 0:
                self._mobility(w)
            if self.phased:
                self.phase_seconds["contingencies"] += time.perf_counter() - t0
                for name, _, _ in self.PLAN:
                    self._run_phase(name, w)
                self.week = w + 1
                continue
            later = np.flatnonzero(env.rentree[w + 1: min(end, env.n_weeks)])
            stop = w + 1 + int(later[0]) if later.size else min(end, env.n_weeks)
            done = self._plan.run_weeks(w, stop, 0, *self._state())
            while done < stop:  # that week's founders need more collective rows
                self._reserve(done)
                done = self._plan.run_weeks(done, stop, week.FOUNDING, *self._state())
            self.week = stop

    def _run_phase(self, name: str, w: int) -> None:
        """One phase of the plan, timed (``phased`` runs)."""
        t0 = time.perf_counter()
        if name == "founding":
            self._reserve(w)
        getattr(self._plan, f"{name}_phase")(w, *self._state())
        self.phase_seconds[name] += time.perf_counter() - t0

    def _state(self) -> tuple:
        """The arguments of the compiled phases after the week (see reve_sim.week)."""
        net = (self.interest, self.tie_ptr, self.tie_rows, self.estab_ptr, self.estab_rows,
               self.tc_ptr, self.tc_rows, self.t_ptr, self.t_rows)
        return (self.knobs, self.actors.bundle(), self.slots.bundle(),
                self.collectives.bundle(), stream_bundle(self.streams), self._conditions(),
                net, tuple(self.work))

    def _conditions(self) -> tuple:
        """The environment as the compiled phases take it (see reve_sim.week.Conditions)."""
        env = self.environment
        return (env.holiday, env.peak, env.need, env.anxiety, env.efficacy_loss, env.in_person,
                env.online_discovery, env.time, env.founding, *env.calls)

    def run(self, weeks: int, progress=None) -> ReveModel:
        """Run ``weeks`` more weeks; ``progress(done)`` is called as weeks finish.

        Same result as calling ``step()`` ``weeks`` times, faster at small sizes: the weeks
        between two rentrées run in one compiled call and Mesa's clock then moves on by as
        many steps (one step at a time instead when other Mesa events are scheduled, or for
        large models, where a week is long enough for a progress bar to show it)."""
        if isinstance(weeks, bool) or not isinstance(weeks, int | np.integer) or weeks < 0:
            raise ParameterError(f"weeks = {weeks!r} must be a whole number >= 0.")
        end = self.week + int(weeks)
        while self.week < end:
            if self.parallel or not self._only_weekly_events():
                self.step()
            else:
                start = self.week
                self._advance(end)
                self._advance_clock(self.week - start)
            if progress is not None:
                progress(self.week - (end - int(weeks)))
        return self

    def _only_weekly_events(self) -> bool:
        """Whether Mesa's event list holds nothing but the next weekly step."""
        return self._event_list.peek_ahead(2) == [self._default_schedule._current_event]

    def _advance_clock(self, steps: int) -> None:
        """Mesa's clock, step count and weekly collection after ``steps`` weeks run outside
        its event loop: as if ``step()`` had run ``steps`` times, except that observers of
        Mesa's ``time`` see it move once (an observable costs microseconds a change)."""
        schedule = self._default_schedule
        schedule.stop()
        start = self.time
        self.steps += steps
        self.time = start + steps
        self.datacollector.collected([start + k for k in range(1, steps + 1)])
        schedule.schedule = mesa.time.Schedule(interval=1.0, start=self.time + 1.0)
        schedule.start()

    # --- bookkeeping ----------------------------------------------------------------------

    def _extend_horizon(self, n_weeks: int) -> None:
        """Prepare the calendar, weekly table and tenure records up to ``n_weeks``."""
        self.environment = build_environment(self.params, n_weeks)
        work = self.work

        def longer(a: np.ndarray, n: int, fill) -> np.ndarray:
            out = np.full((n,) + a.shape[1:], fill, dtype=a.dtype)
            out[: a.shape[0]] = a
            return out

        self.work = work._replace(
            tenure_left=longer(work.tenure_left, n_weeks + 1, 0),
            tenure_censored=longer(work.tenure_censored, n_weeks + 1, 0),
            weekly=longer(work.weekly, n_weeks, np.nan))

    def _index_establishments(self) -> None:
        self.estab_ptr, self.estab_rows = group_index(
            self.actors.establishment.astype(np.int64), max(self.n_establishments, 1))

    def _reserve(self, w: int) -> None:
        """Enough collective rows for week ``w``'s founders and programme calls."""
        need = int(self._plan.rows_needed(w, self._conditions(), tuple(self.work)))
        if need > self.collectives.key.shape[0]:
            self.collectives.grow(max(need, 2 * self.collectives.key.shape[0]))

    def _end_by_mobility(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """Clear the slots (rows[k], cols[k]) that mobility ends; their tenure is censored
        (leaving and dissolution end theirs inside the compiled plan)."""
        s = self.slots
        self._kernels.end_memberships(
            self.week, rows, cols, self.work.tenure_censored, s.coll, s.engagement,
            s.satisfaction, s.since, s.hours, s.contribution, s.total_contribution, s.welcomed)

    def _mobility(self, w: int) -> None:
        """Rentrée: teachers change school (losing local memberships) or leave teaching
        (losing every membership; a newcomer takes the row: new key, new attributes, a
        school of the territory)."""
        a, c, st, kn = self.actors, self.collectives, self.streams, self.kn
        rows, cols, leavers, teachers, moved = kernels.rentree_mobility(
            w, min(1.0, kn.teacher_exit_rate * kn.mobility_multiplier),
            min(1.0, kn.school_move_rate * kn.mobility_multiplier), st["mobility.exit@1"],
            st["mobility.move@1"], st["mobility.destination@1"], st["actor.newcomer@1"],
            TEACHER, a.key, a.category, a.territory, a.establishment, self.estab_first,
            self.estab_count, self.slots.coll, c.establishment)
        self._end_by_mobility(rows, cols)
        kernels.drop_absent_animators(self.slots.coll, c.animator, self.n_used)
        draw_attributes(a, self.interest, leavers, self.params, self.streams)
        self.mobility_log.append({"week": w, "teachers": teachers, "moved": moved,
                                  "left": int(leavers.size)})
        self._index_establishments()

    # --- outputs --------------------------------------------------------------------------

    def state_view(self) -> dict[str, np.ndarray]:
        """The state in the shared array layout (views, no copies): ``actor.<field>``,
        ``slot.<field>``, ``collective.<field>`` for the rows in use."""
        view = {f"actor.{k}": v for k, v in self.actors.arrays().items()}
        view.update({f"slot.{k}": v for k, v in self.slots.arrays().items()})
        view.update({f"collective.{k}": v[: self.n_used]
                     for k, v in self.collectives.arrays().items()})
        return view

    def weekly_array(self) -> np.ndarray:
        return self.work.weekly[: self.week]

    def weekly(self) -> pd.DataFrame:
        """Tidy weekly table: one row per week, one column per metric."""
        df = pd.DataFrame(self.weekly_array(), columns=list(WEEKLY_METRICS))
        weeks = np.arange(self.week)
        df.insert(0, "week", weeks)
        df.insert(1, "date", [week_start(self.params["start_date"], w) for w in weeks])
        df.insert(2, "holiday", self.environment.holiday[: self.week])
        df.insert(3, "shock", self.environment.shock[: self.week])
        return df

    def summary(self) -> dict:
        """Per-run outcomes as a plain dict (see reve_sim.metrics.summarise)."""
        return summarise(self)

    # --- thin Mesa views ----------------------------------------------------------------

    def actor(self, i: int):
        """A Mesa agent viewing actor row ``i`` (created once, on demand)."""
        from .views import Actor

        return self._view("actor", int(i), Actor)

    def collective(self, c: int):
        """A Mesa agent viewing collective row ``c`` (created once, on demand)."""
        from .views import Collective

        return self._view("collective", int(c), Collective)

    def _view(self, kind, idx, cls):
        if (kind, idx) not in self._views:
            self._views[(kind, idx)] = cls(self, idx)
        return self._views[(kind, idx)]


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector over the weekly table the model keeps anyway: ``collect`` only
    notes the step and ``model_vars`` (one reporter per WEEKLY_METRICS column, what
    ``mesa.batch_run`` and ``get_model_vars_dataframe`` read) is a view of the table,
    instead of copying 37 values through Python reporters every week."""

    def __init__(self, model: ReveModel):
        self._model = None  # Mesa's constructor registers each reporter in a throwaway dict
        super().__init__(model_reporters={name: name for name in WEEKLY_METRICS})
        self._model = model

    def collect(self, model) -> None:
        self._collection_steps.append(model.time)

    def collected(self, times: list[float]) -> None:
        """Note weeks collected at once (``ReveModel.run``)."""
        self._collection_steps.extend(times)

    @property
    def model_vars(self) -> dict[str, list[float]]:
        if self._model is None:
            return {}
        table = self._model.weekly_array()
        return {name: table[:, j].tolist() for j, name in enumerate(WEEKLY_METRICS)}

    @model_vars.setter
    def model_vars(self, _value) -> None:  # Mesa's constructor sets it empty
        pass
