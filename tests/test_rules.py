"""Shortcuts in the behavioural rules decide exactly as the formulas they stand for."""

from __future__ import annotations

import itertools

import numpy as np

from reve_sim import rules
from reve_sim.parameters import PARAMETERS, Knobs, validate


def knobs(**changes) -> Knobs:
    params = validate(changes)
    return Knobs(*[float(params[name]) for name in PARAMETERS])


def test_leaving_decides_as_the_hazard_says():
    """``leaves`` skips the logistic when the uniform is above the hazard's bound, or above
    the satisfied member's bound: the decision must be ``u < leave_hazard`` for every input,
    at the edges of both bounds too."""
    rng = np.random.default_rng(5)
    settings = [dict(), dict(leave_base=0.3, leave_max=0.1),  # a hazard falling to its max
                dict(leave_base=0.0, leave_max=1.0, leave_slope=0.0),
                dict(leave_slope=100.0),
                dict(leave_time_pressure=1.0)]
    checked = left = 0
    for change in settings:
        kn = knobs(**change)
        top = kn.leave_base + max(0.0, kn.leave_max - kn.leave_base)
        us = np.concatenate([rng.random(200), np.nextafter(top, [0.0, 1.0]), [top, 0.0]])
        sats = np.concatenate([rng.normal(0.0, 3.0, 30), rng.uniform(0.0, 0.5, 30),
                               [-1e3, 0.0, 1e-300, 1e3, 1e200]])
        for sat, (committed, available) in itertools.product(
                sats, [(0.0, 2.0), (3.0, 2.0), (1.0, 0.0), (0.0, 0.0)]):
            h = rules.leave_hazard(kn, sat, committed, available)
            tight = rules.satisfied_leave_bound(kn, sat, committed, available)
            edges = [h, np.nextafter(h, 0.0), np.nextafter(h, 1.0)]
            if tight < 1.0:
                edges += [tight, np.nextafter(tight, 0.0), np.nextafter(tight, 1.0)]
                edges += list(rng.uniform(h, tight, 5))
            for u in np.concatenate([us, edges]):
                want = u < h
                assert rules.leaves(kn, u, sat, committed, available) == want, (change, u, sat)
                checked += 1
                left += want
    assert 0 < left < checked  # both decisions were seen


def test_interest_match_is_relative_interest_at_the_peak():
    rng = np.random.default_rng(2)
    for row in [rng.random(6), np.zeros(6), np.array([0.0, 0.3, 0.3])]:
        peak = rules.interest_peak(row)
        assert peak == row.max()
        for p in range(row.size):
            assert rules.interest_match(row, p) == rules.relative_interest(row[p], peak)


def test_posting_decides_as_the_probability_says():
    """``contributes`` skips the exponential when the uniform is above the Poisson rate
    times the hours, or below its lower bound: the decision must be ``u <
    contribution_probability`` for every input, for rare posts (the default rate), frequent
    ones, a rate times hours of exactly 1, and right at both bounds."""
    rng = np.random.default_rng(9)
    checked = posted = 0
    for rate in (0.0, 0.005, 0.7, 2.0, 10.0):
        kn = knobs(contribution_rate=rate)
        for voice, hours in itertools.product([0.0, 1e-9, 0.3, 1.0, 7.0],
                                              [0.0, 1e-6, 0.5, 1.5, 20.0]):
            x = rate * voice * hours
            p = rules.contribution_probability(kn, voice, hours)
            low = x - 0.5 * x * x - 2.0 ** -50
            us = np.concatenate([rng.random(100) * min(1.0, 4 * x + 1e-12), rng.random(20),
                                 rng.uniform(low, p, 20) if 0.0 < low < p else [],
                                 [p, np.nextafter(p, 0.0), np.nextafter(p, 1.0), x,
                                  np.nextafter(x + 2.0 ** -50, 0.0), x + 2.0 ** -50,
                                  low, np.nextafter(low, 0.0), np.nextafter(low, 1.0)]])
            for u in us[(us > 0.0) & (us < 1.0)]:
                want = u < p
                assert rules.contributes(kn, u, voice, hours) == want, (rate, voice, hours, u)
                checked += 1
                posted += want
    assert 0 < posted < checked
