"""Readable reference implementation of ReveModel: one Mesa agent per actor and per
collective, each holding its own state, and plain Python loops over them.

Why it exists: it is the test oracle of the array model (tests/test_reference.py
checks that ReveModel reproduces it bit for bit, week after week) and the slow
baseline of the speed benchmark. It runs the same weekly plan (``ReveModel.PLAN``)
and shares with the array model only what defines the model rather than its
bookkeeping: the parameter schema, the synthetic population at week 0, the
calendar, the keyed random numbers and the formulas of ``rules.py`` (called
compiled, so the arithmetic is the same machine code). Everything else is written
again here, agent by agent: memberships, exposure through ties and colleagues,
candidate choice, decide-then-apply ordering, founding and recruitment, programme
calls, dormancy and dissolution, spillover and the end-of-membership records.

Two conventions of the array model are kept on purpose, because they are part of
the model's behaviour, not of its storage:

* Agents are visited in *row* order (``people[row]``, ``collectives[row]``) and a
  member's memberships in *slot* order: float sums then run in the same order, and
  founders compete for co-founders in the same order.
* An actor's row is a *seat*: a newcomer who replaces a teacher leaving the
  profession takes the seat, with its social ties. Ties and the animator role point
  to seats (row numbers), as in the array model; an animator who leaves (or moves
  away from a school's collective) stops animating it at once.

Dissolved collectives stay registered as agents: their records are outputs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

import mesa
import numba
import numpy as np

from . import rules
from .calendar import build_environment
from .keyed_random import decision_streams, derived_key, uniform
from .metrics import WEEKLY_METRICS, weekly_row
from .model import HORIZON, ReveModel, model_inputs
from .parameters import CATEGORIES, Knobs
from .population import TEACHER, build_population, draw_attributes
from .state import (
    ACTIVE,
    ACTOR_FIELDS,
    CATEGORICAL,
    COLLECTIVE_FIELDS,
    DISSOLVED,
    DORMANT,
    EMERGENT,
    END_DISSOLVED,
    END_LEFT,
    END_MOBILITY,
    INSTITUTIONAL,
    SLOT_FIELDS,
    THEMATIC,
    Table,
)

U0 = np.uint64(0)  # partner key of a draw that involves no collective
SUPPORT_STAFF = CATEGORIES.index("support_staff")


def knob_rules(kn: Knobs) -> SimpleNamespace:
    """The ``rules.py`` formulas that take the parameter tuple, with ``kn`` bound.

    Called from Python, a Numba function re-derives the type of every argument at
    each call, ~30 µs for the 73-field Knobs tuple (more than the formula itself).
    Each formula is therefore compiled once for the argument types used here and
    its compiled entry point kept: the same machine code, ~2 µs a call.
    """

    def bind(fn, *example):
        args = (kn, *example)
        fn(*args)  # compile, or load from Numba's cache, this specialisation
        try:
            entry = fn.overloads[tuple(numba.typeof(a) for a in args)].entry_point
        except (KeyError, AttributeError):  # another Numba version: dispatch at each call
            entry = fn
        return partial(entry, kn)

    f, i, b = 0.5, 1, False  # example float, int and bool arguments
    return SimpleNamespace(
        time_multiplier=bind(rules.time_multiplier, f, b, b),
        holiday_factor=bind(rules.holiday_factor, b),
        animator_voice=bind(rules.animator_voice, i),
        contingency_duration=bind(rules.contingency_duration, f),
        anxiety_target=bind(rules.anxiety_target, f, f),
        efficacy_target=bind(rules.efficacy_target, f, f, f, f),
        contributes=bind(rules.contributes, f, f, f),
        complementarity=bind(rules.complementarity, i),
        knowledge_benefit=bind(rules.knowledge_benefit, f, f, i, i),
        collective_value=bind(rules.collective_value, f, i, i),
        support_benefit=bind(rules.support_benefit, f, i, i),
        time_cost=bind(rules.time_cost, f, f),
        reply_probability=bind(rules.reply_probability, i),
        engagement_target=bind(rules.engagement_target, f, f),
        leaves=bind(rules.leaves, f, f, f, f),
        expected_benefit=bind(rules.expected_benefit, f, f, i, i, f, i, i, b, i, f, f),
        founding_probability=bind(rules.founding_probability, f, f, f, f),
    )


# --- agents -------------------------------------------------------------------------------

@dataclass(eq=False)
class Membership:
    """One actor's membership of one collective (a record on both sides)."""

    actor: ActorAgent
    collective: CollectiveAgent
    slot: int  # position among the actor's memberships (the first free one when it began)
    engagement: float
    satisfaction: float = 0.0
    since: int = 0  # week it began; -1 for memberships present at the start
    hours: float = 0.0  # given this week
    contribution: float = 0.0  # contributed this week
    total_contribution: float = 0.0
    welcomed: int = 0


