"""Sensitivity analysis core (reve_sim.sensitivity): analytic indices, option ownership, the
no-dropped-row refusal, replicates with common seeds, seed as a factor, convergence,
warnings; and the reve-sim studies (configs/sa/) down to the design file of the sweeps."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest

from reve_sim.parameters import PARAMETERS, ParameterError
from reve_sim.sensitivity import convergence, figures, replicates, salib, target
from reve_sim.sensitivity import study as S
from reve_sim.sensitivity.checks import MissingRowsError, index_warnings
from reve_sim.sensitivity.problem import Problem
from reve_sim.sensitivity.testfunctions import (
    ISHIGAMI_PROBLEM,
    ISHIGAMI_S1,
    ISHIGAMI_S13,
    ISHIGAMI_ST,
    ishigami,
)

ISHIGAMI = "reve_sim.sensitivity.testfunctions:ishigami"
NOISY = "reve_sim.sensitivity.testfunctions:noisy_ishigami"


def inside(value, estimate, conf) -> bool:
    return abs(value - estimate) <= conf


def test_analytic_values_are_the_published_ones():
    np.testing.assert_allclose(ISHIGAMI_S1, (0.313905, 0.442411, 0), atol=1e-6)
    np.testing.assert_allclose(ISHIGAMI_ST, (0.557589, 0.442411, 0.243684), atol=1e-6)


@pytest.mark.parametrize("second_order", [True, False])
def test_ishigami_exact_indices_lie_inside_the_confidence_intervals(second_order):
    design, Y, res = target.run(ISHIGAMI, ISHIGAMI_PROBLEM, "sobol", 1024,
                                sample_options={"calc_second_order": second_order},
                                num_resamples=200, warn=False)
    assert design.n_rows == 1024 * (8 if second_order else 5)
    for i in range(3):
        assert inside(ISHIGAMI_S1[i], res["S1"][i], res["S1_conf"][i]), (i, res["S1"])
        assert inside(ISHIGAMI_ST[i], res["ST"][i], res["ST_conf"][i]), (i, res["ST"])
    if second_order:
        assert inside(ISHIGAMI_S13, res["S2"][0][2], res["S2_conf"][0][2])
        assert abs(res["S2"][0][1]) <= res["S2_conf"][0][1]  # S12 = 0
    else:
        assert "S2" not in res


def test_the_design_owns_the_sampling_options():
    """The trap: sampled without second order, analysed with SALib's default (True), D = 3
    gives wrong ST silently. Here the analysis takes the option from the design only."""
    assert "calc_second_order" not in inspect.signature(salib.analyze).parameters
    design = salib.sample(ISHIGAMI_PROBLEM, "sobol", 512, calc_second_order=False, seed=42)
    assert design.options["calc_second_order"] is False
    Y = ishigami(design.X)
    res = salib.analyze(design, Y, warn=False)
    for i in range(3):
        assert inside(ISHIGAMI_ST[i], res["ST"][i], res["ST_conf"][i])
    # what SALib alone would have done with mismatched options
    from SALib.analyze import sobol as raw

    wrong = raw.analyze(ISHIGAMI_PROBLEM.to_salib(), Y, calc_second_order=True, seed=1)
    assert max(abs(np.asarray(wrong["ST"]) - ISHIGAMI_ST)) > 0.1


def test_design_round_trip_keeps_sample_and_options(tmp_path):
    design = salib.sample(ISHIGAMI_PROBLEM, "sobol", 64, calc_second_order=True, seed=3)
    design.save(tmp_path)
    again = salib.Design.load(tmp_path)
    assert again.options == design.options and again.method == "sobol" and again.N == 64
    np.testing.assert_array_equal(again.X, design.X)
    assert again.problem == design.problem


def test_n_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two.*512 or 1024"):
        salib.sample(ISHIGAMI_PROBLEM, "sobol", 1000)


def test_no_row_is_ever_dropped():
    design = salib.sample(ISHIGAMI_PROBLEM, "sobol", 64, seed=1)
    Y = ishigami(design.X)
    Y[[5, 17]] = np.nan
    with pytest.raises(MissingRowsError, match=r"2 of 320 rows .*: 5, 17") as err:
        salib.analyze(design, Y)
    assert err.value.missing == [5, 17]
    with pytest.raises(MissingRowsError) as err:  # a short output: the tail is missing
        salib.analyze(design, ishigami(design.X)[:-3])
    assert err.value.missing == [317, 318, 319]
    Yr = np.column_stack([ishigami(design.X)] * 3)  # one replicate missing is a missing row
    Yr[9, 1] = np.inf
    with pytest.raises(MissingRowsError) as err:
        salib.analyze(design, Yr)
    assert err.value.missing == [9]


def test_common_random_numbers_and_noise_share():
    seeds = replicates.common_seeds(7, 10)
    assert seeds == replicates.common_seeds(7, 10) and len(set(seeds)) == 10
    design, Y, res = target.run(NOISY, ISHIGAMI_PROBLEM, "sobol", 1024, replicates=10,
                                root_seed=7, warn=False)
    assert Y.shape == (design.n_rows, 10)
    # column k ran seed k at every row: evaluating again with the same seeds is identical
    np.testing.assert_array_equal(target.evaluate(NOISY, design, seeds), Y)
    assert res["replicates"] == 10
    # one run: noise variance 4 of 13.84 + 4 -> 0.224; the mean of 10: about 0.028
    assert res["noise"]["share_of_single_run"] == pytest.approx(0.224, abs=0.03)
    assert res["noise"]["share_of_mean"] == pytest.approx(0.028, abs=0.01)
    assert inside(ISHIGAMI_S1[1], res["S1"][1], res["S1_conf"][1])


def test_seed_as_a_factor_measures_chance():
    design, _, res = target.run(NOISY, ISHIGAMI_PROBLEM, "sobol", 2048, seed_as_factor=True,
                                warn=False)
    assert res["names"] == ["x1", "x2", "x3", "seed"]
    expected = 4 / (13.844588 + 4)
    assert inside(expected, res["ST"][3], res["ST_conf"][3] + 0.02)
    assert inside(expected, res["S1"][3], res["S1_conf"][3] + 0.02)


def test_morris_screens_ishigami():
    design, Y, res = target.run(ISHIGAMI, ISHIGAMI_PROBLEM, "morris", 100, warn=False)
    assert design.n_rows == 400
    np.testing.assert_allclose(res["mu_star"], (7.95, 7.88, 6.62), rtol=0.15)
    assert res["sigma"][2] > res["sigma"][0]  # x3 acts only through its interaction
    conv = convergence.check(design, Y)
    assert conv["N_half"] == 50 and conv["status"] in ("converged", "ranking")


def test_convergence_verdict_in_plain_words():
    design = salib.sample(ISHIGAMI_PROBLEM, "sobol", 4096, seed=42)
    conv = convergence.check(design, ishigami(design.X))
    assert conv["status"] == "converged", conv["verdict"]
    assert conv["verdict"].startswith("Converged: the top 2 factors")
    assert conv["ranking"] == ["x1", "x2", "x3"] and conv["kendall_tau"] == 1.0
    small = salib.sample(ISHIGAMI_PROBLEM, "sobol", 16, seed=42)
    conv = convergence.check(small, ishigami(small.X))
    assert conv["status"] in ("ranking", "not_converged")
    assert "double N" in conv["verdict"]
    assert "doubler N" in convergence.verdict(conv, "fr")


def test_warnings_for_small_n_and_impossible_indices():
    names = ["a", "b"]
    out = index_warnings("sobol", 64, {"S1": [-0.2, 1.3], "S1_conf": [0.1, 0.1],
                                       "ST": [0.1, 1.4]}, names)
    text = " ".join(out)
    assert "Small sample: N = 64" in text and "S1 < 0 for a (-0.200)" in text
    assert "significantly so for a" in text and "ST > 1 for b (1.400)" in text
    assert "S1 sum to 1.100 > 1" in text
    morris = index_warnings("morris", 20, {"mu_star": [0.5, 0.04], "mu_star_conf":
                                           [0.1, 0.06]}, names)
    assert len(morris) == 1 and "reaches below 0 for b (-0.020)" in morris[0]
    french = index_warnings("sobol", 64, {"S1": [-0.2, 1.3], "S1_conf": [0.1, 0.1],
                                          "ST": [0.1, 1.4], "noise": {"share_of_mean": 0.13}},
                            names, lang="fr")
    assert len(french) == 5 and "Petit échantillon : N = 64" in french[0]
    assert "S1 < 0 pour a (-0.200)" in french[1] and "significativement pour a" in french[1]
    assert "13%" in french[4] and "réplications" in french[4]
    assert len(index_warnings("sobol", 64, {"S1": [0.1], "ST": [0.2],
                                            "noise": {"share_of_mean": 0.05}}, ["a"])) == 1
    design = salib.sample(ISHIGAMI_PROBLEM, "sobol", 16, seed=1)
    with pytest.warns(UserWarning, match="Small sample"):
        salib.analyze(design, ishigami(design.X))


def test_figure_footer_speaks_the_figure_language(tmp_path):
    """The provenance footer of a French figure is in French (and the English one in
    English), in the files a reader opens."""
    facts = {"version": "0.1.0", "commit": "0123456789abcdef+dirty", "study": "s",
             "method": "sobol", "N": 8, "replicates": 2, "date": "2026-12-06"}
    assert figures.footer_text(facts) == ("reve-sim 0.1.0 · commit 0123456789+dirty · study s "
                                          "· sobol N = 8 · replicates 2 · 2026-12-06")
    assert figures.footer_text(facts, "fr") == ("reve-sim 0.1.0 · commit 0123456789+dirty · "
                                                "étude s · sobol N = 8 · réplications 2 · "
                                                "2026-12-06")
    for lang, word in (("en", "replicates 2"), ("fr", "réplications 2")):
        fig, _ = figures._new(2, 2)
        written = figures.save(fig, tmp_path / f"f_{lang}", facts, {}, lang)
        svg = next(p for p in written if p.suffix == ".svg").read_text(encoding="utf-8")
        assert word in svg, lang


def test_every_schema_unit_has_a_french_label():
    """French figures and the app name parameters with French units, for every unit the
    schema uses (a new unit without one fails here)."""
    from reve_sim.labels import UNITS_FR

    units = {p.unit for p in PARAMETERS.values()}
    assert units <= set(UNITS_FR), sorted(units - set(UNITS_FR))
    assert figures.param_label("time_budget", "fr").endswith("(h/semaine)")
    assert figures.param_label("time_budget").endswith("(h/week)")


def test_prim_finds_a_known_box_and_draws_it(tmp_path):
    """Scenario discovery on a case with a known answer: the outcome holds (90% of the time)
    when brokerage >= 0.6 and recognition <= 0.5, seldom (5%) elsewhere; animation plays no
    part. PRIM must restrict brokerage from below and recognition from above near those
    limits, leave animation free, and reach a high density; the figure carries the condition
    in each language."""
    import pandas as pd

    from reve_sim.sensitivity import discovery

    rng = np.random.default_rng(3)
    x = pd.DataFrame({"brokerage": rng.random(4000), "recognition": rng.random(4000),
                      "animation": rng.integers(0, 2, 4000)})  # an integer column, cast
    inside = (x["brokerage"] >= 0.6) & (x["recognition"] <= 0.5)
    y = rng.random(4000) < np.where(inside, 0.9, 0.05)
    res = discovery.find(x, discovery.condition(y.astype(float), ">= 1"), min_coverage=0.6)
    limits = {r["parameter"]: r for r in res["restricted"]}
    assert set(limits) == {"brokerage", "recognition"}, limits
    assert limits["brokerage"]["lower"] and abs(limits["brokerage"]["min"] - 0.6) < 0.05
    assert limits["recognition"]["upper"] and abs(limits["recognition"]["max"] - 0.5) < 0.05
    assert res["density"] > 0.8 and res["coverage"] >= 0.6
    assert "Brokerage" in discovery.describe(res, "outcome >= 1")
    for lang in ("en", "fr"):
        facts = {"version": "0.1.0", "commit": "0" * 40, "study": "s", "method": "sobol",
                 "N": 8, "replicates": 1, "date": "2026-12-06"}
        made = discovery.figure(res, "Share of weeks >= 1", tmp_path / f"prim_{lang}", facts,
                                lang)
        side = json.loads(next(p for p in made if p.suffix == ".json").read_text())
        assert side["what"] == "Share of weeks >= 1"
        svg = next(p for p in made if p.suffix == ".svg").read_text(encoding="utf-8")
        assert ("Boîte : densité" if lang == "fr" else "Box: density") in svg


def test_any_function_by_import_path():
    assert target.resolve(ISHIGAMI) is ishigami
    assert target.resolve("reve_sim.sensitivity.testfunctions.ishigami") is ishigami
    with pytest.raises(ValueError, match="has no 'nope'"):
        target.resolve("reve_sim.sensitivity.testfunctions:nope")
    with pytest.raises(ValueError, match="cannot import"):
        target.resolve("no_such_module:f")
    # one row at a time works too
    design, _, res = target.run("math:fsum", Problem(("a", "b"), ((0, 1), (0, 2))), "sobol",
                                256, vectorized=False, warn=False)
    assert res["ST"][1] > res["ST"][0]


# --- reve-sim studies ------------------------------------------------------------------------

def test_shipped_studies_load_with_schema_bounds():
    assert {"morris_levers", "sobol_lockdown"} <= set(S.studies())
    morris = S.load("morris_levers")
    prob = S.problem(morris)
    levers = [n for n, p in PARAMETERS.items() if p.group == "lever"]
    assert set(levers) <= set(prob.names)  # every lever is screened
    i = prob.names.index("animation")
    assert prob.bounds[i] == (PARAMETERS["animation"].low, PARAMETERS["animation"].high)
    sobol = S.load("sobol_lockdown")
    assert sobol["method"] == "sobol" and sobol["scenario"] == "lockdown_2020"
    assert salib.is_power_of_two(sobol["N"])


@pytest.mark.parametrize("overrides, message", [
    ({"N": 100}, "power of two"),
    ({"parameters.animatoin": {}}, "Did you mean 'animation'"),
    ({"parameters.animation": {"low": -1}}, "within the schema's bounds"),
    ({"outcomes": ["ecosystem_shares"]}, "Did you mean 'ecosystem_share'"),
    ({"methd": "sobol"}, "Did you mean 'method'"),
])
def test_bad_studies_are_refused(overrides, message):
    with pytest.raises(ParameterError, match=message):
        S.load("sobol_lockdown", overrides)


def test_design_file_gives_every_row_the_same_seeds(tmp_path):
    st = S.load("sobol_lockdown", {"N": 4, "replicates": 3, "results_dir": str(tmp_path)})
    out, design, seeds = S.prepare(st)
    runs = json.loads((out / "design_runs.json").read_text())["runs"]
    assert len(runs) == design.n_rows * 3
    by_row = {}
    for r in runs:
        by_row.setdefault(r["condition"], []).append(r["set"]["seed"])
    assert all(v == seeds for v in by_row.values())
    # the same study finds the same folder (resume) and refuses a foreign design there
    assert S.prepare(st)[0] == out
    other = S.load("sobol_lockdown", {"N": 8, "replicates": 3, "results_dir": str(tmp_path)})
    assert S.folder(other) != out


def test_a_study_observes_what_its_outcomes_and_discovery_need(tmp_path):
    st = S.load("sobol_lockdown", {"results_dir": str(tmp_path)})
    assert S.run_outcomes(st) == ["ecosystem_share", "final_ecosystems"]
    cmd = S.sweep_command(st, S.folder(st), [])
    assert "outcomes=[ecosystem_share,final_ecosystems]" in cmd
    found = S.load("sobol_lockdown", {"results_dir": str(tmp_path), "outcomes": ["mean_gini"]})
    assert S.run_outcomes(found) == ["mean_gini", "ecosystem_share"]
    # other observations, other runs: another folder
    assert S.folder(found) != S.folder(st)
    same = S.load("sobol_lockdown", {"results_dir": str(tmp_path),
                                     "outcomes": ["final_ecosystems", "retention_1y"]})
    assert S.folder(same) == S.folder(st)


def _sa(*args, cwd, check=True):
    import subprocess
    import sys

    from cli_support import env

    out = subprocess.run([sys.executable, "-c", "from reve_sim.sensitivity.cli import main; "
                          "main()", *args], cwd=cwd, env=env(), capture_output=True, text=True,
                         timeout=600, check=False)
    if check and out.returncode != 0:
        raise AssertionError(f"{out.returncode}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out


@pytest.mark.slow
def test_a_study_runs_through_the_sweeps_resumes_and_refuses_missing_rows(tmp_path):
    import pandas as pd

    args = ["sa=sobol_lockdown", "N=8", "replicates=2", "weeks=6", "quiet=true",
            "parameters={animation: {}, brokerage: {}}", "outcomes=[final_engaged_share]",
            "discovery=null", "results_dir=out", "sweep.runs_per_shard=40"]
    first = _sa(*args, cwd=tmp_path)
    assert "64 runs validated" in first.stdout and "64 to run" in first.stdout
    (folder,) = (tmp_path / "out" / "sa").iterdir()
    # the study's runs kept only their outcomes (store: outcomes), read back for the analysis
    assert list((folder / "sweep" / "outcomes").glob("*.parquet"))
    assert not (folder / "sweep" / "runs").exists()
    for ext in ("png", "svg", "pdf", "json"):
        assert (folder / "figures" / f"final_engaged_share_sobol.{ext}").is_file()
        assert (folder / "figures" / f"final_engaged_share_convergence.{ext}").is_file()
    side = json.loads((folder / "figures" / "final_engaged_share_sobol.json").read_text())
    assert side["study"] == "sobol_lockdown" and side["N"] == 8 and side["replicates"] == 2
    assert side["indices"]["names"] == ["animation", "brokerage"]
    assert "data:image/png;base64," in (folder / "report.html").read_text()
    assert "Convergence" in (folder / "report.md").read_text()
    table = pd.read_csv(folder / "tables" / "sobol_final_engaged_share.csv")
    assert list(table["parameter"])[0] in ("animation", "brokerage") and "ST" in table
    # resume: nothing left to run
    again = _sa(*args, cwd=tmp_path)
    assert "64 already complete, 0 to run" in again.stdout
    # a lost run is never dropped: the analysis refuses and names the row
    runs = pd.read_parquet(folder / "sweep" / "runs.parquet")
    # the runs made the observations its outcome needs, not the others
    assert runs["final_engaged_share"].notna().all() and runs["mean_gini"].isna().all()
    runs.loc[runs["run"] == "row000003-rep1", "status"] = "failed"
    runs.to_parquet(folder / "sweep" / "runs.parquet")
    refused = _sa(*args, "stage=analyse", "lang=fr", cwd=tmp_path, check=False)
    assert refused.returncode == 1
    assert "1 of 32 rows of the design have no (finite) output: 3." in refused.stderr


def test_sweep_design_file_lists_the_runs(tmp_path):
    from cli_support import CONFIG_DIR
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from reve_sim.cli import plain_config
    from reve_sim.sweep import Expansion

    design = tmp_path / "runs.json"
    design.write_text(json.dumps({"runs": [
        {"run": "row000000-rep0", "condition": "row 0",
         "set": {"levers.animation": 0.25, "parameters.join_rate": 0.1, "seed": 11}},
        {"run": "row000001-rep0", "condition": "row 1",
         "set": {"levers.funding_duration": 52, "seed": 11}}]}))
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR), job_name="t"):
        def conf(ovr):
            return plain_config(compose("config", overrides=list(ovr)))

        runs = Expansion(["scenario=lockdown_2020", "weeks=10"], conf).expand_design(design)
        assert [r["run"] for r in runs] == ["row000000-rep0", "row000001-rep0"]
        assert runs[0]["scenario"] == "lockdown_2020" and runs[0]["weeks"] == 10
        assert runs[0]["seed"] == 11 and runs[0]["run_id"] != runs[1]["run_id"]
        design.write_text(json.dumps({"runs": [{"run": "r", "set": {"levers.animation": 2}}]}))
        with pytest.raises(ParameterError, match="In design run r: levers.animation = 2"):
            Expansion([], conf).expand_design(design)
        with pytest.raises(ParameterError, match="do not also sweep"):
            Expansion(["seed=1,2"], conf).expand_design(design)
    GlobalHydra.instance().clear()
