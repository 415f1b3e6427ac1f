"""The documented way of using the model: build, run, summary(), weekly()."""

from __future__ import annotations

import ast
import datetime as dt
import math
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from reve_testing import LOCKDOWN, ROOT, model_digest

from reve_sim import ParameterError, ReveModel
from reve_sim.metrics import (
    OBSERVATIONS,
    OUTCOME_NEEDS,
    WEEKLY_METRICS,
    kaplan_meier,
    median_survival,
    survival_of_weeks,
)
from reve_sim.parameters import CATEGORIES
from reve_sim.state import ACTIVE, DORMANT, ORIGINS, state_digest

SUMMARY_KEYS = {
    "weeks", "seed",
    *(f"n_collectives_{o}" for o in ORIGINS),
    *(f"median_lifetime_{o}" for o in ORIGINS),
    "new_inactive_within_quarter", "ecosystem_weeks", "ecosystem_share", "final_ecosystems",
    "final_active_collectives", "final_engaged_share", "mean_gini",
    "retention_quarter", "retention_1y", "retention_2y", "retention_3y",
    "shock_drop_depth", "shock_recovery_weeks", "shock_join_surge", "shock_efficacy_gap",
}


@pytest.fixture(scope="module")
def three_years():
    return ReveModel(seed=1, n_actors=2000).run(156)


@pytest.mark.slow
def test_command_line_snippet_works():
    code = ("from reve_sim import ReveModel; m = ReveModel(seed=1); m.run(156); "
            "print(m.summary())")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    printed = out.stdout.strip().splitlines()[-1].replace("nan", "None")
    summary = ast.literal_eval(printed)
    assert set(summary) == SUMMARY_KEYS
    assert summary["weeks"] == 156.0 and summary["seed"] == 1.0


def test_summary_is_a_plain_dict_of_floats(three_years):
    s = three_years.summary()
    assert type(s) is dict
    assert set(s) == SUMMARY_KEYS
    for key, value in s.items():
        assert type(value) is float, (key, type(value))
    assert s["weeks"] == 156.0 and s["seed"] == 1.0
    # shares and retentions are probabilities; three years of retention are defined
    for key in ("ecosystem_share", "final_engaged_share", "retention_quarter",
                "retention_1y", "retention_2y", "retention_3y"):
        assert 0.0 <= s[key] <= 1.0, key
    assert s["retention_quarter"] >= s["retention_1y"] >= s["retention_2y"] >= s["retention_3y"]
    assert s["n_collectives_preexisting"] == round(
        three_years.params["preexisting_per_1000"] * three_years.params["network_density"]
        * 2000 / 1000)
    assert sum(s[f"n_collectives_{o}"] for o in ORIGINS) == three_years.n_used
    # no shock in this run: the shock outcomes are undefined
    for key in ("shock_drop_depth", "shock_recovery_weeks", "shock_join_surge",
                "shock_efficacy_gap"):
        assert math.isnan(s[key])


def test_weekly_is_one_row_per_week(three_years):
    w = three_years.weekly()
    assert isinstance(w, pd.DataFrame)
    assert len(w) == 156
    assert list(w.columns) == ["week", "date", "holiday", "shock", *WEEKLY_METRICS]
    assert np.array_equal(w.week.to_numpy(), np.arange(156))
    dates = list(w.date)
    assert dates[0] == dt.date(2019, 9, 2)
    assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False))
    assert all(d.weekday() == 0 for d in dates)
    # school calendar: Toussaint and summer are holidays, a mid-November week is not
    holiday = dict(zip(dates, w.holiday, strict=True))
    assert holiday[dt.date(2019, 10, 21)] and holiday[dt.date(2020, 7, 20)]
    assert not holiday[dt.date(2019, 11, 18)]
    assert not w.shock.any()
    counts = w[["memberships", "active_collectives", "joins", "exits", "engaged_actors"]]
    assert np.isfinite(counts.to_numpy()).all() and (counts.to_numpy() >= 0).all()
    engaged = w[[f"engaged_{c}" for c in
                 ("teacher", "school_leader", "support_staff", "researcher", "edtech",
                  "association", "local_authority", "family")]].sum(axis=1)
    assert np.array_equal(engaged.to_numpy(), w.engaged_actors.to_numpy())


def test_weekly_columns_hold_what_they_name(three_years):
    """The compiled observation writes the weekly row by position: each column named here
    is recomputed from the final state and must sit where its name says."""
    m = three_years
    last = m.weekly().iloc[-1]
    c, used = m.collectives, slice(0, m.n_used)
    status, size = c.status[used], c.n_members[used]
    alive = (status == ACTIVE) | (status == DORMANT)
    held = m.slots.coll >= 0
    in_active = np.zeros_like(held)
    in_active[held] = status[m.slots.coll[held]] == ACTIVE
    networked = in_active.any(axis=1)
    assert len(set(WEEKLY_METRICS)) == len(WEEKLY_METRICS)
    expected = {
        "memberships": alive[m.slots.coll[held]].sum(),
        "active_collectives": (status == ACTIVE).sum(),
        "dormant_collectives": (status == DORMANT).sum(),
        "engaged_actors": networked.sum(),
        "max_size": size[status == ACTIVE].max(),
        "knowledge_stock": c.knowledge[used][status == ACTIVE].sum(),
        "mean_need": m.actors.need.mean(),
        "mean_anxiety": m.actors.anxiety.mean(),
        "mean_efficacy": m.actors.efficacy.mean(),
        "efficacy_networked": m.actors.efficacy[networked].mean(),
    }
    expected.update({f"engaged_{name}": (networked & (m.actors.category == k)).sum()
                     for k, name in enumerate(CATEGORIES)})
    for name, value in expected.items():
        assert last[name] == pytest.approx(value, rel=1e-9), name