class ActorAgent(mesa.Agent):
    """A person: teacher, school leader, support staff, researcher, partner or family."""

    def __init__(self, model: ReferenceModel, row: int, **fields):
        super().__init__(model)
        self.row = row  # seat in the population (see the module docstring)
        self.interest: np.ndarray = fields.pop("interest")  # weight of each problem
        self.ties: list[int] = fields.pop("ties")  # seats of tied actors, increasing
        for f in ACTOR_FIELDS:  # key, category, ..., available, committed
            setattr(self, f.name, fields[f.name])
        self.memberships: list[Membership] = []  # kept in slot order

    # memberships

    def free_slot(self) -> int | None:
        """The first slot not holding a membership, or None when the actor is full."""
        used = {ms.slot for ms in self.memberships}
        for s in range(self.model.m):
            if s not in used:
                return s
        return None

    def is_member(self, collective: CollectiveAgent) -> bool:
        return any(ms.collective is collective for ms in self.memberships)

    def join(self, collective: CollectiveAgent, week: int) -> None:
        """Begin a membership in the first free slot, engaged at one's propensity."""
        ms = Membership(self, collective, self.free_slot(), self.propensity, since=week)
        self.memberships.append(ms)
        self.memberships.sort(key=lambda x: x.slot)
        collective.memberships.append(ms)

    # 1. contingencies

    def meet_contingencies(self, week: int, env_time: float, peak: bool) -> None:
        """A personal contingency may start; then the hours available this week."""
        m, R, st = self.model, self.model.R, self.model.streams
        if self.unavailable_until < week:
            if uniform(st["contingency.start@1"], week, self.key, U0, 0) < m.kn.illness_rate:
                u = uniform(st["contingency.duration@1"], week, self.key, U0, 0)
                self.unavailable_until = week + R.contingency_duration(u) - 1
        ill = self.unavailable_until >= week
        mult = R.time_multiplier(env_time, peak, ill)
        available = self.time_budget * mult
        # Release time: teachers engaged (>= 0.5) in at least one collective get extra hours.
        if self.category == TEACHER and m.kn.release_time > 0.0:
            if any(ms.engagement >= 0.5 for ms in self.memberships):
                available += m.kn.release_time * mult
        self.available = available

    # 2. wellbeing

    def update_wellbeing(self, env_need: float, env_anxiety: float, env_loss: float) -> None:
        """Need, anxiety and efficacy relax towards targets set by shocks and by the
        support and knowledge received last week."""
        kn, R = self.model.kn, self.model.R
        self.need = rules.relax(self.need, rules.need_target(self.need_base, env_need),
                                kn.need_relaxation)
        self.anxiety = rules.relax(self.anxiety, R.anxiety_target(env_anxiety, self.support),
                                   kn.anxiety_relaxation)
        target = R.efficacy_target(self.competence, env_loss, self.support, self.knowledge)
        self.efficacy = rules.relax(self.efficacy, target, kn.efficacy_relaxation)

    # 3. interaction

    def give_time(self, week: int, holiday: bool) -> None:
        """Hours given to each collective (scaled down when over-committed, slowed down in
        holidays) and whether they turn into a contribution (animators post more)."""
        kn, R, st = self.model.kn, self.model.R, self.model.streams
        asked = 0.0
        for ms in self.memberships:
            asked += ms.engagement * kn.hours_per_membership
        self.committed = asked
        slow = R.holiday_factor(holiday)
        want = asked * slow  # holidays slow every membership down before the budget caps it
        scale = self.available / want if want > self.available else 1.0
        for ms in self.memberships:
            ms.hours = ms.engagement * kn.hours_per_membership * slow * scale
            u = uniform(st["membership.contribute@1"], week, self.key, ms.collective.key, 0)
            voice = self.voice
            if ms.collective.animator == self.row:
                voice *= R.animator_voice(ms.collective.supported)
            if R.contributes(u, voice, ms.hours):
                ms.contribution = ms.hours
                ms.total_contribution += ms.hours
            else:
                ms.contribution = 0.0

    def receive_benefits(self, week: int, holiday: bool) -> None:
        """Knowledge and support from each collective, a welcome for newcomers, minus the
        time cost; satisfaction and engagement follow (frozen during holidays)."""
        kn, R, st = self.model.kn, self.model.R, self.model.streams
        support = knowledge = 0.0
        for ms in self.memberships:
            c = ms.collective
            match = rules.interest_match(self.interest, c.problem)
            b_knowledge = R.knowledge_benefit(c.activity, match, c.category_mask, c.n_members)
            own = 1 if ms.contribution > 0.0 else 0
            b_support = R.support_benefit(self.need, c.n_contributors - own, c.n_members)
            net = b_knowledge + b_support + kn.recognition * own
            first_week = ms.since >= 0 and week - ms.since == 1 and not ms.welcomed
            if c.animator >= 0 and c.animator != self.row and first_week:
                u = uniform(st["membership.welcome@1"], week, self.key, c.key, 0)
                if u < R.reply_probability(c.supported):
                    net += kn.welcome_bonus
                    ms.welcomed = 1
            net -= R.time_cost(ms.engagement, self.available)
            support += b_support
            knowledge += b_knowledge
            if not holiday:
                ms.satisfaction = rules.relax(ms.satisfaction, net, kn.satisfaction_memory)
                target = R.engagement_target(self.propensity, ms.satisfaction)
                ms.engagement = rules.relax(ms.engagement, target, kn.engagement_rate)
        self.support = support
        self.knowledge = knowledge

    # 4. leaving

    def memberships_to_leave(self, week: int) -> list[Membership]:
        """Memberships the actor gives up this week (satisfaction and time pressure)."""
        R, st = self.model.R, self.model.streams
        leaving = []
        for ms in self.memberships:
            u = uniform(st["membership.leave@1"], week, self.key, ms.collective.key, 0)
            if R.leaves(u, ms.satisfaction, self.committed, self.available):
                leaving.append(ms)
        return leaving

    # 5. joining (decide phase: reads the others' memberships, changes nothing)

    def colleagues(self) -> list[int]:
        """Seats of the staff of one's establishment, oneself included, increasing."""
        return self.model.staff.get(self.establishment, []) if self.establishment >= 0 else []

    def tie_candidate(self, week: int, in_person: float) -> CollectiveAgent | None:
        """A collective of a random tie: a colleague (if in-person channels are open) or
        a tie of the social graph; then one of that person's memberships at random."""
        m, st = self.model, self.model.streams["join.tie@1"]
        if m.kn.mixing == 1.0:  # full mixing: anyone else, drawn uniformly
            if m.n_actors < 2:
                return None
            other = int(uniform(st, week, self.key, U0, 0) * (m.n_actors - 1))
            if other >= self.row:
                other += 1  # skip oneself
            return self._membership_of(m.people[other], week)
        colleagues = self.colleagues()
        n_colleagues = len(colleagues) - 1 if colleagues else 0  # oneself excluded
        d = n_colleagues + len(self.ties)
        if d <= 0:
            return None
        j = int(uniform(st, week, self.key, U0, 0) * d)
        if j < n_colleagues:
            if uniform(st, week, self.key, U0, 1) >= in_person:
                return None  # in-person channels closed
            # The j-th colleague, one's own place in the list taken by the last colleague.
            other = colleagues[j] if colleagues[j] != self.row else colleagues[n_colleagues]
        else:
            other = self.ties[j - n_colleagues]
        return self._membership_of(m.people[other], week)

    def _membership_of(self, other: ActorAgent, week: int) -> CollectiveAgent | None:
        """One of the other actor's collectives, drawn uniformly (None if it has none)."""
        theirs = other.memberships
        if not theirs:
            return None
        u = uniform(self.model.streams["join.tie@1"], week, self.key, U0, 2)
        return theirs[int(u * len(theirs))].collective

    def brokered_candidate(self, week: int) -> CollectiveAgent | None:
        """The support operator suggests an active collective of one's territory, on a
        problem drawn in proportion to one's interests."""
        m, st = self.model, self.model.streams["join.brokerage@1"]
        if uniform(st, week, self.key, U0, 0) >= m.kn.brokerage:
            return None
        u = uniform(st, week, self.key, U0, 1)
        problem, acc = len(self.interest) - 1, 0.0
        for k, weight in enumerate(self.interest):
            acc += weight
            if u < acc:
                problem = k
                break
        offer = m.brokered.get((self.territory, problem), [])
        if not offer:
            return None
        return offer[int(uniform(st, week, self.key, U0, 2) * len(offer))]

    def discovered_candidate(self, week: int, online_discovery: float) -> CollectiveAgent | None:
        """An open active collective found online, chosen in proportion to 1 + size."""
        m, st = self.model, self.model.streams["join.discovery@1"]
        if not m.discoverable:
            return None
        if uniform(st, week, self.key, U0, 0) >= min(1.0, m.kn.discoverability
                                                     * online_discovery):
            return None
        target = uniform(st, week, self.key, U0, 1) * m.discovery_weights[-1]
        for c, cumulated in zip(m.discoverable, m.discovery_weights, strict=True):
            if cumulated > target:
                return c
        return m.discoverable[-1]

    def can_join(self, c: CollectiveAgent) -> bool:
        """Active, of one's category (if categorical), of one's school (if local), and
        not already a member."""
        if c.status != ACTIVE:
            return False
        if c.category >= 0 and c.category != self.category:
            return False
        if c.establishment >= 0 and c.establishment != self.establishment:
            return False
        return not self.is_member(c)

    def knows_member_of(self, c: CollectiveAgent) -> bool:
        """A tie or a colleague belongs to c (needed to enter a closed collective)."""
        seats = {ms.actor.row for ms in c.memberships}
        return any(t in seats for t in self.ties) or any(
            a in seats and a != self.row for a in self.colleagues())

    def choose_collective(self, week: int, in_person: float,
                          online_discovery: float) -> CollectiveAgent | None:
        """The best acceptable collective among those the actor hears of, or None."""
        m, kn = self.model, self.model.kn
        if self.free_slot() is None or self.unavailable_until >= week:
            return None
        if uniform(m.streams["join.consider@1"], week, self.key, U0, 0) >= \
                kn.join_rate * (0.5 + self.need):
            return None  # not looking this week
        if self.committed + self.propensity * kn.hours_per_membership > self.available:
            return None  # no room in the time budget
        # (candidate, introduced): only a tie introduces one to a closed collective.
        candidates = [(self.tie_candidate(week, in_person), True),
                      (self.brokered_candidate(week), False),
                      (self.discovered_candidate(week, online_discovery), False)]
        best, best_value = None, 0.0
        for c, introduced in candidates:
            if c is None or not self.can_join(c):
                continue
            if not c.open and not introduced and not self.knows_member_of(c):
                continue  # a closed collective needs a tie or colleague inside
            match = rules.interest_match(self.interest, c.problem)
            value = m.R.expected_benefit(c.activity, match, c.category_mask, self.category,
                                         self.need, c.n_contributors, c.n_members,
                                         c.animator >= 0,
                                         c.supported, self.propensity, self.available)
            value -= self.threshold
            if value > 0.0 and (best is None or value > best_value):
                best, best_value = c, value
        return best

    # 6. founding

    def wants_to_found(self, week: int, env_founding: float) -> bool:
        """Unmet need may make an available actor with room found a collective."""
        if self.unavailable_until >= week or self.free_slot() is None:
            return False
        p = self.model.R.founding_probability(self.need, self.support, self.found_propensity,
                                              env_founding)
        return p > 0.0 and uniform(self.model.streams["found.decide@1"], week, self.key, U0,
                                   0) < p

    def top_problem(self) -> int:
        """The problem of largest interest (the first one on ties)."""
        return max(range(len(self.interest)), key=lambda k: self.interest[k])


