"""The weekly plan, compiled: each phase of ``ReveModel.PLAN`` is one Numba function here,
and ``run_weeks`` runs them in order for a span of weeks in a single call.

Why: at workshop and sensitivity-analysis sizes (a few thousand actors) a week's kernels
take well under a millisecond, and calling some twenty of them from Python (argument
typing, attribute look-ups, Mesa's step) used to cost about as much again; so does typing
the state's hundred-odd arrays at each call. ``ReveModel.step`` makes one call a week and
``ReveModel.run`` one call for the weeks between two rentrées. The phases stay separate
functions, so the model can also run them one at a time from Python
(``ReveModel.phased``: per-phase timings, tests that look at the state between phases)
with the same bits. ``run_weeks`` takes them inlined (``inline="always"``, in Numba's own
IR): a phase compiled on its own pays for typing, lowering and wrapping its hundred-odd
array arguments, about 3 s each on a fresh checkout.

Every phase takes the same arguments: the week, the parameter tuple, then the state as
plain tuples of arrays (quick to type at each call), named again inside:
``Actors``, ``Slots``, ``Collectives`` (reve_sim.state), ``Streams`` (the decision keys),
``Conditions`` (the week's environment and the programme calls), ``Network`` (interests,
ties and the indices by establishment and territory) and ``Work`` (per-week scratch, the
weekly table, the tenure records and the ``counts`` the model reads back).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from . import index, kernels, metrics
from .index import marked_slots, slots_in, sorted_union
from .kernels import (
    animator_departures,
    apply_joins,
    choose_collective,
    contingencies,
    end_memberships,
    found_collectives,
    give_time_and_tally,
    join_channels,
    lifecycle,
    member_benefits,
    programme_collectives,
    spillover,
    tally_members,
    wellbeing,
)
from .keyed_random import Streams, partner_mixes
from .metrics import observe
from .parameters import CATEGORIES, Knobs
from .population import TEACHER
from .state import Actors, Collectives, Slots
from .twins import serial_twins

Conditions = namedtuple("Conditions", [
    "holiday", "peak", "need", "anxiety", "efficacy_loss", "in_person", "online_discovery",
    "time", "founding", "call_week", "call_count", "call_problem", "call_amount",
    "call_duration"])
Network = namedtuple("Network", [
    "interest", "tie_ptr", "tie_rows", "estab_ptr", "estab_rows", "tc_ptr", "tc_rows", "t_ptr",
    "t_rows"])
Work = namedtuple("Work", [
    "ended", "choice", "founder", "member_rows", "lifecycle_rows", "multi_rows", "tenure_left",
    "tenure_censored", "weekly", "counts"])

# Entries of Work.counts (OBSERVED: the optional observations made, metrics.OBSERVE_BIT).
N_USED, N_MEMBER_ROWS, N_LIFECYCLE_ROWS, JOINS, EXITS, OBSERVED, N_MULTI_ROWS = range(7)
N_COUNTS = 7
FOUNDING = 5
"""Phase number of founding, where ``run_weeks`` resumes a week once the table has grown."""
SUPPORT_STAFF, N_CATEGORIES = CATEGORIES.index("support_staff"), len(CATEGORIES)


@njit(cache=True, inline="always")
def contingencies_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    """Personal contingencies and animator departures (rentrée mobility runs before, in
    its own kernels: ``ReveModel._mobility``)."""
    A, S, C, R = Actors(*actors), Slots(*slots), Collectives(*colls), Streams(*streams)
    E, W = Conditions(*cond), Work(*work)
    contingencies(w, knobs, E.time[w], E.peak[w], R.contingency_start,
                  R.contingency_duration, A.key, A.category, A.time_budget,
                  A.unavailable_until, S.engagement, S.coll, A.available, TEACHER)
    animator_departures(w, knobs, R.animator_departure, C.key, C.status, C.animator,
                        C.supported, W.counts[N_USED])


@njit(cache=True, inline="always")
def wellbeing_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    A, E = Actors(*actors), Conditions(*cond)
    wellbeing(knobs, E.need[w], E.anxiety[w], E.efficacy_loss[w], A.need_base, A.need,
              A.anxiety, A.efficacy, A.competence, A.support, A.knowledge)


@njit(cache=True, inline="always")
def interaction_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    """Time given, collective activity, benefits; members mark their decision to leave."""
    A, S, C, R = Actors(*actors), Slots(*slots), Collectives(*colls), Streams(*streams)
    E, N, W = Conditions(*cond), Network(*net), Work(*work)
    holiday = E.holiday[w]
    # last week's lifecycle rows: a superset of today's members (only leaving, mobility and
    # dissolution have happened since, and they only remove memberships)
    rows = W.lifecycle_rows[:W.counts[N_LIFECYCLE_ROWS]]
    visit = sorted_union(rows, W.member_rows[:W.counts[N_MEMBER_ROWS]])
    W.member_rows[:rows.shape[0]] = rows
    W.counts[N_MEMBER_ROWS] = rows.shape[0]
    # each collective's key term of the membership draws, mixed once a week for both kernels
    cmixed = partner_mixes(C.key, W.counts[N_USED])
    give_time_and_tally(w, knobs, holiday, R.membership_contribute, visit, A.key, cmixed, A.voice,
                        A.category, A.available, A.committed, S.coll, S.engagement, S.hours,
                        S.contribution, S.total_contribution, C.status, C.animator,
                        C.supported, C.activity, C.n_members, C.n_contributors,
                        C.category_mask, C.mean_engagement, C.knowledge, C.knowledge_added,
                        C.value, W.counts[N_USED])
    member_benefits(w, knobs, holiday, R.membership_welcome, R.membership_leave, visit, A.key,
                    cmixed, N.interest, A.need, A.propensity, A.available, A.committed, S.coll,
                    S.engagement, S.satisfaction, S.since, S.contribution, S.welcomed,
                    C.problem, C.value, C.n_members, C.n_contributors, C.animator, C.supported,
                    A.support, A.knowledge, W.ended, W.counts[N_USED])


@njit(cache=True, inline="always")
def leaving_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    """Close the memberships members decided to leave; their tenure is an event."""
    S, W = Slots(*slots), Work(*work)
    rows, cols = marked_slots(W.member_rows[:W.counts[N_MEMBER_ROWS]], W.ended)
    end_memberships(w, rows, cols, W.tenure_left, S.coll, S.engagement, S.satisfaction,
                    S.since, S.hours, S.contribution, S.total_contribution, S.welcomed)
    W.counts[EXITS] = rows.shape[0]


@njit(cache=True, inline="always")
def joining_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    """Search channels, then each searching actor's choice (and who would found), then the
    joins."""
    kn = Knobs(*knobs)
    A, S, C, R = Actors(*actors), Slots(*slots), Collectives(*colls), Streams(*streams)
    E, N, W = Conditions(*cond), Network(*net), Work(*work)
    n_used, n_problems = W.counts[N_USED], int(kn.n_problems)
    broker_ptr, broker_rows, disc_rows, disc_cum = join_channels(
        C.status, C.territory, C.problem, C.open, C.n_members, int(kn.n_territories),
        n_problems, n_used)
    choose_collective(
        w, knobs, E.founding[w], E.in_person[w], E.online_discovery[w], R.join_consider,
        R.join_tie, R.join_brokerage, R.join_discovery, R.found_decide, A.key, A.category,
        A.territory, A.establishment, N.interest, A.need, A.propensity, A.threshold,
        A.found_propensity, A.available, A.committed, A.support, A.unavailable_until, S.coll,
        N.tie_ptr, N.tie_rows, N.estab_ptr, N.estab_rows, C.category, C.establishment,
        C.status, C.open, C.problem, C.activity, C.n_members, C.n_contributors,
        C.category_mask, C.animator, C.supported, broker_ptr, broker_rows, n_problems,
        disc_cum, disc_rows, W.choice, W.founder)
    apply_joins(w, W.choice, A.propensity, S.coll, S.engagement, S.satisfaction, S.since,
                S.total_contribution, S.welcomed)
    joins = 0
    for i in range(W.choice.shape[0]):
        joins += W.choice[i] >= 0
    W.counts[JOINS] = joins


@njit(cache=True, inline="always")
def rows_needed(w, cond, work):
    """Collective rows in use once this week's founders and programme calls have created
    theirs (an upper bound: a founder whose slots filled up founds nothing)."""
    E, W = Conditions(*cond), Work(*work)
    need = W.counts[N_USED]
    for i in range(W.founder.shape[0]):
        need += W.founder[i]
    for j in range(E.call_week.shape[0]):
        if E.call_week[j] == w:
            need += E.call_count[j]
    return need


@njit(cache=True, inline="always")
def founding_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    """Founders (decided with the joining choices) create their collectives; programme
    calls create theirs. The collective table must have ``rows_needed`` rows."""
    A, S, C, R = Actors(*actors), Slots(*slots), Collectives(*colls), Streams(*streams)
    E, N, W = Conditions(*cond), Network(*net), Work(*work)
    kn = Knobs(*knobs)
    if rows_needed(w, cond, work) > C.key.shape[0]:
        raise ValueError("the collective table has too few rows for this week's founding")
    in_person = E.in_person[w]
    n_used = found_collectives(
        w, knobs, in_person, R.found_collective, W.founder, A.key, A.category, A.territory,
        A.establishment, N.interest, A.need, A.propensity, A.unavailable_until, S.coll,
        S.engagement, S.satisfaction, S.since, S.total_contribution, S.welcomed, N.tie_ptr,
        N.tie_rows, N.estab_ptr, N.estab_rows, C.key, C.status, C.kind, C.category, C.open,
        C.origin, C.problem, C.territory, C.establishment, C.animator, C.supported,
        C.knowledge, C.born, W.counts[N_USED])
    call = 0  # the calls of this week, numbered in scenario order
    for j in range(E.call_week.shape[0]):
        if E.call_week[j] != w:
            continue
        n_used = programme_collectives(
            w, knobs, in_person, E.call_count[j], call, E.call_problem[j], E.call_amount[j],
            E.call_duration[j], int(kn.n_territories), SUPPORT_STAFF, N_CATEGORIES,
            R.programme_collective, R.programme_animator, N.tc_ptr, N.tc_rows, N.t_ptr,
            N.t_rows, A.key, A.category, A.establishment, N.interest, A.need, A.propensity,
            A.unavailable_until, S.coll, S.engagement, S.satisfaction, S.since,
            S.total_contribution, S.welcomed, N.tie_ptr, N.tie_rows, N.estab_ptr, N.estab_rows,
            C.key, C.status, C.kind, C.category, C.open, C.origin, C.problem, C.territory,
            C.establishment, C.animator, C.supported, C.funding, C.funding_end, C.knowledge,
            C.born, n_used)
        call += 1
    W.counts[N_USED] = n_used


@njit(cache=True, inline="always")
def lifecycle_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    """Head counts and would-be animators, then succession, funding, dormancy and
    dissolution; members of dissolved collectives lose their membership (censored)."""
    A, S, C, R = Actors(*actors), Slots(*slots), Collectives(*colls), Streams(*streams)
    E, W = Conditions(*cond), Work(*work)
    n_used = W.counts[N_USED]
    successor = np.empty(n_used, dtype=np.int64)
    n_rows, W.counts[N_MULTI_ROWS] = tally_members(
        knobs, S.coll, A.category, S.engagement, C.status, C.n_members, C.category_mask,
        successor, np.empty(n_used), W.lifecycle_rows, W.multi_rows, n_used)
    W.counts[N_LIFECYCLE_ROWS] = n_rows
    rows = W.lifecycle_rows[:n_rows]
    dissolved = lifecycle(w, knobs, E.holiday[w], R.animator_takeover, R.funding_renewal,
                          S.coll, C.key, C.status, C.animator, C.funding, C.funding_end,
                          C.activity, C.n_members, C.mean_engagement, C.born, C.died,
                          C.quiet_weeks, C.dormant_since, C.first_inactive, successor, n_used)
    if dissolved:
        gone_rows, gone_cols = slots_in(rows, S.coll, C.died, w)
        end_memberships(w, gone_rows, gone_cols, W.tenure_censored, S.coll, S.engagement,
                        S.satisfaction, S.since, S.hours, S.contribution,
                        S.total_contribution, S.welcomed)


@njit(cache=True, inline="always")
def spillover_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    S, C, W = Slots(*slots), Collectives(*colls), Work(*work)
    spillover(knobs, W.multi_rows[:W.counts[N_MULTI_ROWS]], S.coll, C.status, C.knowledge,
              C.n_members, W.counts[N_USED])


@njit(cache=True, inline="always")
def metrics_phase(w, knobs, actors, slots, colls, streams, cond, net, work):
    """The week's row of the weekly table."""
    kn = Knobs(*knobs)
    A, S, C, W = Actors(*actors), Slots(*slots), Collectives(*colls), Work(*work)
    u = W.counts[N_USED]
    observe(w, W.lifecycle_rows[:W.counts[N_LIFECYCLE_ROWS]],  # supersets after dissolutions
            W.multi_rows[:W.counts[N_MULTI_ROWS]], S.coll, S.engagement, S.contribution,
            S.total_contribution, A.category, A.need, A.anxiety, A.efficacy, C.status[:u],
            C.problem[:u], C.category_mask[:u], C.n_members[:u], C.born[:u], C.died[:u],
            C.origin[:u], C.activity[:u], C.knowledge[:u], C.knowledge_added[:u],
            int(kn.eco_min_collectives),
            int(kn.eco_min_categories), W.counts[JOINS], W.counts[EXITS], W.counts[OBSERVED],
            W.weekly[w])


@njit(cache=True)
def run_weeks(w, end, start, knobs, actors, slots, colls, streams, cond, net, work):
    """Weeks ``w`` to ``end - 1``, week ``w`` from phase number ``start`` (0: all). Returns
    ``end``, or the week whose founders and programme calls need more collective rows first
    (the model grows the table and calls again from that week's FOUNDING)."""
    rows = Collectives(*colls).key.shape[0]
    for v in range(w, end):
        if v > w or start <= 0:
            contingencies_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
            wellbeing_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
            interaction_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
            leaving_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
            joining_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
        if rows_needed(v, cond, work) > rows:
            return v
        founding_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
        lifecycle_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
        spillover_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
        metrics_phase(v, knobs, actors, slots, colls, streams, cond, net, work)
    return end


SERIAL = serial_twins(
    globals(), also=("contingencies_phase", "wellbeing_phase", "interaction_phase",
                     "leaving_phase", "joining_phase", "founding_phase", "lifecycle_phase",
                     "spillover_phase", "metrics_phase", "run_weeks"),
    use=(kernels.SERIAL, index.SERIAL, metrics.SERIAL))
"""The plan without threads, for small models (see reve_sim.twins)."""
