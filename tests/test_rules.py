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
    """``leaves`` skips the logistic when the uniform is above the hazard's bound: the
    decision must be ``u < leave_hazard`` for every input, at the bound's edges too."""
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
        sats = np.concatenate([rng.normal(0.0, 3.0, 30), [-1e3, 0.0, 1e3]])
        for u, sat, (committed, available) in itertools.product(
                us, sats, [(0.0, 2.0), (3.0, 2.0), (1.0, 0.0), (0.0, 0.0)]):
            want = u < rules.leave_hazard(kn, sat, committed, available)
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
            assert rules.interest_match(row, p) == rules.relative_interest(row, p, peak)