class CollectiveAgent(mesa.Agent):
    """A collective: community of practice, network, association or funded project."""

    def __init__(self, model: ReferenceModel, row: int, **fields):
        super().__init__(model)
        self.row = row  # creation order
        for f in COLLECTIVE_FIELDS:  # a new collective starts from the declared fills
            setattr(self, f.name, fields.get(f.name, _fill(f)))
        self.memberships: list[Membership] = []

    def members(self) -> list[Membership]:
        """Memberships in (seat, slot) order: the order every per-collective sum uses."""
        return sorted(self.memberships, key=lambda ms: (ms.actor.row, ms.slot))

    @property
    def alive(self) -> bool:
        return self.status == ACTIVE or self.status == DORMANT

    def animator_may_leave(self, week: int) -> None:
        """The animator gives up the role (half as often when supported)."""
        kn = self.model.kn
        if self.alive and self.animator >= 0:
            hazard = kn.animator_departure * (0.5 if self.supported else 1.0)
            if uniform(self.model.streams["animator.departure@1"], week, self.key, U0,
                       0) < hazard:
                self.animator = -1

    def tally_activity(self) -> None:
        """This week's contributed hours, contributors, category mix and mean engagement;
        the knowledge stock decays and grows with the activity."""
        kn = self.model.kn
        activity = engagement = 0.0
        contributors = mask = 0
        members = self.members()
        for ms in members:
            activity += ms.contribution
            engagement += ms.engagement
            if ms.contribution > 0.0:
                contributors += 1
            mask |= 1 << ms.actor.category
        self.activity = activity
        self.n_members = len(members)
        self.n_contributors = contributors
        self.category_mask = mask
        self.mean_engagement = engagement / len(members) if members else 0.0
        self.knowledge_added = kn.knowledge_rate * activity * self.model.R.complementarity(mask)
        self.knowledge = self.knowledge * (1.0 - kn.knowledge_decay) + self.knowledge_added
        # what it offers a member whose main interest is its problem (an observed state)
        self.value = self.model.R.collective_value(activity, mask, len(members))

    def live(self, week: int, holiday: bool) -> None:
        """Head count, animator succession, funding end, dormancy and dissolution."""
        m, kn, st = self.model, self.model.kn, self.model.streams
        members = self.members()
        self.n_members = len(members)
        self.category_mask = 0
        for ms in members:
            self.category_mask |= 1 << ms.actor.category
        if self.animator >= 0 and not m.people[self.animator].is_member(self):
            self.animator = -1  # the animator left the collective
        if self.animator < 0 and members and \
                uniform(st["animator.takeover@1"], week, self.key, U0, 0) < kn.takeover:
            # the first most engaged member, if engaged enough, takes over
            best, best_engagement = -1, kn.takeover_engagement
            for ms in members:
                if ms.engagement >= best_engagement and (best < 0
                                                         or ms.engagement > best_engagement):
                    best, best_engagement = ms.actor.row, ms.engagement
            self.animator = best
        dissolve = False
        if self.funding_end == week:
            if uniform(st["funding.renewal@1"], week, self.key, U0, 0) < kn.funding_renewal:
                self.funding_end = week + int(kn.funding_duration)
            else:
                self.funding, self.funding_end = 0.0, -1
                dissolve = self.mean_engagement < kn.funding_end_engagement
        if not holiday:  # holiday weeks neither count as quiet nor break a quiet spell
            self.quiet_weeks = self.quiet_weeks + 1 if self.activity < kn.dormant_activity else 0
        if self.status == ACTIVE and self.quiet_weeks >= kn.dormant_weeks:
            self.status, self.dormant_since = DORMANT, week
        elif self.status == DORMANT and self.quiet_weeks == 0:
            self.status, self.dormant_since = ACTIVE, -1
        elif self.status == DORMANT and week - self.dormant_since >= kn.dissolve_weeks:
            dissolve = True
        if not members or (len(members) < kn.min_members and week - self.born >= kn.grace_weeks):
            dissolve = True
        if dissolve:
            self.status, self.died, self.animator = DISSOLVED, week, -1


