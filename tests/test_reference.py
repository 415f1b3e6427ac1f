"""ReveModel (arrays and Numba kernels) reproduces the readable agent-by-agent reference
(reve_sim.reference) bit for bit: every state array after every week, and the weekly
metrics. Any difference is reported with the first week, array and entries that differ."""

from __future__ import annotations

import numpy as np
import pytest

from reve_sim.model import ReveModel
from reve_sim.reference import ActorAgent, CollectiveAgent, ReferenceModel, array_state
from reve_sim.state import INSTITUTIONAL

SEED = 3
N_ACTORS = 400
WEEKS = 60  # from 2019-09-02: crosses the 2020 lockdown and the rentrée of week 52

LOCKDOWN = {"start": "2020-03-16", "end": "2020-05-11", "need": 0.4, "anxiety": 0.3,
            "in_person": 0.0, "online_discovery": 3.0, "time": 1.3, "founding": 3.0,
            "efficacy_loss": 0.3}
CONFIGS = {
    "default": {},
    "lockdown_programme_levers": {
        "shocks": [LOCKDOWN],
        "programmes": [{"start": "2019-10-07", "per_1000": 5}],
        "brokerage": 0.5, "animation": 0.5, "recognition": 0.3, "release_time": 1.0,
        "funding_duration": 20, "funding_renewal": 0.3,
        "mobility_multiplier": 3,  # so that teachers surely move and leave at the rentrée
    },
    # Everything happens often: founding races for co-founders, full actors, illness,
    # takeovers, funding ends and renewals, dormancy, revival and dissolution.
    "fast_churn": {
        "shocks": [LOCKDOWN, {"start": "2019-11-04", "end": "2019-12-02", "in_person": 0.6,
                              "time": 0.5}],
        "programmes": [{"start": "2019-10-07", "per_1000": 5},
                       {"start": "2019-10-07", "per_1000": 3, "problem": 2,
                        "duration_weeks": 3}],
        "n_territories": 5, "max_memberships": 2, "found_rate": 0.3, "found_need": 0.2,
        "cofounders": 5, "join_rate": 0.3, "discoverability": 0.8, "share_open": 0.3,
        "dormant_weeks": 2, "dissolve_weeks": 4, "takeover": 0.8, "animator_departure": 0.1,
        "funding_duration": 6, "funding_renewal": 0.5, "illness_rate": 0.1,
        "mobility_multiplier": 5, "brokerage": 0.5, "animation": 0.5, "recognition": 0.3,
        "release_time": 1.0, "heterogeneity_incentive": 1.0, "spillover": 0.5,
        "leave_time_pressure": 0.5,
    },
    # The validation switches (docs/validation.md): full mixing of the tie channel, a random
    # regular tie graph, homogeneous traits, a fixed number of equal-sized pre-existing
    # collectives, only empty collectives dissolve.
    "validation_switches": {
        "mixing": "uniform", "tie_graph": "regular", "ties_peer": 5,
        "preexisting_count": 7, "preexisting_size": 9, "preexisting_size_spread": 0.0,
        "min_members": 1, "need_spread": 0.0, "propensity_spread": 0.0,
        "time_budget_spread": 0.0, "need_baseline": 0.7, "found_need": 0.3,
        "found_rate": 0.2, "share_open": 0.2,
        "mobility_multiplier": 3, "join_rate": 0.2,
        "shocks": [LOCKDOWN], "programmes": [{"start": "2019-10-07", "per_1000": 5}],
    },
}


def first_difference(expected: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> str | None:
    """None if both states are identical (names, dtypes, shapes, every bit); otherwise a
    description of the first array that differs."""
    if expected.keys() != got.keys():
        return f"arrays {sorted(expected.keys() ^ got.keys())} are missing on one side"
    for name, want in expected.items():
        have = got[name]
        if want.dtype != have.dtype or want.shape != have.shape:
            return f"{name}: {have.dtype}{have.shape} instead of {want.dtype}{want.shape}"
        if not np.array_equal(want, have):
            where = np.argwhere(want != have)
            shown = ", ".join(f"{tuple(i.tolist())}: model {want[tuple(i)]!r} vs reference "
                              f"{have[tuple(i)]!r}" for i in where[:3])
            return f"{name} differs in {len(where)} entries, e.g. {shown}"
    return None


@pytest.mark.parametrize("config", list(CONFIGS))
def test_model_reproduces_reference_every_week(config):
    params = CONFIGS[config]
    model = ReveModel(seed=SEED, n_actors=N_ACTORS, **params)
    ref = ReferenceModel(seed=SEED, n_actors=N_ACTORS, **params)
    diff = first_difference(array_state(model), ref.snapshot())
    assert diff is None, f"initial state: {diff}"
    for week in range(WEEKS):
        model.step()
        ref.step()
        diff = first_difference(array_state(model), ref.snapshot())
        assert diff is None, f"{config}, week {week}: {diff}"

    np.testing.assert_array_equal(model.weekly_array(), ref.weekly_array())  # NaN == NaN here
    assert model.mobility_log == ref.mobility_log
    # The comparison exercised the dynamics it is meant to check.
    weekly = model.weekly()
    assert weekly["joins"].sum() > 0 and weekly["exits"].sum() > 0
    assert weekly["births"].sum() > 0
    (rentree,) = model.mobility_log
    assert rentree["week"] == 52 and rentree["moved"] > 0 and rentree["left"] > 0
    if config != "default":
        assert weekly["shock"].any()
        assert (model.collectives.origin[: model.n_used] == INSTITUTIONAL).any()
    if config == "fast_churn":
        assert weekly["deaths"].sum() > 20 and weekly["births"].sum() > 50
    # The reference is an ordinary Mesa model: newcomers replaced the leavers' agents.
    assert len(ref.agents_by_type[ActorAgent]) == N_ACTORS
    assert len(ref.agents_by_type[CollectiveAgent]) == model.n_used