def test_datacollector_matches_weekly(three_years):
    df = three_years.datacollector.get_model_vars_dataframe()
    assert len(df) == 156
    w = three_years.weekly()
    for name in ("memberships", "joins", "mean_need"):
        assert np.array_equal(df[name].to_numpy(), w[name].to_numpy())


def test_shock_outcomes_are_defined_when_a_shock_happens():
    m = ReveModel(seed=2, n_actors=1500, shocks=[LOCKDOWN]).run(40)
    s = m.summary()
    w = m.weekly()
    assert w.shock.sum() == 8
    assert np.isfinite(s["shock_join_surge"]) and s["shock_join_surge"] > 0
    assert np.isfinite(s["shock_drop_depth"]) and s["shock_drop_depth"] <= 1.0


def test_weekly_survival_is_scipys_kaplan_meier():
    """The summary's Kaplan–Meier curve from counts by week gives scipy's numbers on the
    durations listed one by one: the same weeks, the same bits, the same values between."""
    rng = np.random.default_rng(8)
    for n, weeks in ((1, 3), (40, 10), (5000, 300)):
        durations = rng.integers(0, weeks, n)
        observed = rng.random(n) < 0.6
        ours = survival_of_weeks(durations, observed)
        theirs = kaplan_meier(durations.astype(float), observed)
        if not observed.any():
            assert np.all(ours.probabilities == 1.0)
            continue
        assert np.array_equal(ours.quantiles, theirs.quantiles)
        assert np.array_equal(ours.probabilities, theirs.probabilities)
        t = np.arange(-2, weeks + 3, 0.5)
        assert np.array_equal(ours.evaluate(t), theirs.evaluate(t))
        np.testing.assert_equal(median_survival(ours), median_survival(theirs))
    assert survival_of_weeks(np.zeros(0, int), np.zeros(0, bool)) is None


def test_summary_before_any_step():
    s = ReveModel(seed=3, n_actors=300).summary()
    assert set(s) == SUMMARY_KEYS and s["weeks"] == 0.0
    assert ReveModel(seed=3, n_actors=300).weekly().empty


def test_plan_lists_every_phase_once():
    names = [name for name, _, _ in ReveModel.PLAN]
    assert len(names) == len(set(names))
    assert names[0] == "contingencies" and names[-1] == "metrics"
    m = ReveModel(seed=1, n_actors=300)
    m.phased = True
    m.run(3)
    assert set(m.phase_seconds) == set(names)
    assert all(t > 0 for t in m.phase_seconds.values())


def test_horizon_is_extended_on_demand(monkeypatch):
    """Runs longer than the prepared calendar extend it (a short horizon is patched in
    so that the test is quick) and give the same bits as a long-horizon run."""
    import reve_sim.model as model_module

    kw = dict(seed=1, n_actors=300, preexisting_per_1000=50.0, shocks=[LOCKDOWN])
    reference = ReveModel(**kw).run(45)
    monkeypatch.setattr(model_module, "HORIZON", 12)
    m = ReveModel(**kw)
    assert m.environment.n_weeks == 12
    m.run(45)
    assert m.environment.n_weeks >= 45
    assert len(m.weekly()) == 45
    pd.testing.assert_frame_equal(m.weekly(), reference.weekly())
    assert model_digest(m) == model_digest(reference)


@pytest.mark.parametrize("observe", [("ecosystems",), ("members",), ()])
def test_observing_less_changes_nothing_it_still_observes(observe):
    """A run skipping optional observations has the same state, the same values in every
    column and outcome it observes, and NaN in the others."""
    full = ReveModel(seed=4, n_actors=1500, shocks=[LOCKDOWN]).run(60)
    part = ReveModel(seed=4, n_actors=1500, shocks=[LOCKDOWN], observe=observe).run(60)
    assert state_digest(part.actors, part.slots, part.collectives) == \
        state_digest(full.actors, full.slots, full.collectives)
    skipped = {c for name in OBSERVATIONS if name not in observe for c in OBSERVATIONS[name]}
    for j, name in enumerate(WEEKLY_METRICS):
        if name in skipped:
            assert np.isnan(part.weekly_array()[:, j]).all(), name
        else:
            np.testing.assert_array_equal(part.weekly_array()[:, j], full.weekly_array()[:, j],
                                          err_msg=name)
    a, b = full.summary(), part.summary()
    assert a.keys() == b.keys()
    for key in a:
        if set(OUTCOME_NEEDS.get(key, ())) <= set(observe):
            assert b[key] == a[key] or (math.isnan(a[key]) and math.isnan(b[key])), key
        else:
            assert math.isnan(b[key]) and not math.isnan(a[key]), key


def test_an_unknown_observation_is_refused_with_the_allowed_ones():
    with pytest.raises(ParameterError, match="'ecosytems'.*Did you mean 'ecosystems'.*members"):
        ReveModel(seed=1, n_actors=300, observe=["ecosytems"])


def test_the_summary_figure_says_which_panels_a_run_did_not_observe():
    from reve_sim.labels import text
    from reve_sim.plotting import summary_figure

    def notes(model):
        fig = summary_figure(model.weekly(), "test")
        return [t.get_text() for ax in fig.axes for t in ax.texts]

    note = text("not_observed", "en")
    assert notes(ReveModel(seed=2, n_actors=300).run(8)) == []
    assert notes(ReveModel(seed=2, n_actors=300, observe=["ecosystems"]).run(8)) == [note]
    assert notes(ReveModel(seed=2, n_actors=300, observe=[]).run(8)) == [note, note]