# --- the model ----------------------------------------------------------------------------

class ReferenceModel(mesa.Model):
    """Agent-by-agent twin of ReveModel: ``ReferenceModel(seed=1, n_actors=400, **params)``.

    ``snapshot()`` returns the state in ReveModel's array layout (``array_state``).
    """

    PLAN = ReveModel.PLAN  # the same weekly plan: phase ``name`` is method ``_<name>``

    def __init__(self, seed=None, n_actors=None, *, rng=None, **parameters):
        seed, params, self.kn = model_inputs(seed, rng, n_actors, parameters)
        super().__init__(rng=seed)
        self.seed, self.params = seed, params
        self.R = knob_rules(self.kn)  # the rules.py formulas, kn bound
        self.streams = decision_streams(seed)
        self.n_actors, self.m = params["n_actors"], params["max_memberships"]
        self.week = 0
        self._populate(build_population(params, self.streams))
        self.environment = build_environment(params, HORIZON)
        # ended memberships: weeks of tenure -> count (left by choice / ended otherwise)
        self.tenure_left: Counter[int] = Counter()
        self.tenure_censored: Counter[int] = Counter()
        self.mobility_log: list[dict] = []
        self.joins = self.exits = 0
        self.rows: list[list[float]] = []  # weekly metrics
        self.running = True

    def _populate(self, pop) -> None:
        """Turn the shared week-0 population into agents (reading its arrays row by row)."""
        a, s, c = pop.actors, pop.slots, pop.collectives
        self.people: list[ActorAgent] = []
        for i in range(self.n_actors):
            fields = {f.name: _scalar(getattr(a, f.name)[i]) for f in ACTOR_FIELDS}
            ties = [int(t) for t in pop.tie_rows[pop.tie_ptr[i]:pop.tie_ptr[i + 1]]]
            self.people.append(ActorAgent(self, i, interest=pop.interest[i].copy(), ties=ties,
                                          **fields))
        self.collectives: list[CollectiveAgent] = [
            CollectiveAgent(self, j, **{f.name: _scalar(getattr(c, f.name)[j])
                                        for f in COLLECTIVE_FIELDS})
            for j in range(pop.n_collectives)]
        for actor in self.people:
            for slot in range(self.m):
                if s.coll[actor.row, slot] >= 0:
                    coll = self.collectives[int(s.coll[actor.row, slot])]
                    ms = Membership(actor, coll, slot, **{
                        f.name: _scalar(getattr(s, f.name)[actor.row, slot])
                        for f in SLOT_FIELDS if f.name != "coll"})
                    actor.memberships.append(ms)
                    coll.memberships.append(ms)
        self.estab_first = [int(x) for x in pop.estab_first]  # by territory
        self.estab_count = [int(x) for x in pop.estab_count]
        self._index_staff()
        # Programme animators are sought among support staff, then anyone, of a territory.
        self.by_territory: dict[int, list[int]] = {}
        self.by_territory_category: dict[tuple[int, int], list[int]] = {}
        for actor in self.people:
            self.by_territory.setdefault(actor.territory, []).append(actor.row)
            self.by_territory_category.setdefault((actor.territory, actor.category),
                                                  []).append(actor.row)

    def _index_staff(self) -> None:
        """Seats of each establishment's staff, increasing."""
        self.staff: dict[int, list[int]] = {}
        for actor in self.people:
            if actor.establishment >= 0:
                self.staff.setdefault(actor.establishment, []).append(actor.row)

    # --- the weekly plan ----------------------------------------------------------------

    def step(self) -> None:
        """Advance one week through ``PLAN``."""
        if self.week >= self.environment.n_weeks:
            self.environment = build_environment(self.params, 2 * self.environment.n_weeks)
        for name, _, _ in self.PLAN:
            getattr(self, f"_{name}")(self.week)
        self.week += 1

    def run(self, weeks: int) -> ReferenceModel:
        for _ in range(weeks):
            self.step()
        return self

    def _contingencies(self, w: int) -> None:
        env = self.environment
        if env.rentree[w] and w > 0:
            self._mobility(w)
        for actor in self.people:
            actor.meet_contingencies(w, float(env.time[w]), bool(env.peak[w]))
        for c in self.collectives:
            c.animator_may_leave(w)

    def _wellbeing(self, w: int) -> None:
        env = self.environment
        for actor in self.people:
            actor.update_wellbeing(float(env.need[w]), float(env.anxiety[w]),
                                   float(env.efficacy_loss[w]))

    def _interaction(self, w: int) -> None:
        # Everyone gives time first: a collective's activity sums its members' contributions,
        # and every member's benefit depends on that activity.
        holiday = bool(self.environment.holiday[w])
        for actor in self.people:
            actor.give_time(w, holiday)
        for c in self.collectives:
            c.knowledge_added = 0.0
            if c.alive:
                c.tally_activity()
        for actor in self.people:
            actor.receive_benefits(w, holiday)

    def _leaving(self, w: int) -> None:
        # Each decision reads only the actor's own memberships, so deciding and applying
        # actor by actor gives the same result as deciding for everyone first.
        self.exits = 0
        for actor in self.people:
            for ms in actor.memberships_to_leave(w):
                self._end(ms, END_LEFT, w)
                self.exits += 1

    def _joining(self, w: int) -> None:
        env = self.environment
        active = [c for c in self.collectives if c.status == ACTIVE]
        # What the operator can suggest, by (territory, problem), and what is online.
        self.brokered: dict[tuple[int, int], list[CollectiveAgent]] = {}
        for c in active:
            self.brokered.setdefault((c.territory, c.problem), []).append(c)
        self.discoverable = [c for c in active if c.open]
        self.discovery_weights, total = [], 0.0
        for c in self.discoverable:
            total += 1.0 + c.n_members
            self.discovery_weights.append(total)
        # Decide for everyone on the same frozen state, then apply: a choice must not
        # depend on whether another actor happened to join first.
        choices = [(actor, actor.choose_collective(w, float(env.in_person[w]),
                                                   float(env.online_discovery[w])))
                   for actor in self.people]
        self.joins = 0
        for actor, c in choices:
            if c is not None:
                actor.join(c, w)
                self.joins += 1

    def _founding(self, w: int) -> None:
        env = self.environment
        in_person = float(env.in_person[w])
        st = self.streams["found.collective@1"]
        founders = [a for a in self.people if a.wants_to_found(w, float(env.founding[w]))]
        # Founders act one after the other in seat order: they compete for co-founders,
        # and one may have filled its last slot as someone else's co-founder.
        for f in founders:
            if f.free_slot() is None:
                continue
            c = self._new_collective(derived_key(st, w, f.key, 0), w)
            problem = f.top_problem()
            f.join(c, w)
            same_category, same_school = self._recruit(f, c, problem, self.kn.found_need * 0.8,
                                                       in_person, w)
            c.kind = CATEGORICAL if same_category else THEMATIC
            c.category = f.category if same_category else -1
            c.open = 1 if uniform(st, w, f.key, U0, 1) < self.kn.share_open else 0
            c.origin = EMERGENT
            c.problem = problem
            c.territory = f.territory
            c.establishment = f.establishment if (same_category and same_school) else -1
            c.animator = f.row
            c.supported = 1 if uniform(st, w, f.key, U0, 2) < self.kn.animation else 0
        for call, prog in enumerate(env.programmes.get(w, [])):
            self._programme_call(w, call, prog, in_person)

    def _programme_call(self, w: int, call: int, prog: dict, in_person: float) -> None:
        """Funded, open, thematic collectives spread over the territories, each with a
        supported animator (support staff first) who recruits among its ties."""
        st = self.streams
        n_new = int(round(prog["per_1000"] * self.n_actors / 1000))
        duration = int(prog["duration_weeks"]) or self.params["funding_duration"]
        n_problems = self.params["n_problems"]
        for j in range(n_new):
            c = self._new_collective(derived_key(st["programme.collective@1"], w, np.uint64(j),
                                                 call), w)
            t = j % self.params["n_territories"]
            if prog["problem"] >= 0:
                problem = prog["problem"]
            else:
                problem = int(uniform(st["programme.collective@1"], w, c.key, U0, 1)
                              * n_problems)
            lead = None
            for k in range(64):  # 32 tries among support staff, then 32 among anyone
                pool = (self.by_territory_category.get((t, SUPPORT_STAFF), []) if k < 32
                        else self.by_territory.get(t, []))
                if not pool:
                    continue
                u = uniform(st["programme.animator@1"], w, c.key, U0, k)
                candidate = self.people[pool[int(u * len(pool))]]
                if candidate.free_slot() is not None and candidate.unavailable_until < w:
                    lead = candidate
                    break
            c.kind, c.category, c.open, c.origin = THEMATIC, -1, 1, INSTITUTIONAL
            c.problem, c.territory, c.establishment, c.supported = problem, t, -1, 1
            c.funding, c.funding_end = prog["amount"], w + duration
            c.animator = lead.row if lead is not None else -1
            if lead is not None:
                lead.join(c, w)
                self._recruit(lead, c, problem, 0.0, in_person, w)

    def _new_collective(self, key, w: int) -> CollectiveAgent:
        c = CollectiveAgent(self, len(self.collectives), key=np.uint64(key), status=ACTIVE,
                            knowledge=0.0, born=w)
        self.collectives.append(c)
        return c

    def _recruit(self, lead: ActorAgent, c: CollectiveAgent, problem: int, need_min: float,
                 in_person: float, w: int) -> tuple[bool, bool]:
        """The lead enrols up to ``cofounders`` people it knows (colleagues first, when
        in-person channels are open, then ties) who are available, have room, need
        support enough and care about the problem. Returns whether all recruits share
        the lead's category, and whether all share its school."""
        n_problems = self.params["n_problems"]
        same_category, same_school = True, lead.establishment >= 0
        colleagues = lead.colleagues() if in_person >= 0.5 else []
        got = 0
        for seat in colleagues + lead.ties:
            if got >= self.kn.cofounders:
                break
            a = self.people[seat]
            if a is lead or a.unavailable_until >= w or a.need < need_min:
                continue
            if a.interest[problem] < 1.0 / n_problems or a.free_slot() is None or \
                    a.is_member(c):
                continue
            a.join(c, w)
            got += 1
            same_category = same_category and a.category == lead.category
            same_school = same_school and a.establishment == lead.establishment
        return same_category, same_school

    def _lifecycle(self, w: int) -> None:
        holiday = bool(self.environment.holiday[w])
        for c in self.collectives:
            if c.alive:
                c.live(w, holiday)
        for c in self.collectives:
            if c.first_inactive < 0 and c.status != ACTIVE:
                c.first_inactive = w
            if c.status == DISSOLVED:
                c.n_members = 0
                for ms in list(c.memberships):
                    self._end(ms, END_DISSOLVED, w)

    def _spillover(self, w: int) -> None:
        """Members of several active collectives carry knowledge from the richer to the
        poorer: each closes a share of the gaps, averaged over the members."""
        before = [c.knowledge for c in self.collectives]  # stocks at the start of the flow
        for c in self.collectives:
            if c.status != ACTIVE:
                continue
            inflow = 0.0
            members = c.members()
            for ms in members:
                for other in ms.actor.memberships:
                    c2 = other.collective
                    if c2 is not c and c2.status == ACTIVE and before[c2.row] > before[c.row]:
                        inflow += before[c2.row] - before[c.row]
            if members:
                c.knowledge = before[c.row] + self.kn.spillover * inflow / len(members)

    def _metrics(self, w: int) -> None:
        self.rows.append(weekly_row(self.snapshot(), self.params, w, self.joins, self.exits))

    # --- end of memberships and rentrée mobility ----------------------------------------

    def _end(self, ms: Membership, cause: int, w: int) -> None:
        """End a membership and record its tenure (memberships present at the start have
        no known beginning and are not recorded)."""
        if ms.since >= 0:
            record = self.tenure_left if cause == END_LEFT else self.tenure_censored
            record[w - ms.since] += 1
        ms.actor.memberships.remove(ms)
        ms.collective.memberships.remove(ms)

    def _mobility(self, w: int) -> None:
        """Rentrée: some teachers change school (losing their school's collectives), some
        leave teaching (losing every membership; a newcomer takes their seat)."""
        kn, st = self.kn, self.streams
        p_exit = min(1.0, kn.teacher_exit_rate * kn.mobility_multiplier)
        p_move = min(1.0, kn.school_move_rate * kn.mobility_multiplier)
        teachers = [a for a in self.people if a.category == TEACHER]
        leavers, movers = [], []
        for a in teachers:
            if uniform(st["mobility.exit@1"], w, a.key, U0, 0) < p_exit:
                leavers.append(a)
            elif uniform(st["mobility.move@1"], w, a.key, U0, 0) < p_move:
                movers.append(a)
        moved = 0
        for a in movers:
            # another establishment of the same territory (if there is another)
            old, first, count = a.establishment, self.estab_first[a.territory], \
                self.estab_count[a.territory]
            if count > 1:
                u = uniform(st["mobility.destination@1"], w, a.key, U0, 0)
                shift = 1 + int(u * (count - 1))
                a.establishment = first + (old - first + shift) % count
            if a.establishment == old:
                continue  # no other school to go to: the teacher stays, memberships too
            moved += 1
            for ms in list(a.memberships):
                if ms.collective.establishment >= 0 and ms.collective.establishment == old:
                    self._end(ms, END_MOBILITY, w)
        for a in leavers:
            for ms in list(a.memberships):
                self._end(ms, END_MOBILITY, w)
        if leavers:
            self._newcomers(w, leavers)
        for c in self.collectives:  # an animator who lost the collective stops animating it
            if c.animator >= 0 and not self.people[c.animator].is_member(c):
                c.animator = -1
        self.mobility_log.append({"week": w, "teachers": len(teachers), "moved": moved,
                                  "left": len(leavers)})
        self._index_staff()

    def _newcomers(self, w: int, leavers: list[ActorAgent]) -> None:
        """New teachers take the leavers' seats: a new key, attributes drawn by the shared
        population code (on a small temporary table), a school of the territory."""
        st = self.streams
        table = Table(ACTOR_FIELDS, len(leavers))
        interest = np.zeros((len(leavers), self.params["n_problems"]))
        for j, a in enumerate(leavers):
            table.key[j] = derived_key(st["actor.newcomer@1"], w, a.key, 0)
            table.category[j] = a.category
        draw_attributes(table, interest, np.arange(len(leavers)), self.params, self.streams)
        for j, old in enumerate(leavers):
            fields = {f.name: _scalar(getattr(table, f.name)[j]) for f in ACTOR_FIELDS}
            fields.update(territory=old.territory, available=old.available,
                          committed=old.committed)
            first, count = self.estab_first[old.territory], self.estab_count[old.territory]
            u = uniform(st["mobility.destination@1"], w, fields["key"], U0, 1)
            fields["establishment"] = first + int(u * max(count, 1))
            newcomer = ActorAgent(self, old.row, interest=interest[j].copy(), ties=old.ties,
                                  **fields)
            self.people[old.row] = newcomer
            old.remove()

    # --- outputs --------------------------------------------------------------------------

    def snapshot(self) -> dict[str, np.ndarray]:
        """The state in ReveModel's array layout (see ``array_state``)."""
        n, m = self.n_actors, self.m
        actors = Table(ACTOR_FIELDS, n)
        slots = Table(SLOT_FIELDS, n, m)
        colls = Table(COLLECTIVE_FIELDS, len(self.collectives))
        interest = np.zeros((n, self.params["n_problems"]))
        for a in self.people:
            for f in ACTOR_FIELDS:
                getattr(actors, f.name)[a.row] = getattr(a, f.name)
            interest[a.row] = a.interest
            for ms in a.memberships:
                slots.coll[a.row, ms.slot] = ms.collective.row
                for f in SLOT_FIELDS[1:]:
                    getattr(slots, f.name)[a.row, ms.slot] = getattr(ms, f.name)
        for c in self.collectives:
            for f in COLLECTIVE_FIELDS:
                getattr(colls, f.name)[c.row] = getattr(c, f.name)
        return _layout(actors, slots, colls, interest, _histogram(self.tenure_left),
                       _histogram(self.tenure_censored))

    def weekly_array(self) -> np.ndarray:
        return np.array(self.rows, dtype=np.float64).reshape(len(self.rows),
                                                             len(WEEKLY_METRICS))


