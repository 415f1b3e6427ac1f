"""Input validation: bad input raises ParameterError before anything is built, and the
message names the parameter, the offending value and what is allowed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from reve_testing import model_digest

import reve_sim.model as model_module
from reve_sim import PARAMETERS, ParameterError, ReveModel, validate
from reve_sim.parameters import CATEGORIES, defaults


@pytest.fixture
def no_build(monkeypatch):
    """Fail loudly if a model gets as far as building its population."""
    calls = []

    def forbidden(*args, **kwargs):
        calls.append(args)
        raise AssertionError("build_population was called for invalid input")

    monkeypatch.setattr(model_module, "build_population", forbidden)
    return calls


def raises_before_build(no_build, match=None, **kwargs) -> str:
    with pytest.raises(ParameterError, match=match) as info:
        ReveModel(**kwargs)
    assert no_build == []
    return str(info.value)


# --- scalar parameters -----------------------------------------------------------------

@pytest.mark.parametrize("bad", [-5, 0, 9])
def test_n_actors_out_of_bounds(no_build, bad):
    msg = raises_before_build(no_build, n_actors=bad, seed=1)
    low, high = PARAMETERS["n_actors"].low, PARAMETERS["n_actors"].high
    assert "n_actors" in msg and str(bad) in msg
    assert str(low) in msg and str(high) in msg


def test_n_actors_positional_is_checked(no_build):
    msg = raises_before_build(no_build, seed=1, n_actors=-1)
    assert "n_actors = -1" in msg


def test_probability_above_one(no_build):
    msg = raises_before_build(no_build, seed=1, brokerage=1.5)
    assert "brokerage" in msg and "1.5" in msg
    assert "0.0 to 1.0" in msg


def test_negative_rate(no_build):
    msg = raises_before_build(no_build, seed=1, leave_base=-0.01)
    assert "leave_base" in msg and "-0.01" in msg and "0.0 to 1.0" in msg


@pytest.mark.parametrize("name", ["brokerage", "time_budget", "n_actors"])
def test_nan_rejected(no_build, name):
    msg = raises_before_build(no_build, seed=1, **{name: math.nan})
    p = PARAMETERS[name]
    assert name in msg and "nan" in msg
    assert str(p.low) in msg and str(p.high) in msg


def test_infinity_rejected_for_float_parameter(no_build):
    msg = raises_before_build(no_build, seed=1, time_budget=math.inf)
    assert "time_budget" in msg and "inf" in msg and "40.0" in msg


def test_infinity_rejected_for_integer_parameter():
    with pytest.raises(ParameterError, match="n_actors"):
        validate({"n_actors": math.inf})


@pytest.mark.parametrize("name,value", [("n_actors", 100.5), ("max_memberships", 2.2),
                                        ("dormant_weeks", "3.5")])
def test_non_integer_for_integer_parameter(no_build, name, value):
    msg = raises_before_build(no_build, seed=1, **{name: value})
    p = PARAMETERS[name]
    assert name in msg and str(value) in msg
    assert str(p.low) in msg and str(p.high) in msg


def test_integral_float_accepted_for_integer_parameter():
    params = validate({"n_actors": 300.0, "max_memberships": 3.0})
    assert params["n_actors"] == 300 and isinstance(params["n_actors"], int)
    assert params["max_memberships"] == 3 and isinstance(params["max_memberships"], int)


@pytest.mark.parametrize("value", ["abc", None, [1], True])
def test_non_numbers_rejected(no_build, value):
    msg = raises_before_build(no_build, seed=1, brokerage=value)
    assert "brokerage" in msg and repr(value) in msg and "0.0 to 1.0" in msg


def test_numeric_text_accepted():
    """The web app sends text."""
    params = validate({"brokerage": "0.25", "n_actors": "300"})
    assert params["brokerage"] == 0.25 and params["n_actors"] == 300


def test_numpy_float_accepted():
    params = validate({"brokerage": np.float64(0.25)})
    assert params["brokerage"] == 0.25


def test_numpy_integer_accepted():
    params = validate({"n_actors": np.int64(300)})
    assert params["n_actors"] == 300


def test_boundaries_are_inclusive():
    for name, p in PARAMETERS.items():
        if name == "n_actors":
            continue
        for value in (p.low, p.high):
            assert validate({name: value})[name] == value


def test_defaults_lie_inside_their_bounds():
    values = defaults()
    for name, p in PARAMETERS.items():
        assert p.low <= values[name] <= p.high, name
        if p.integer:
            assert float(p.default) == int(p.default), name
    assert validate() == validate({})


# --- unknown names ---------------------------------------------------------------------

@pytest.mark.parametrize("typo,right", [("brokrage", "brokerage"),
                                        ("n_actor", "n_actors"),
                                        ("recognitoin", "recognition"),
                                        ("shock", "shocks")])
def test_unknown_parameter_suggests_the_right_name(no_build, typo, right):
    msg = raises_before_build(no_build, seed=1, **{typo: 0.5})
    assert repr(typo) in msg
    assert f"Did you mean '{right}'?" in msg


def test_unknown_parameter_without_near_miss(no_build):
    msg = raises_before_build(no_build, seed=1, zzzzzz=1)
    assert "'zzzzzz'" in msg and "Did you mean" not in msg


# --- category shares -------------------------------------------------------------------

def test_unknown_category_suggests_the_right_one(no_build):
    shares = {"teachers": 0.9, "family": 0.1}
    msg = raises_before_build(no_build, seed=1, category_shares=shares)
    assert "'teachers'" in msg and "Did you mean 'teacher'?" in msg
    for cat in CATEGORIES:
        assert cat in msg


def test_shares_must_sum_to_one(no_build):
    msg = raises_before_build(no_build, seed=1,
                              category_shares={"teacher": 0.5, "family": 0.3})
    assert "category_shares" in msg and "0.8" in msg and "sum to 1" in msg


def test_share_out_of_bounds(no_build):
    msg = raises_before_build(no_build, seed=1,
                              category_shares={"teacher": 1.2, "family": -0.2})
    assert "category_shares.teacher" in msg and "1.2" in msg and "0.0 to 1.0" in msg


def test_category_shares_not_a_mapping(no_build):
    msg = raises_before_build(no_build, seed=1, category_shares=[0.5, 0.5])
    assert "category_shares" in msg and "teacher" in msg


def test_partial_shares_fill_missing_categories_with_zero():
    params = validate({"category_shares": {"teacher": 0.8, "family": 0.2}})
    shares = params["category_shares"]
    assert set(shares) == set(CATEGORIES)
    assert shares["teacher"] == 0.8 and shares["researcher"] == 0.0


# --- shocks and programmes -------------------------------------------------------------

LOCK = {"start": "2020-03-16", "end": "2020-05-11", "need": 0.4}


def test_shock_end_before_start(no_build):
    shock = dict(LOCK, end="2020-03-01")
    msg = raises_before_build(no_build, seed=1, shocks=[shock])
    assert "shocks[0].end" in msg and "2020-03-01" in msg and "2020-03-16" in msg


def test_shock_end_equal_to_start(no_build):
    shock = dict(LOCK, end=LOCK["start"])
    msg = raises_before_build(no_build, seed=1, shocks=[shock])
    assert "shocks[0].end" in msg


def test_shock_unknown_field_suggests_the_right_one(no_build):
    shock = dict(LOCK, anxeity=0.3)
    msg = raises_before_build(no_build, seed=1, shocks=[LOCK, shock])
    assert "shocks[1]" in msg and "'anxeity'" in msg and "Did you mean 'anxiety'?" in msg


def test_shock_bad_date(no_build):
    msg = raises_before_build(no_build, seed=1, shocks=[dict(LOCK, start="2020-13-01")])
    assert "shocks[0].start" in msg and "2020-13-01" in msg and "YYYY-MM-DD" in msg


def test_shock_missing_end(no_build):
    shock = {"start": "2020-03-16", "need": 0.4}
    msg = raises_before_build(no_build, seed=1, shocks=[shock])
    assert "shocks[0]" in msg and "'end'" in msg


def test_shock_field_out_of_bounds(no_build):
    msg = raises_before_build(no_build, seed=1, shocks=[dict(LOCK, need=1.5)])
    assert "shocks[0].need" in msg and "1.5" in msg and "0.0 to 1.0" in msg


def test_shocks_not_a_list(no_build):
    msg = raises_before_build(no_build, seed=1, shocks=LOCK)
    assert "shocks" in msg and "list" in msg


def test_programme_problem_beyond_n_problems(no_build):
    prog = {"start": "2019-10-07", "problem": 4}
    msg = raises_before_build(no_build, seed=1, n_problems=3, programmes=[prog])
    assert "programmes[0].problem" in msg and "4" in msg and "-1" in msg and "2" in msg


def test_programme_unknown_field(no_build):
    prog = {"start": "2019-10-07", "per_100": 3}
    msg = raises_before_build(no_build, seed=1, programmes=[prog])
    assert "'per_100'" in msg and "Did you mean 'per_1000'?" in msg


def test_bad_start_date(no_build):
    msg = raises_before_build(no_build, seed=1, start_date="02/09/2019")
    assert "start_date" in msg and "02/09/2019" in msg


def test_start_date_must_be_a_monday(no_build):
    msg = raises_before_build(no_build, seed=1, start_date="2019-09-03")
    assert "start_date" in msg and "2019-09-03" in msg and "Monday" in msg


def test_valid_events_are_normalised():
    params = validate({"shocks": [LOCK], "programmes": [{"start": "2019-10-07"}]})
    shock = params["shocks"][0]
    assert shock["need"] == 0.4 and shock["in_person"] == 1.0 and shock["time"] == 1.0
    prog = params["programmes"][0]
    assert prog["problem"] == -1 and prog["per_1000"] == 1.0


# --- seeds -----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [-1, "abc", "1.5", 1.5, True, "-3"])
def test_bad_seed(no_build, seed):
    msg = raises_before_build(no_build, seed=seed)
    assert "seed" in msg and (repr(seed) in msg or str(seed) in msg)


def test_seed_and_rng_together_rejected(no_build):
    raises_before_build(no_build, seed=1, rng=2)


def test_seed_as_text_works_like_the_number():
    a = ReveModel(seed="42", n_actors=300).run(5)
    b = ReveModel(seed=42, n_actors=300).run(5)
    c = ReveModel(seed=" 42 ", n_actors=300).run(5)
    assert a.seed == 42 and isinstance(a.seed, int)
    assert model_digest(a) == model_digest(b) == model_digest(c)


def test_rng_keyword_is_the_seed():
    """mesa.batch_run passes ``rng``; it must mean the same as ``seed``."""
    a = ReveModel(rng=7, n_actors=300).run(3)
    b = ReveModel(seed=7, n_actors=300).run(3)
    assert model_digest(a) == model_digest(b)


def test_missing_seed_is_drawn_and_recorded():
    m = ReveModel(n_actors=300)
    assert isinstance(m.seed, int) and m.seed >= 0
    replay = ReveModel(seed=m.seed, n_actors=300)
    assert model_digest(m.run(2)) == model_digest(replay.run(2))


@pytest.mark.parametrize("weeks", [-1, 2.5, "3"])
def test_bad_weeks(weeks):
    m = ReveModel(seed=1, n_actors=300)
    with pytest.raises(ParameterError, match="weeks"):
        m.run(weeks)
    assert m.week == 0
