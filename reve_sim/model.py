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

from . import index, kernels
from .calendar import build_environment, week_start
from .index import group_index, marked_slots, slots_in, sorted_union
from .keyed_random import decision_streams, derived_keys, uniforms
from .metrics import WEEKLY_METRICS, summarise, weekly_row
from .parameters import CATEGORIES, PARAMETERS, Knobs, ParameterError, validate
from .population import TEACHER, build_population, draw_attributes
from .state import END_DISSOLVED, END_LEFT, END_MOBILITY

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
        ("contingencies", "_contingencies",
         "calendar, rentrée mobility, personal contingencies, animator departures"),
        ("wellbeing", "_wellbeing", "need, anxiety and efficacy relax towards their targets"),
        ("interaction", "_interaction",
         "time given, contributions, collective activity, benefits, satisfaction, engagement, "
         "decisions to leave"),
        ("leaving", "_leaving",
         "members leave (satisfaction and time-pressure hazard); their tenure is recorded"),
        ("joining", "_joining",
         "exposure through ties, brokerage and discovery; decisions to join and to found"),
        ("founding", "_founding", "emergent collectives from unmet need; programme calls"),
        ("lifecycle", "_lifecycle", "animator succession, funding end, dormancy, dissolution"),
        ("spillover", "_spillover", "knowledge flows through boundary spanners"),
        ("metrics", "_metrics", "weekly observations"),
    )
    """The weekly plan: (name, method, what it does), run in this order."""

    def __init__(self, seed=None, n_actors=None, *, rng=None, **parameters):
        seed, params, self.kn = model_inputs(seed, rng, n_actors, parameters)
        super().__init__(rng=seed)
        self.seed = seed
        self.params = params
        self.knobs = tuple(self.kn)  # the form kernels are called with (see Knobs)
        self.parallel = params["n_actors"] >= PARALLEL_FROM
        self._kernels = kernels if self.parallel else kernels.SERIAL
        self._index = index if self.parallel else index.SERIAL
        self.streams = decision_streams(seed)
        pop = build_population(params, self.streams)
        self.actors, self.slots, self.collectives = pop.actors, pop.slots, pop.collectives
        self.interest, self.tie_ptr, self.tie_rows = pop.interest, pop.tie_ptr, pop.tie_rows
        self.estab_first, self.estab_count = pop.estab_first, pop.estab_count
        self.n_establishments = int(pop.estab_count.sum())
        self.n_used = pop.n_collectives
        self.n_actors = params["n_actors"]
        self.m = params["max_memberships"]
        n_terr, n_cat = params["n_territories"], len(CATEGORIES)
        self.tc_ptr, self.tc_rows = group_index(
            self.actors.territory.astype(np.int64) * n_cat + self.actors.category, n_terr * n_cat)
        self.t_ptr, self.t_rows = group_index(self.actors.territory.astype(np.int64), n_terr)
        self._index_establishments()
        self.environment = build_environment(params, HORIZON)
        self.week = 0
        self.collectives.first_inactive[: self.n_used] = -1
        self._rows = np.full((HORIZON, len(WEEKLY_METRICS)), np.nan)
        self.tenure_left = np.zeros(HORIZON + 1, dtype=np.int64)
        self.tenure_censored = np.zeros(HORIZON + 1, dtype=np.int64)
        self._ended = np.zeros((self.n_actors, self.m), dtype=np.int8)
        self._choice = np.full(self.n_actors, -1, dtype=np.int64)
        self._founder = np.zeros(self.n_actors, dtype=np.bool_)
        self._joins = 0
        self._exits = 0
        self._member_rows = np.zeros(0, dtype=np.int64)  # actors in a collective last week
        self._lifecycle_rows = self._index.member_rows(self.slots.coll)
        self.mobility_log: list[dict] = []
        self.phase_seconds = {name: 0.0 for name, _, _ in self.PLAN}
        self._views: dict[tuple[str, int], mesa.Agent] = {}
        self.datacollector = WeeklyCollector(self)
        self.running = True

    # --- the weekly plan ----------------------------------------------------------------

    def step(self) -> None:
        """Advance one week through ``PLAN``."""
        if self.week >= self.environment.n_weeks:
            self.environment = build_environment(self.params, 2 * self.environment.n_weeks)
        for name, method, _ in self.PLAN:
            t0 = time.perf_counter()
            getattr(self, method)(self.week)
            self.phase_seconds[name] += time.perf_counter() - t0
        self.week += 1
        self.datacollector.collect(self)

    def run(self, weeks: int, progress=None) -> ReveModel:
        """Run ``weeks`` more weeks; ``progress(done)`` is called after each week."""
        if isinstance(weeks, bool) or not isinstance(weeks, int | np.integer) or weeks < 0:
            raise ParameterError(f"weeks = {weeks!r} must be a whole number >= 0.")
        for done in range(1, int(weeks) + 1):
            self.step()
            if progress is not None:
                progress(done)
        return self

    def _env(self, w: int):
        e = self.environment
        return e, bool(e.holiday[w]), bool(e.peak[w])

    def _contingencies(self, w: int) -> None:
        kernels = self._kernels  # threaded, or their serial twins
        env, _, peak = self._env(w)
        if env.rentree[w] and w > 0:
            self._mobility(w)
        a, s, c, st = self.actors, self.slots, self.collectives, self.streams
        kernels.contingencies(w, self.knobs, env.time[w], peak,
                              st["contingency.start@1"], st["contingency.duration@1"], a.key,
                              a.category, a.time_budget, a.unavailable_until, s.engagement,
                              s.coll, a.available, TEACHER)
        kernels.animator_departures(w, self.knobs, st["animator.departure@1"], c.key, c.status,
                                    c.animator, c.supported, self.n_used)

    def _wellbeing(self, w: int) -> None:
        kernels = self._kernels  # threaded, or their serial twins
        env = self.environment
        a = self.actors
        kernels.wellbeing(self.knobs, env.need[w], env.anxiety[w], env.efficacy_loss[w],
                          a.need_base, a.need, a.anxiety, a.efficacy, a.competence, a.support,
                          a.knowledge)

    def _interaction(self, w: int) -> None:
        kernels = self._kernels  # threaded, or their serial twins
        env, holiday, _ = self._env(w)
        a, s, c, st = self.actors, self.slots, self.collectives, self.streams
        # last week's lifecycle rows: a superset of today's members (only leaving, mobility
        # and dissolution have happened since, and they only remove memberships)
        rows = self._lifecycle_rows
        self._visit = sorted_union(rows, self._member_rows)
        self._member_rows = rows
        kernels.give_time(w, self.knobs, holiday, st["membership.contribute@1"], self._visit,
                          a.key, c.key, a.voice, a.available, a.committed, s.coll,
                          s.engagement, s.hours, s.contribution, s.total_contribution,
                          c.animator, c.supported)
        kernels.tally_collectives(self.knobs, rows, s.coll, a.category, s.engagement,
                                  s.contribution, c.status, c.activity, c.n_members,
                                  c.n_contributors, c.category_mask, c.mean_engagement,
                                  c.knowledge, c.knowledge_added, c.value, self.n_used)
        kernels.member_benefits(w, self.knobs, holiday, st["membership.welcome@1"],
                                st["membership.leave@1"], self._visit, a.key, c.key,
                                self.interest, a.need, a.propensity, a.available, a.committed,
                                s.coll, s.engagement, s.satisfaction, s.since, s.contribution,
                                s.welcomed, c.problem, c.value, c.n_members, c.n_contributors,
                                c.animator, c.supported, a.support, a.knowledge, self._ended)

    def _leaving(self, w: int) -> None:
        """Close the memberships members decided to leave (``member_benefits``)."""
        self._exits = self._end_memberships(*marked_slots(self._member_rows, self._ended),
                                            END_LEFT)

    def _joining(self, w: int) -> None:
        kernels = self._kernels  # threaded, or their serial twins
        env = self.environment
        a, s, c, st = self.actors, self.slots, self.collectives, self.streams
        n_used, k_prob = self.n_used, self.params["n_problems"]
        broker_ptr, broker_rows, disc_rows, disc_cum = kernels.join_channels(
            c.status, c.territory, c.problem, c.open, c.n_members, self.params["n_territories"],
            k_prob, n_used)
        kernels.choose_collective(
            w, self.knobs, env.founding[w], env.in_person[w], env.online_discovery[w],
            st["join.consider@1"], st["join.tie@1"], st["join.brokerage@1"],
            st["join.discovery@1"], st["found.decide@1"], a.key, a.category, a.territory,
            a.establishment, self.interest, a.need, a.propensity, a.threshold,
            a.found_propensity, a.available, a.committed, a.support, a.unavailable_until, s.coll,
            self.tie_ptr, self.tie_rows, self.estab_ptr, self.estab_rows, c.category,
            c.establishment, c.status, c.open, c.problem, c.activity, c.n_members,
            c.n_contributors, c.category_mask, c.animator, c.supported, broker_ptr, broker_rows,
            k_prob, disc_cum, disc_rows, self._choice, self._founder)
        kernels.apply_joins(w, self._choice, a.propensity, s.coll, s.engagement, s.satisfaction,
                            s.since, s.total_contribution, s.welcomed)
        self._joins = int(np.count_nonzero(self._choice >= 0))

    def _founding(self, w: int) -> None:
        """Founders (decided with the joining choices) create their collectives; programme
        calls create theirs."""
        kernels = self._kernels  # threaded, or their serial twins
        env = self.environment
        a, s, st = self.actors, self.slots, self.streams
        calls = env.programmes.get(w, [])
        n_calls = [int(round(p["per_1000"] * self.n_actors / 1000)) for p in calls]
        self._reserve(int(self._founder.sum()) + sum(n_calls))
        c = self.collectives
        person = (self.interest, a.need, a.propensity, a.unavailable_until, s.coll, s.engagement,
                  s.satisfaction, s.since, s.total_contribution, s.welcomed, self.tie_ptr,
                  self.tie_rows, self.estab_ptr, self.estab_rows)
        self.n_used = kernels.found_collectives(
            w, self.knobs, env.in_person[w], st["found.collective@1"], self._founder, a.key,
            a.category, a.territory, a.establishment, *person, c.key, c.status, c.kind,
            c.category, c.open, c.origin, c.problem, c.territory, c.establishment, c.animator,
            c.supported, c.knowledge, c.born, self.n_used)
        for j, (prog, n_new) in enumerate(zip(calls, n_calls, strict=True)):
            duration = int(prog["duration_weeks"]) or self.params["funding_duration"]
            self.n_used = kernels.programme_collectives(
                w, self.knobs, env.in_person[w], n_new, j, prog["problem"], prog["amount"],
                duration, self.params["n_territories"], CATEGORIES.index("support_staff"),
                len(CATEGORIES), st["programme.collective@1"], st["programme.animator@1"],
                self.tc_ptr, self.tc_rows, self.t_ptr, self.t_rows, a.key, a.category,
                a.establishment, *person, c.key, c.status, c.kind, c.category, c.open,
                c.origin, c.problem, c.territory, c.establishment, c.animator, c.supported,
                c.funding, c.funding_end, c.knowledge, c.born, self.n_used)

    def _lifecycle(self, w: int) -> None:
        kernels = self._kernels  # threaded, or their serial twins
        _, holiday, _ = self._env(w)
        a, s, c, st = self.actors, self.slots, self.collectives, self.streams
        successor = np.empty(self.n_used, dtype=np.int64)
        self._lifecycle_rows = self._index.member_rows(s.coll)
        kernels.tally_members(self.knobs, self._lifecycle_rows, s.coll, a.category,
                              s.engagement, c.status, c.n_members, c.category_mask, successor,
                              np.empty(self.n_used), self.n_used)
        dissolved = kernels.lifecycle(
            w, self.knobs, holiday, st["animator.takeover@1"], st["funding.renewal@1"], s.coll,
            c.key, c.status, c.animator, c.funding, c.funding_end, c.activity, c.n_members,
            c.mean_engagement, c.born, c.died, c.quiet_weeks, c.dormant_since, c.first_inactive,
            successor, self.n_used)
        if dissolved:
            self._end_memberships(*slots_in(self._lifecycle_rows, s.coll, c.died, w),
                                  END_DISSOLVED)

    def _spillover(self, w: int) -> None:
        kernels = self._kernels  # threaded, or their serial twins
        c = self.collectives
        kernels.spillover(self.knobs, self._lifecycle_rows, self.slots.coll, c.status,
                          c.knowledge, c.n_members, self.n_used)

    def _metrics(self, w: int) -> None:
        a, s, c, used = self.actors, self.slots, self.collectives, slice(0, self.n_used)
        state = {"slot.coll": s.coll, "slot.engagement": s.engagement,
                 "slot.contribution": s.contribution,
                 "slot.total_contribution": s.total_contribution,
                 "actor.category": a.category, "actor.need": a.need,
                 "actor.anxiety": a.anxiety, "actor.efficacy": a.efficacy}
        state.update({f"collective.{k}": getattr(c, k)[used] for k in _OBSERVED_COLLECTIVE})
        row = weekly_row(state, self.params, w, self._joins, self._exits,
                         rows=self._lifecycle_rows,  # a superset after the dissolutions
                         serial=not self.parallel)
        if w >= self._rows.shape[0]:
            self._rows = np.vstack([self._rows, np.full_like(self._rows, np.nan)])
        self._rows[w] = row

    # --- bookkeeping ----------------------------------------------------------------------

    def _index_establishments(self) -> None:
        self.estab_ptr, self.estab_rows = group_index(
            self.actors.establishment.astype(np.int64), max(self.n_establishments, 1))

    def _reserve(self, extra: int) -> None:
        need = self.n_used + extra
        if need > self.collectives.key.shape[0]:
            self.collectives.grow(max(need, 2 * self.collectives.key.shape[0]))

    def _end_memberships(self, rows: np.ndarray, cols: np.ndarray, cause: int) -> int:
        """Clear the slots (rows[k], cols[k]) and record their tenure (event if the actor left
        by choice, censored otherwise). Returns how many ended."""
        kernels = self._kernels  # threaded, or their serial twins
        if self.week >= self.tenure_left.shape[0]:
            extra = np.zeros(self.tenure_left.shape[0], dtype=np.int64)
            self.tenure_left = np.concatenate([self.tenure_left, extra])
            self.tenure_censored = np.concatenate([self.tenure_censored, extra])
        s = self.slots
        kernels.end_memberships(self.week, rows, cols,
                                self.tenure_left if cause == END_LEFT else self.tenure_censored,
                                s.coll, s.engagement, s.satisfaction, s.since, s.hours,
                                s.contribution, s.total_contribution, s.welcomed)
        return int(rows.size)

    def _mobility(self, w: int) -> None:
        """Rentrée: teachers change school (losing local memberships) or leave teaching
        (losing every membership; a newcomer takes the row)."""
        a, c, st = self.actors, self.collectives, self.streams
        teachers = np.flatnonzero(a.category == TEACHER)
        keys = a.key[teachers]
        mult = self.kn.mobility_multiplier
        leaves = uniforms(st["mobility.exit@1"], w, keys, 0) < min(1.0, self.kn.teacher_exit_rate
                                                                   * mult)
        moves = ~leaves & (uniforms(st["mobility.move@1"], w, keys, 0)
                           < min(1.0, self.kn.school_move_rate * mult))
        movers, leavers = teachers[moves], teachers[leaves]
        old = a.establishment.copy()
        # movers: another establishment of the same territory
        first, count = self.estab_first, self.estab_count
        u = uniforms(st["mobility.destination@1"], w, a.key[movers], 0)
        t = a.territory[movers]
        cnt = count[t]
        shift = 1 + (u * np.maximum(cnt - 1, 1)).astype(np.int64)
        a.establishment[movers] = np.where(
            cnt > 1, first[t] + (old[movers] - first[t] + shift) % np.maximum(cnt, 1),
            old[movers])
        local = np.zeros(self.slots.coll.shape, dtype=bool)
        sub = self.slots.coll[movers]
        cest = np.where(sub >= 0, c.establishment[np.maximum(sub, 0)], -1)
        changed = (a.establishment[movers] != old[movers])[:, None]
        local[movers] = (sub >= 0) & (cest >= 0) & (cest == old[movers][:, None]) & changed
        local[leavers] = self.slots.coll[leavers] >= 0
        self._end_memberships(*np.nonzero(local), END_MOBILITY)
        self._drop_absent_animators()
        # leavers: a newcomer teacher takes the row (new key, new attributes, a school)
        a.key[leavers] = derived_keys(st["actor.newcomer@1"], w, a.key[leavers], 0)
        draw_attributes(a, self.interest, leavers, self.params, self.streams)
        u = uniforms(st["mobility.destination@1"], w, a.key[leavers], 1)
        t = a.territory[leavers]
        a.establishment[leavers] = first[t] + (u * np.maximum(count[t], 1)).astype(np.int64)
        self.mobility_log.append({"week": w, "teachers": int(teachers.size),
                                  "moved": int(changed.sum()), "left": int(leavers.size)})
        self._index_establishments()

    def _drop_absent_animators(self) -> None:
        """An animator who no longer belongs to the collective stops animating it."""
        c = self.collectives
        rows = np.flatnonzero(c.animator[: self.n_used] >= 0)
        held = (self.slots.coll[c.animator[rows]] == rows[:, None]).any(axis=1)
        c.animator[rows[~held]] = -1

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
        return self._rows[: self.week]

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


_OBSERVED_COLLECTIVE = ("status", "problem", "category_mask", "n_members", "born", "died",
                        "origin", "activity", "knowledge", "knowledge_added")


class WeeklyCollector(mesa.DataCollector):
    """Mesa's DataCollector over the weekly table the model keeps anyway: ``collect`` only
    notes the step and ``model_vars`` (one reporter per WEEKLY_METRICS column, what
    ``mesa.batch_run`` and ``get_model_vars_dataframe`` read) is a view of the table,
    instead of copying 37 values through Python reporters every week."""

    def __init__(self, model: ReveModel):
        self._model = model
        super().__init__(model_reporters={name: name for name in WEEKLY_METRICS})

    def collect(self, model) -> None:
        self._collection_steps.append(model.time)

    @property
    def model_vars(self) -> dict[str, list[float]]:
        table = self._model.weekly_array()
        return {name: table[:, j].tolist() for j, name in enumerate(WEEKLY_METRICS)}

    @model_vars.setter
    def model_vars(self, _value) -> None:  # Mesa's constructor sets it empty
        pass