# --- the array layout shared with ReveModel -------------------------------------------------

def array_state(model: ReveModel) -> dict[str, np.ndarray]:
    """A ReveModel's state as ``ReferenceModel.snapshot`` returns it: ``actor.<field>``,
    ``slot.<field>`` ([n_actors, max_memberships]), ``collective.<field>`` (rows in use),
    ``interest``, and the tenure histograms of ended memberships (``tenure_left``,
    ``tenure_censored``, trailing zeros trimmed). Arrays are copies."""
    colls = Table(COLLECTIVE_FIELDS, model.n_used)
    for f in COLLECTIVE_FIELDS:
        getattr(colls, f.name)[:] = getattr(model.collectives, f.name)[: model.n_used]
    return _layout(model.actors, model.slots, colls, model.interest,
                   np.trim_zeros(model.tenure_left, "b"),
                   np.trim_zeros(model.tenure_censored, "b"))


def _layout(actors, slots, colls, interest, tenure_left, tenure_censored):
    out = {f"actor.{k}": v.copy() for k, v in actors.arrays().items()}
    out.update({f"slot.{k}": v.copy() for k, v in slots.arrays().items()})
    out.update({f"collective.{k}": v.copy() for k, v in colls.arrays().items()})
    out["interest"] = interest.copy()
    out["tenure_left"] = tenure_left.astype(np.int64)
    out["tenure_censored"] = tenure_censored.astype(np.int64)
    return out


def _histogram(counts: Counter) -> np.ndarray:
    hist = np.zeros(max(counts, default=-1) + 1, dtype=np.int64)
    for tenure, k in counts.items():
        hist[tenure] = k
    return np.trim_zeros(hist, "b")


def _fill(f):
    """A field's declared fill as a Python scalar of the field's kind."""
    return float(f.fill) if f.dtype.startswith("f") else int(f.fill)


def _scalar(x):
    """A Python scalar from a numpy one; 64-bit keys stay np.uint64 (the RNG's key type)."""
    return x if isinstance(x, np.uint64) else x.item()
