"""The behavioural rules of reve-sim as small scalar functions.

Each function is one documented formula of docs/ODD.md (section 7, Submodels).
They are compiled with Numba and inlined by the array kernels, and called one
agent at a time by the readable reference implementation, so both apply the
very same arithmetic. ``kn`` is the tuple of numeric parameters (see model.py).
"""

from __future__ import annotations

import math

from numba import njit

N_CATEGORIES = 8


@njit(cache=True)
def popcount(mask):
    n = 0
    while mask:
        n += mask & 1
        mask >>= 1
    return n


@njit(cache=True)
def time_multiplier(kn, env_time, peak, ill):
    """Share of the time budget usable this week (workload peak, shock, personal contingency).

    Holidays are not here: they slow every collective down (see ``holiday_factor``) without
    putting members under time pressure."""
    m = env_time
    if peak:
        m *= kn.peak_time
    if ill:
        m *= kn.illness_time
    return m


@njit(cache=True)
def holiday_factor(kn, holiday):
    """Share of its usual hours a membership gets during school holidays."""
    return kn.holiday_time if holiday else 1.0


@njit(cache=True)
def contingency_duration(kn, u):
    """Geometric duration (>= 1 week) with mean ``illness_weeks``, by inverse CDF."""
    if kn.illness_weeks <= 1.0:
        return 1
    q = 1.0 - 1.0 / kn.illness_weeks
    return 1 + int(math.floor(math.log(u) / math.log(q)))


@njit(cache=True)
def relax(x, target, rate):
    """Move ``x`` a share ``rate`` of the way to ``target``."""
    return x + rate * (target - x)


@njit(cache=True)
def clip01(x):
    return min(1.0, max(0.0, x))


@njit(cache=True)
def need_target(need_base, env_need):
    return clip01(need_base + env_need)


@njit(cache=True)
def anxiety_target(kn, env_anxiety, support):
    """Shocks raise anxiety; support received in collectives lowers it."""
    return clip01(kn.anxiety_baseline + env_anxiety - kn.support_relief * support)


@njit(cache=True)
def efficacy_target(kn, competence, env_loss, support, knowledge):
    """A shock costs a share of efficacy; support and knowledge gained buffer the loss."""
    buffer = min(1.0, kn.efficacy_buffer * (support + knowledge))
    return competence * (1.0 - env_loss * (1.0 - buffer))


@njit(cache=True)
def contribution_probability(kn, voice, hours):
    """Posting as a Poisson process whose rate is the member's voice times the hours given."""
    return 1.0 - math.exp(-kn.contribution_rate * voice * hours)


@njit(cache=True)
def contributes(kn, u, voice, hours):
    """Whether a member whose weekly uniform is ``u`` posts: ``u < contribution_probability``.

    With ``x`` the Poisson rate times the hours, x − x²/2 ≤ 1 − exp(−x) < x, and the
    computed value is within 2⁻⁵² of the exact one (exp is accurate to an ulp, 2⁻⁵³ at most
    below 1; the subtraction from 1 is exact or rounds by 2⁻⁵⁴ there); for x ≤ 1 the
    computed lower bound is within 2⁻⁵² of its exact value too. So a ``u`` at or above
    ``x + 2⁻⁵⁰``, or (x ≤ 1) below ``x − x²/2 − 2⁻⁵⁰``, decides without the exponential:
    the same decision, and only a sliver of the uniforms needs it."""
    x = kn.contribution_rate * voice * hours
    if u >= x + 2.0 ** -50:
        return False
    if x <= 1.0 and u < x - 0.5 * x * x - 2.0 ** -50:
        return True
    return u < contribution_probability(kn, voice, hours)


@njit(cache=True)
def animator_voice(kn, supported):
    """Animators post more (regular meetings, news); supported animators twice as much more."""
    return 1.0 + kn.animator_activity * (2.0 if supported else 1.0)


@njit(cache=True)
def liveliness(kn, activity):
    """Concave knowledge value of a collective's weekly activity (overload past the scale)."""
    return 1.0 - math.exp(-activity / kn.activity_scale)


@njit(cache=True)
def complementarity(kn, category_mask):
    """Knowledge multiplier from the mix of categories present (1 for a single category)."""
    n = popcount(category_mask)
    return 1.0 + (kn.complementarity + kn.heterogeneity_incentive) * (n - 1) / (N_CATEGORIES - 1)


@njit(cache=True)
def interest_peak(interest_row):
    """An actor's main interest (the largest entry of its interest row)."""
    top = 0.0
    for k in range(interest_row.shape[0]):
        top = max(top, interest_row[k])
    return top


@njit(cache=True)
def relative_interest(interest, peak):
    """``interest_match`` given the interest in the problem and the row's ``interest_peak``
    (computed once per actor)."""
    return interest / peak if peak > 0.0 else 0.0


@njit(cache=True)
def interest_match(interest_row, problem):
    """Interest in the problem relative to the actor's main interest, in [0, 1]."""
    return relative_interest(interest_row[problem], interest_peak(interest_row))


@njit(cache=True)
def crowding(kn, size):
    """Share of a collective's exchanges that reach one member: falls as the group grows
    (lower signal-to-noise, unanswered posts), halving at ``group_scale`` members."""
    return kn.group_scale / (kn.group_scale + size)


@njit(cache=True)
def collective_value(kn, activity, category_mask, size):
    """Knowledge a collective offers a member whose main interest is its problem."""
    return kn.weight_knowledge * liveliness(kn, activity) * complementarity(
        kn, category_mask) * crowding(kn, size)


