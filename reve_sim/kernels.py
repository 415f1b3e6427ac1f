"""Numba kernels of the weekly plan: arrays in, per-entity writes out.

Parallel loops (``prange``) only write to their own entity and draw only keyed
uniforms, and every float sum runs inside one entity in a fixed order, so
results are bit-identical whatever the thread count. Cross-entity decisions are
split into a parallel *decide* phase that reads a frozen state and an *apply*
phase that writes (sequentially where entities compete, in row order).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from . import rules
from .index import group_index
from .keyed_random import derived_key, uniform, uniform_mixed
from .parameters import Knobs
from .state import ACTIVE, CATEGORICAL, DISSOLVED, DORMANT, EMERGENT, INSTITUTIONAL, THEMATIC
from .twins import serial_twins

U0 = np.uint64(0)
THREADED = True
"""Whether this is the threaded build of the kernels (False in their serial twins, SERIAL)."""


# --- 1. contingencies -------------------------------------------------------------------

@njit(parallel=True, cache=True)
def contingencies(week, knobs, env_time, peak, st_start, st_duration, key, category,
                  time_budget, unavailable_until, engagement, coll, available, teacher):
    """Personal contingencies start; hours available this week (release time included)."""
    kn = Knobs(*knobs)
    n, m = coll.shape
    for i in prange(n):
        if unavailable_until[i] < week:
            if uniform(st_start, week, key[i], U0, 0) < kn.illness_rate:
                d = rules.contingency_duration(kn, uniform(st_duration, week, key[i], U0, 0))
                unavailable_until[i] = week + d - 1
        ill = unavailable_until[i] >= week
        mult = rules.time_multiplier(kn, env_time, peak, ill)
        avail = time_budget[i] * mult
        if category[i] == teacher and kn.release_time > 0.0:
            for s in range(m):
                if coll[i, s] >= 0 and engagement[i, s] >= 0.5:
                    avail += kn.release_time * mult
                    break
        available[i] = avail


@njit(cache=True)
def rentree_mobility(week, p_exit, p_move, st_exit, st_move, st_destination, st_newcomer,
                     teacher, key, category, territory, establishment, estab_first,
                     estab_count, coll, cestab):
    """Rentrée mobility's decisions, teacher by teacher in row order: leave teaching
    (probability ``p_exit``: every membership ends; a newcomer, with a key derived from the
    leaver's, takes the row and a school of the territory) or else move (``p_move``) to
    another school of the territory, ending the memberships of collectives local to the old
    one. Returns the slots to end (rows, cols: row-major order), the leavers' rows, and how
    many teachers there are and how many changed school. One compiled pass: as numpy
    calls, the rentrées cost about 4% of a two-thousand-actor run."""
    n, m = coll.shape
    end_rows = np.empty(n * m, dtype=np.int64)
    end_cols = np.empty(n * m, dtype=np.int64)
    leavers = np.empty(n, dtype=np.int64)
    n_end, n_left, n_teachers, n_moved = 0, 0, 0, 0
    for i in range(n):
        if category[i] != teacher:
            continue
        n_teachers += 1
        first, count = estab_first[territory[i]], estab_count[territory[i]]
        old = establishment[i]
        if uniform(st_exit, week, key[i], U0, 0) < p_exit:
            for s in range(m):
                if coll[i, s] >= 0:
                    end_rows[n_end], end_cols[n_end] = i, s
                    n_end += 1
            leavers[n_left] = i
            n_left += 1
            key[i] = derived_key(st_newcomer, week, key[i], 0)
            u = uniform(st_destination, week, key[i], U0, 1)
            establishment[i] = first + int(u * max(count, 1))
        elif uniform(st_move, week, key[i], U0, 0) < p_move and count > 1:
            u = uniform(st_destination, week, key[i], U0, 0)
            establishment[i] = first + (old - first + 1 + int(u * (count - 1))) % count
            if establishment[i] == old:
                continue
            n_moved += 1
            for s in range(m):
                c = coll[i, s]
                if c >= 0 and cestab[c] >= 0 and cestab[c] == old:
                    end_rows[n_end], end_cols[n_end] = i, s
                    n_end += 1
    return end_rows[:n_end], end_cols[:n_end], leavers[:n_left], n_teachers, n_moved


@njit(cache=True)
def drop_absent_animators(coll, animator, n_used):
    """An animator who no longer belongs to the collective stops animating it."""
    for c in range(n_used):
        if animator[c] >= 0 and not is_member(coll, animator[c], c):
            animator[c] = -1


@njit(parallel=True, cache=True)
def animator_departures(week, knobs, st_departure, ckey, status, animator, supported, n_used):
    kn = Knobs(*knobs)
    for c in prange(n_used):
        if (status[c] == ACTIVE or status[c] == DORMANT) and animator[c] >= 0:
            h = kn.animator_departure * (0.5 if supported[c] else 1.0)
            if uniform(st_departure, week, ckey[c], U0, 0) < h:
                animator[c] = -1


# --- 2. need, anxiety, efficacy ---------------------------------------------------------

@njit(parallel=True, cache=True)
def wellbeing(knobs, env_need, env_anxiety, env_loss, need_base, need, anxiety, efficacy,
              competence, support, knowledge):
    kn = Knobs(*knobs)
    for i in prange(need.shape[0]):
        need[i] = rules.relax(need[i], rules.need_target(need_base[i], env_need),
                              kn.need_relaxation)
        anxiety[i] = rules.relax(anxiety[i], rules.anxiety_target(kn, env_anxiety, support[i]),
                                 kn.anxiety_relaxation)
        efficacy[i] = rules.relax(
            efficacy[i], rules.efficacy_target(kn, competence[i], env_loss, support[i],
                                               knowledge[i]), kn.efficacy_relaxation)


# --- 3. interaction ---------------------------------------------------------------------

@njit(parallel=True, cache=True)
def give_time_and_tally(week, knobs, holiday, st_contribute, rows, key, cmixed, voice, category,
                        available, committed, coll, engagement, hours, contribution,
                        total_contribution, status, animator, supported, activity, n_members,
                        n_contributors, category_mask, mean_engagement, knowledge,
                        knowledge_added, value, n_used):
    """Hours each member gives (never above the hours available) and who contributes; then
    the collectives' sums over their members, visiting memberships in (actor row, slot)
    order — one fixed order, so sums are bit-reproducible; then knowledge stocks grow and
    each collective's offer is priced (``rules.collective_value``). Records of dissolved
    collectives stay as they were when they dissolved.

    ``rows``: increasing, including every actor holding a membership now or at the previous
    call (so that actors who lost their last membership get their per-week fields reset).
    ``cmixed``: each collective's ``keyed_random.partner_mix`` of its key, the collective's
    term of the membership draws (computed once a week for this kernel and the next).
    Threaded, the hours are given in a parallel loop and tallied in a serial one; the serial
    twin (``THREADED`` false) does both in one pass over the members: the same bits, about
    5% less time for a run of two thousand actors."""
    kn = Knobs(*knobs)
    slow = rules.holiday_factor(kn, holiday)
    for c in range(n_used):
        knowledge_added[c] = 0.0
        if status[c] == ACTIVE or status[c] == DORMANT:
            activity[c] = 0.0
            mean_engagement[c] = 0.0
            n_members[c] = 0
            n_contributors[c] = 0
            category_mask[c] = 0
    m = coll.shape[1]

    def tally_member(i):
        """Add actor ``i``'s memberships to their collectives' sums (a closure, inlined
        where it is called: as a function taking the arrays, its calls cost more than the
        pass it saves)."""
        for s in range(m):
            c = coll[i, s]
            if c >= 0:
                activity[c] += contribution[i, s]
                mean_engagement[c] += engagement[i, s]
                n_members[c] += 1
                n_contributors[c] += contribution[i, s] > 0.0
                category_mask[c] |= 1 << category[i]

    for j in prange(rows.shape[0]):
        i = rows[j]
        asked = 0.0
        for s in range(m):  # an empty slot's engagement is 0.0: adding it changes no bit,
            asked += engagement[i, s] * kn.hours_per_membership  # and a test would mispredict
        committed[i] = asked
        want = asked * slow  # holidays slow every membership down before the budget caps it
        scale = 1.0
        if want > available[i]:
            scale = available[i] / want
        for s in range(m):
            c = coll[i, s]
            if c < 0:
                hours[i, s] = 0.0
                contribution[i, s] = 0.0
                continue
            h = engagement[i, s] * kn.hours_per_membership * slow * scale
            hours[i, s] = h
            u = uniform_mixed(st_contribute, week, key[i], cmixed[c], 0)
            v = voice[i]
            if animator[c] == i:
                v *= rules.animator_voice(kn, supported[c])
            if rules.contributes(kn, u, v, h):
                contribution[i, s] = h
                total_contribution[i, s] += h
            else:
                contribution[i, s] = 0.0
        if not THREADED:
            tally_member(i)
    if THREADED:
        for i in rows:
            tally_member(i)
    for c in range(n_used):
        if status[c] == ACTIVE or status[c] == DORMANT:
            size = n_members[c]
            mean_engagement[c] = mean_engagement[c] / size if size > 0 else 0.0
            added = kn.knowledge_rate * activity[c] * rules.complementarity(kn, category_mask[c])
            knowledge_added[c] = added
            knowledge[c] = knowledge[c] * (1.0 - kn.knowledge_decay) + added
            value[c] = rules.collective_value(kn, activity[c], category_mask[c], size)


@njit(parallel=True, cache=True)
def member_benefits(week, knobs, holiday, st_welcome, st_leave, rows, key, cmixed, interest, need,
                    propensity, available, committed, coll, engagement, satisfaction, since,
                    contribution, welcomed, problem, value, n_members, n_contributors, animator,
                    supported, support, knowledge, ended, n_used):
    """Each member's benefit, cost and satisfaction; engagement adjusts (not in holidays);
    then the member decides whether to leave (``ended`` = 1, closed in the leaving phase:
    one pass over the memberships instead of two). ``rows`` as for
    ``give_time_and_tally``. The factors of the support benefit that depend on the
    collective alone are computed once per collective, the bound of the leaving hazard once
    per actor: the same arithmetic, hence the same bits. ``cmixed``: as for
    ``give_time_and_tally``."""
    kn = Knobs(*knobs)
    m = coll.shape[1]
    crowd = np.empty(n_used)
    share = np.empty((n_used, 2))  # the other contributors' share, by whether one posted
    for c in range(n_used):
        crowd[c] = rules.crowding(kn, n_members[c])
        share[c, 0] = rules.contributor_share(kn, n_contributors[c])
        share[c, 1] = rules.contributor_share(kn, n_contributors[c] - 1)
    for j in prange(rows.shape[0]):
        i = rows[j]
        sup = 0.0
        kno = 0.0
        peak = rules.interest_peak(interest[i])
        bound = rules.leave_bound(kn, committed[i], available[i])
        for s in range(m):
            c = coll[i, s]
            if c < 0:
                continue
            match = rules.relative_interest(interest[i, problem[c]], peak)
            bk = value[c] * match  # = rules.knowledge_benefit for this collective
            own = 1 if contribution[i, s] > 0.0 else 0
            bs = rules.support_from(kn, need[i], share[c, own], crowd[c])
            net = bk + bs + kn.recognition * own
            if week - since[i, s] == 1 and since[i, s] >= 0 and welcomed[i, s] == 0 and \
                    animator[c] >= 0 and animator[c] != i:
                # the animator answers a newcomer's first week once (Joyce & Kraut's reply);
                # the rarest condition first
                u = uniform_mixed(st_welcome, week, key[i], cmixed[c], 0)
                if u < rules.reply_probability(kn, supported[c]):
                    net += kn.welcome_bonus
                    welcomed[i, s] = 1
            net -= rules.time_cost(kn, engagement[i, s], available[i])
            sup += bs
            kno += bk
            if not holiday:
                satisfaction[i, s] = rules.relax(satisfaction[i, s], net,
                                                 kn.satisfaction_memory)
                engagement[i, s] = rules.relax(
                    engagement[i, s], rules.engagement_target(kn, propensity[i],
                                                              satisfaction[i, s]),
                    kn.engagement_rate)
            u = uniform_mixed(st_leave, week, key[i], cmixed[c], 0)
            if rules.leaves_under(kn, u, bound, satisfaction[i, s], committed[i], available[i]):
                ended[i, s] = 1
        support[i] = sup
        knowledge[i] = kno


# --- 5. joining -------------------------------------------------------------------------

@njit(cache=True)
def is_member(coll, a, c):
    for s in range(coll.shape[1]):
        if coll[a, s] == c:
            return True
    return False


@njit(cache=True)
def pick_by_weight(cum, u):
    """Index j with cum[j-1] <= u * cum[-1] < cum[j] (binary search)."""
    target = u * cum[cum.shape[0] - 1]
    lo, hi = 0, cum.shape[0] - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] > target:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True)
def join_channels(status, territory, problem, copen, n_members, n_territories, n_problems,
                  n_used):
    """What searching actors can be offered: the active collectives by (territory, problem),
    for brokerage, and the open active ones with cumulative weights 1 + size, for discovery."""
    group = np.full(n_used, -1, dtype=np.int64)
    n_open = 0
    for c in range(n_used):
        if status[c] == ACTIVE:
            group[c] = territory[c] * n_problems + problem[c]
            if copen[c] == 1:
                n_open += 1
    broker_ptr, broker_rows = group_index(group, n_territories * n_problems)
    disc_rows = np.empty(n_open, dtype=np.int64)
    disc_cum = np.empty(n_open)
    k = 0
    weight = 0.0
    for c in range(n_used):
        if status[c] == ACTIVE and copen[c] == 1:
            weight += 1.0 + n_members[c]
            disc_rows[k] = c
            disc_cum[k] = weight
            k += 1
    return broker_ptr, broker_rows, disc_rows, disc_cum


@njit(parallel=True, cache=True)
def choose_collective(week, knobs, env_founding, in_person, online_discovery, st_consider,
                      st_tie, st_brokerage, st_discovery, st_found, key, category, territory,
                      estab, interest, need, propensity, threshold, found_propensity, available,
                      committed, support, unavailable_until, coll, tie_ptr, tie_rows, estab_ptr,
                      estab_rows, ccat, cestab, status, copen, problem, activity, n_members,
                      n_contributors, category_mask, animator, supported, broker_ptr,
                      broker_rows, n_problems, disc_cum, disc_rows, choice, founder):
    """Decide phase of joining and founding: each searching actor's best acceptable
    candidate, or -1, and whether an actor with room would found a collective.

    Reads a frozen state (no membership changes here), so the order of actors is irrelevant.
    The founding decision reads the state before this week's joins: founding re-checks that
    a free slot is left (``found_collectives``), and joins only fill slots, so deciding it
    here or after the joins is the same.
    """
    kn = Knobs(*knobs)
    n, m = coll.shape
    uniform_mixing = kn.mixing == 1.0

    # The helpers are closures, inlined where they are called and reading the kernel's
    # arrays directly: as functions taking the arrays, each call per candidate paid for the
    # reference counts of its array arguments (about 5% of a run of two thousand actors).
    def eligible(i, c):
        """Can actor i join collective c at all (status, category, establishment, not a
        member)?"""
        if status[c] != ACTIVE:
            return False
        if ccat[c] >= 0 and ccat[c] != category[i]:
            return False
        if cestab[c] >= 0 and cestab[c] != estab[i]:
            return False
        return not is_member(coll, i, c)

    def has_tied_member(i, c):
        for j in range(tie_ptr[i], tie_ptr[i + 1]):
            if is_member(coll, tie_rows[j], c):
                return True
        e = estab[i]
        if e >= 0:
            for j in range(estab_ptr[e], estab_ptr[e + 1]):
                a = estab_rows[j]
                if a != i and is_member(coll, a, c):
                    return True
        return False

    def membership_of(i, a):
        """One of actor a's memberships, drawn uniformly (for searching actor i), or -1."""
        filled = 0
        for s in range(m):
            if coll[a, s] >= 0:
                filled += 1
        if filled == 0:
            return -1
        k = int(uniform(st_tie, week, key[i], U0, 2) * filled)
        for s in range(m):
            if coll[a, s] >= 0:
                if k == 0:
                    return coll[a, s]
                k -= 1
        return -1

    def tie_candidate(i):
        """A collective of a random tie (colleague or graph tie), or -1. With uniform
        mixing the contact is any other actor, drawn uniformly (full mixing)."""
        if uniform_mixing:
            if n < 2:
                return -1
            a = int(uniform(st_tie, week, key[i], U0, 0) * (n - 1))
            if a >= i:
                a += 1
            return membership_of(i, a)
        e = estab[i]
        deg_e = estab_ptr[e + 1] - estab_ptr[e] - 1 if e >= 0 else 0
        deg_g = tie_ptr[i + 1] - tie_ptr[i]
        d = deg_e + deg_g
        if d <= 0:
            return -1
        j = int(uniform(st_tie, week, key[i], U0, 0) * d)
        if j < deg_e:
            if uniform(st_tie, week, key[i], U0, 1) >= in_person:
                return -1  # in-person channels closed
            a = estab_rows[estab_ptr[e] + j]
            if a == i:
                a = estab_rows[estab_ptr[e] + deg_e]
        else:
            a = tie_rows[tie_ptr[i] + j - deg_e]
        return membership_of(i, a)

    for i in prange(n):
        choice[i] = -1
        founder[i] = False
        if unavailable_until[i] >= week:
            continue
        free = False
        for s in range(m):
            if coll[i, s] < 0:
                free = True
        if not free:
            continue
        p = rules.founding_probability(kn, need[i], support[i], found_propensity[i],
                                       env_founding)
        if p > 0.0 and uniform(st_found, week, key[i], U0, 0) < p:
            founder[i] = True
        if uniform(st_consider, week, key[i], U0, 0) >= kn.join_rate * (0.5 + need[i]):
            continue
        if committed[i] + propensity[i] * kn.hours_per_membership > available[i]:
            continue  # no room in the time budget
        # three channels, each giving at most one candidate: a tie (an introduction), the
        # operator's brokerage, online discovery
        by_tie = tie_candidate(i)
        brokered = -1
        if uniform(st_brokerage, week, key[i], U0, 0) < kn.brokerage:
            # the operator suggests a collective on a problem drawn by interest, in the territory
            u = uniform(st_brokerage, week, key[i], U0, 1)
            acc = 0.0
            prob = n_problems - 1
            for k in range(n_problems):
                acc += interest[i, k]
                if u < acc:
                    prob = k
                    break
            g = territory[i] * n_problems + prob
            size = broker_ptr[g + 1] - broker_ptr[g]
            if size > 0:
                u2 = uniform(st_brokerage, week, key[i], U0, 2)
                brokered = broker_rows[broker_ptr[g] + int(u2 * size)]
        discovered = -1
        if disc_rows.shape[0] > 0 and uniform(st_discovery, week, key[i], U0, 0) < min(
                1.0, kn.discoverability * online_discovery):
            u = uniform(st_discovery, week, key[i], U0, 1)
            discovered = disc_rows[pick_by_weight(disc_cum, u)]
        best = -1
        best_value = 0.0
        for k in range(3):
            c = by_tie if k == 0 else (brokered if k == 1 else discovered)
            if c < 0 or not eligible(i, c):
                continue
            if copen[c] == 0 and k > 0 and not has_tied_member(i, c):
                continue  # a closed collective takes only someone introduced by a member
            match = rules.interest_match(interest[i], problem[c])
            value = rules.expected_benefit(kn, activity[c], match, category_mask[c], category[i],
                                           need[i], n_contributors[c], n_members[c],
                                           animator[c] >= 0,
                                           supported[c], propensity[i], available[i])
            value -= threshold[i]
            if value > 0.0 and (best < 0 or value > best_value):
                best = c
                best_value = value
        choice[i] = best


@njit(parallel=True, cache=True)
def apply_joins(week, choice, propensity, coll, engagement, satisfaction, since,
                total_contribution, welcomed):
    """Apply phase of joining: each actor writes only its own first free slot."""
    n, m = coll.shape
    for i in prange(n):
        c = choice[i]
        if c < 0:
            continue
        for s in range(m):
            if coll[i, s] < 0:
                coll[i, s] = c
                engagement[i, s] = propensity[i]
                satisfaction[i, s] = 0.0
                since[i, s] = week
                total_contribution[i, s] = 0.0
                welcomed[i, s] = 0
                break


# --- 6. founding ------------------------------------------------------------------------

@njit(cache=True)
def free_slot(coll, a):
    for s in range(coll.shape[1]):
        if coll[a, s] < 0:
            return s
    return -1


@njit(cache=True)
def enrol(a, c, week, coll, engagement, satisfaction, since, total_contribution, welcomed,
          propensity):
    s = free_slot(coll, a)
    coll[a, s] = c
    engagement[a, s] = propensity[a]
    satisfaction[a, s] = 0.0
    since[a, s] = week
    total_contribution[a, s] = 0.0
    welcomed[a, s] = 0


@njit(cache=True)
def recruit(week, kn, lead, c, p, need_min, in_person, category, estab, interest, need,
            propensity, unavailable_until, coll, engagement, satisfaction, since,
            total_contribution, welcomed, tie_ptr, tie_rows, estab_ptr, estab_rows):
    """The lead enrols up to ``cofounders`` tied actors (colleagues first, when in-person
    channels are open) who are available, have room, need >= need_min and care about p.

    Returns whether every recruit shares the lead's category, and the lead's establishment.
    """
    got = 0
    same_cat = True
    same_estab = estab[lead] >= 0
    k_prob = interest.shape[1]
    e = estab[lead]
    n_colleagues = estab_ptr[e + 1] - estab_ptr[e] if (e >= 0 and in_person >= 0.5) else 0
    n_ties = tie_ptr[lead + 1] - tie_ptr[lead]
    for j in range(n_colleagues + n_ties):
        if got >= kn.cofounders:
            break
        if j < n_colleagues:
            a = estab_rows[estab_ptr[e] + j]
        else:
            a = tie_rows[tie_ptr[lead] + j - n_colleagues]
        if a == lead or unavailable_until[a] >= week or need[a] < need_min:
            continue
        if interest[a, p] < 1.0 / k_prob or free_slot(coll, a) < 0 or is_member(coll, a, c):
            continue
        enrol(a, c, week, coll, engagement, satisfaction, since, total_contribution, welcomed,
              propensity)
        got += 1
        same_cat = same_cat and category[a] == category[lead]
        same_estab = same_estab and estab[a] == e
    return same_cat, same_estab


@njit(cache=True)
def top_interest(interest, a):
    p = 0
    for k in range(interest.shape[1]):
        if interest[a, k] > interest[a, p]:
            p = k
    return p


@njit(cache=True)
def found_collectives(week, knobs, in_person, st_found_coll, founder, key, category, territory,
                      estab, interest, need, propensity, unavailable_until, coll, engagement,
                      satisfaction, since, total_contribution, welcomed, tie_ptr, tie_rows,
                      estab_ptr, estab_rows, ckey, cstatus, ckind, ccat, copen, corigin,
                      cproblem, cterritory, cestab, canimator, csupported, cknowledge, cborn,
                      n_used):
    """Apply phase of founding, sequential in row order (founders compete for co-founders)."""
    kn = Knobs(*knobs)
    for f in range(founder.shape[0]):
        if not founder[f] or free_slot(coll, f) < 0:
            continue
        c = n_used
        n_used += 1
        p = top_interest(interest, f)
        ckey[c] = derived_key(st_found_coll, week, key[f], 0)
        enrol(f, c, week, coll, engagement, satisfaction, since, total_contribution, welcomed,
              propensity)
        same_cat, same_estab = recruit(
            week, kn, f, c, p, kn.found_need * 0.8, in_person, category, estab, interest, need,
            propensity, unavailable_until, coll, engagement, satisfaction, since,
            total_contribution, welcomed, tie_ptr, tie_rows, estab_ptr, estab_rows)
        cstatus[c] = ACTIVE
        ckind[c] = CATEGORICAL if same_cat else THEMATIC
        ccat[c] = category[f] if same_cat else -1
        copen[c] = 1 if uniform(st_found_coll, week, key[f], U0, 1) < kn.share_open else 0
        corigin[c] = EMERGENT
        cproblem[c] = p
        cterritory[c] = territory[f]
        cestab[c] = estab[f] if (same_cat and same_estab) else -1
        canimator[c] = f
        csupported[c] = 1 if uniform(st_found_coll, week, key[f], U0, 2) < kn.animation else 0
        cknowledge[c] = 0.0
        cborn[c] = week
    return n_used


# --- 7. lifecycle -----------------------------------------------------------------------

@njit(cache=True)
def tally_members(knobs, coll, category, engagement, status, n_members, category_mask,
                  successor, successor_engagement, holder_rows, multi_rows, n_used):
    """Head count, category mix and would-be animator (the first most engaged member, if
    engaged enough) of each collective, in (actor row, slot) order. In the same pass over
    the actors, lists in ``holder_rows`` those holding a membership (what the next week's
    membership kernels visit) and in ``multi_rows`` those holding two or more (the only
    possible boundary spanners, fewer than half the members); returns how many of each."""
    kn = Knobs(*knobs)
    for c in range(n_used):
        successor[c] = -1
        if status[c] != ACTIVE and status[c] != DORMANT:
            continue
        n_members[c] = 0
        category_mask[c] = 0
        successor_engagement[c] = kn.takeover_engagement
    m = coll.shape[1]
    n_rows = n_multi = 0
    for i in range(coll.shape[0]):
        held = 0
        for s in range(m):
            c = coll[i, s]
            if c < 0:
                continue
            held += 1
            n_members[c] += 1
            category_mask[c] |= 1 << category[i]
            e = engagement[i, s]
            if e >= successor_engagement[c] and (successor[c] < 0 or e > successor_engagement[c]):
                successor[c] = i
                successor_engagement[c] = e
        holder_rows[n_rows] = i  # kept only if the actor holds one or more (no branch)
        n_rows += held >= 1
        multi_rows[n_multi] = i  # the same with two or more
        n_multi += held >= 2
    return n_rows, n_multi


@njit(parallel=True, cache=True)
def lifecycle(week, knobs, holiday, st_takeover, st_renewal, coll, ckey, status, animator,
              funding, funding_end, activity, n_members, mean_engagement, born, died,
              quiet_weeks, dormant_since, first_inactive, successor, n_used):
    """Animator succession, funding end, dormancy and dissolution (a dissolved collective
    keeps no member: its memberships are ended next). Returns how many dissolved."""
    kn = Knobs(*knobs)
    dissolved = 0
    for c in prange(n_used):
        if status[c] != ACTIVE and status[c] != DORMANT:
            continue
        size = n_members[c]
        a = animator[c]
        if a >= 0 and not is_member(coll, a, c):
            animator[c] = -1
        if animator[c] < 0 and size > 0 and \
                uniform(st_takeover, week, ckey[c], U0, 0) < kn.takeover:
            animator[c] = successor[c]
        dissolve = False
        if funding_end[c] == week:
            if uniform(st_renewal, week, ckey[c], U0, 0) < kn.funding_renewal:
                funding_end[c] = week + int(kn.funding_duration)
            else:
                funding[c] = 0.0
                funding_end[c] = -1
                dissolve = mean_engagement[c] < kn.funding_end_engagement
        if not holiday:
            if activity[c] < kn.dormant_activity:
                quiet_weeks[c] += 1
            else:
                quiet_weeks[c] = 0
        if status[c] == ACTIVE and quiet_weeks[c] >= kn.dormant_weeks:
            status[c] = DORMANT
            dormant_since[c] = week
        elif status[c] == DORMANT and quiet_weeks[c] == 0:
            status[c] = ACTIVE
            dormant_since[c] = -1
        elif status[c] == DORMANT and week - dormant_since[c] >= kn.dissolve_weeks:
            dissolve = True
        if size == 0 or (size < kn.min_members and week - born[c] >= kn.grace_weeks):
            dissolve = True
        if dissolve:
            status[c] = DISSOLVED
            died[c] = week
            animator[c] = -1
            n_members[c] = 0
            dissolved += 1
        if first_inactive[c] < 0 and status[c] != ACTIVE:
            first_inactive[c] = week
    return dissolved


# --- 8. spillover -----------------------------------------------------------------------

@njit(cache=True)
def spillover(knobs, rows, coll, status, knowledge, n_members, n_used):
    """Boundary spanners carry knowledge from richer to poorer active collectives; gaps are
    summed in (actor row, slot) order. ``rows``: increasing, including every actor holding
    two memberships or more."""
    kn = Knobs(*knobs)
    old = knowledge[:n_used].copy()
    inflow = np.zeros(n_used)
    m = coll.shape[1]
    spans = np.empty(m, dtype=np.int64)  # the actor's active collectives, in slot order
    for a in rows:
        k = 0
        for s in range(m):
            c = coll[a, s]
            if c >= 0 and status[c] == ACTIVE:
                spans[k] = c
                k += 1
        for x in range(k if k >= 2 else 0):  # a member of one collective carries nothing
            c = spans[x]
            for y in range(k):
                # only richer collectives give (adding 0.0 otherwise changes no bit, and
                # avoids a branch that random knowledge stocks would mispredict)
                inflow[c] += max(0.0, old[spans[y]] - old[c])
    for c in range(n_used):
        if status[c] == ACTIVE and n_members[c] > 0:
            knowledge[c] = old[c] + kn.spillover * inflow[c] / n_members[c]


# --- 6b. programme calls ----------------------------------------------------------------

@njit(cache=True)
def programme_collectives(week, knobs, in_person, n_new, call, problem_fixed, amount, duration,
                          n_territories, support_code, n_categories, st_prog, st_animator,
                          tc_ptr, tc_rows, t_ptr, t_rows, key, category, estab, interest, need,
                          propensity, unavailable_until, coll, engagement, satisfaction, since,
                          total_contribution, welcomed, tie_ptr, tie_rows, estab_ptr,
                          estab_rows, ckey, cstatus, ckind, ccat, copen, corigin, cproblem,
                          cterritory, cestab, canimator, csupported, cfunding, cfunding_end,
                          cknowledge, cborn, n_used):
    """A programme call creates funded, open, thematic collectives with a supported animator
    (support staff of the territory first), who recruits among its ties."""
    kn = Knobs(*knobs)
    k_prob = interest.shape[1]
    for j in range(n_new):
        c = n_used
        n_used += 1
        ckey[c] = derived_key(st_prog, week, np.uint64(j), call)
        t = j % n_territories
        if problem_fixed >= 0:
            p = problem_fixed
        else:
            p = int(uniform(st_prog, week, ckey[c], U0, 1) * k_prob)
        lead = -1
        for k in range(64):
            if k < 32:
                g = t * n_categories + support_code
                lo, size = tc_ptr[g], tc_ptr[g + 1] - tc_ptr[g]
                rows = tc_rows
            else:
                lo, size = t_ptr[t], t_ptr[t + 1] - t_ptr[t]
                rows = t_rows
            if size == 0:
                continue
            a = rows[lo + int(uniform(st_animator, week, ckey[c], U0, k) * size)]
            if free_slot(coll, a) >= 0 and unavailable_until[a] < week:
                lead = a
                break
        cstatus[c] = ACTIVE
        ckind[c] = THEMATIC
        ccat[c] = -1
        copen[c] = 1
        corigin[c] = INSTITUTIONAL
        cproblem[c] = p
        cterritory[c] = t
        cestab[c] = -1
        csupported[c] = 1
        cfunding[c] = amount
        cfunding_end[c] = week + duration
        cknowledge[c] = 0.0
        cborn[c] = week
        canimator[c] = lead
        if lead >= 0:
            enrol(lead, c, week, coll, engagement, satisfaction, since, total_contribution,
                  welcomed, propensity)
            recruit(week, kn, lead, c, p, 0.0, in_person, category, estab, interest, need,
                    propensity, unavailable_until, coll, engagement, satisfaction, since,
                    total_contribution, welcomed, tie_ptr, tie_rows, estab_ptr, estab_rows)
    return n_used


# --- bookkeeping ------------------------------------------------------------------------

@njit(cache=True)
def end_memberships(week, rows, cols, tenures, coll, engagement, satisfaction, since, hours,
                    contribution, total_contribution, welcomed):
    """Clear the slots (rows[k], cols[k]) and count the tenure of each membership begun
    during the run (``since`` >= 0) in ``tenures`` (indexed by weeks held; its length must
    exceed ``week``)."""
    for k in range(rows.shape[0]):
        i, s = rows[k], cols[k]
        if since[i, s] >= 0:
            tenures[week - since[i, s]] += 1
        coll[i, s] = -1
        engagement[i, s] = 0.0
        satisfaction[i, s] = 0.0
        hours[i, s] = 0.0
        contribution[i, s] = 0.0
        total_contribution[i, s] = 0.0
        welcomed[i, s] = 0
        since[i, s] = 0


SERIAL = serial_twins(globals(), constants={"THREADED": False})
"""The same kernels without threads, for small models (see reve_sim.twins)."""