@njit(cache=True)
def knowledge_benefit(kn, activity, match, category_mask, size):
    return collective_value(kn, activity, category_mask, size) * match


@njit(cache=True)
def contributor_share(kn, other_contributors):
    """How far the other members' contributions meet a member's need for support."""
    return min(1.0, other_contributors / kn.support_scale)


@njit(cache=True)
def support_from(kn, need, share, crowd):
    """``support_benefit`` given its ``contributor_share`` and ``crowding`` (they depend on
    the collective alone: the kernel computes them once per collective and week)."""
    return kn.weight_support * need * share * crowd


@njit(cache=True)
def support_benefit(kn, need, other_contributors, size):
    return support_from(kn, need, contributor_share(kn, other_contributors), crowding(kn, size))


@njit(cache=True)
def time_cost(kn, engagement, available):
    """Cost of the hours a membership asks, relative to the hours available (capped at 2)."""
    asked = engagement * kn.hours_per_membership
    if available <= 0.0:
        return 2.0 * kn.weight_cost
    return kn.weight_cost * min(2.0, asked / available)


@njit(cache=True)
def reply_probability(kn, supported):
    return 0.9 if supported else kn.reply_probability


@njit(cache=True)
def engagement_target(kn, propensity, satisfaction):
    return clip01(propensity + kn.engagement_gain * satisfaction)


@njit(cache=True)
def leave_hazard(kn, satisfaction, committed, available):
    """Weekly hazard of leaving: logistic in satisfaction, plus time over-commitment."""
    h = kn.leave_base + (kn.leave_max - kn.leave_base) / (
        1.0 + math.exp(kn.leave_slope * satisfaction))
    return _time_pressed(kn, h, committed, available)


@njit(cache=True)
def _time_pressed(kn, h, committed, available):
    """A leaving hazard ``h`` raised by time over-commitment (capped at 1)."""
    if available > 0.0 and committed > available:
        h += kn.leave_time_pressure * (committed / available - 1.0)
    elif available <= 0.0 and committed > 0.0:
        h += kn.leave_time_pressure
    return min(1.0, h)


@njit(cache=True)
def leave_bound(kn, committed, available):
    """The largest leaving hazard of a member with these hours, whatever its satisfaction.

    The logistic term lies between 0 and ``leave_max - leave_base``, also in floating point
    (a division by at least 1), so the hazard never exceeds its value at that bound."""
    return _time_pressed(kn, kn.leave_base + max(0.0, kn.leave_max - kn.leave_base),
                         committed, available)


@njit(cache=True)
def satisfied_leave_bound(kn, satisfaction, committed, available):
    """A bound of the leaving hazard of a satisfied member, without the exponential (inf
    where it does not apply: a dissatisfied member, or a hazard rising with satisfaction).

    With y = leave_slope · satisfaction ≥ 0, 1 + exp(y) ≥ 2 + y + y²/2, so the logistic term
    is at most (leave_max − leave_base) / (2 + y + y²/2). The computed term stays within
    2⁻⁴⁹ of its exact value, relatively (exp is accurate to an ulp), and so does the bound;
    raised by 2⁻⁴⁵ it exceeds the computed term, and the sum and the time pressure round
    monotonically: a ``u`` at or above it does not leave."""
    d = kn.leave_max - kn.leave_base
    y = kn.leave_slope * satisfaction
    if d < 0.0 or not y >= 0.0:
        return math.inf
    term = d / (2.0 + y + 0.5 * y * y) * (1.0 + 2.0 ** -45)
    return _time_pressed(kn, kn.leave_base + term, committed, available)


@njit(cache=True)
def leaves_under(kn, u, bound, satisfaction, committed, available):
    """``leaves`` given the member's ``leave_bound`` (the same for all of an actor's
    memberships: the kernel computes it once per actor). Of the uniforms below it (the
    most a member can leave with), those at or above ``satisfied_leave_bound`` still
    decide without the exponential."""
    if u >= bound or u >= satisfied_leave_bound(kn, satisfaction, committed, available):
        return False
    return u < leave_hazard(kn, satisfaction, committed, available)


@njit(cache=True)
def leaves(kn, u, satisfaction, committed, available):
    """Whether a member whose weekly uniform is ``u`` leaves: ``u < leave_hazard``.

    A ``u`` at or above the hazard's ``leave_bound`` decides without the exponential: the
    same decision, and most memberships skip it."""
    return leaves_under(kn, u, leave_bound(kn, committed, available), satisfaction,
                        committed, available)


@njit(cache=True)
def expected_benefit(kn, activity, match, category_mask, own_category, need, contributors, size,
                     has_animator, supported, propensity, available):
    """What a searching actor expects from joining, net of the time it would cost."""
    mask = category_mask | (1 << own_category)
    b = knowledge_benefit(kn, activity, match, mask, size + 1)
    b += support_benefit(kn, need, contributors, size + 1)
    b += kn.recognition * propensity
    if has_animator:
        b += reply_probability(kn, supported) * kn.welcome_bonus
    return b - time_cost(kn, propensity, available)


@njit(cache=True)
def founding_probability(kn, need, support, found_propensity, env_founding):
    """Unmet need above a threshold drives founding; crises multiply it."""
    unmet = need * (1.0 - min(1.0, support))
    if unmet <= kn.found_need or kn.found_need >= 1.0:
        return 0.0
    x = (unmet - kn.found_need) / (1.0 - kn.found_need)
    return min(1.0, kn.found_rate * found_propensity * x * env_founding)
