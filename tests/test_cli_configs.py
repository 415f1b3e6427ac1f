"""The command-line configs: every scenario, size and experiment composes (in process, fast),
configs map one to one onto the parameter schema, and bad input gets a clear message."""

from __future__ import annotations

import pytest
import yaml
from cli_support import CONFIG_DIR
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser

from reve_sim import configgen, scenarios
from reve_sim.cli import check_overrides, plain_config, plain_copy, run_settings
from reve_sim.parameters import PARAMETERS, STRUCTURED_DEFAULTS, ParameterError
from reve_sim.sweep import (
    Expansion,
    launcher_workers,
    run_identity,
    shard_count,
    split_shards,
)

SCENARIOS = scenarios.names()
EXPERIMENTS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))
SIZES = {"small": 2000, "medium": 20_000, "large": 200_000, "xl": 1_000_000}


@pytest.fixture(scope="module")
def hydra_init():
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR), job_name="t"):
        yield
    GlobalHydra.instance().clear()


def conf(*overrides: str) -> dict:
    return plain_config(compose("config", overrides=list(overrides)))


# --- layout and one-to-one mapping ---------------------------------------------------------

def test_generated_configs_are_up_to_date():
    fix = f"run `{configgen.COMMAND}` and keep the rewritten files"
    for path, render in configgen.FILES.items():
        assert path.read_text(encoding="utf-8") == render(), f"{path} is out of date: {fix}"


def test_every_schema_parameter_has_exactly_one_config_key(hydra_init):
    c = conf()
    keys = ([f"levers.{k}" for k in c["levers"]] + [f"parameters.{k}" for k in c["parameters"]]
            + ["size.n_actors", "scenario.shocks", "scenario.programmes"])
    names = [k.split(".", 1)[1] for k in keys]
    names = ["n_actors" if n == "n_actors" else n for n in names]
    assert sorted(names) == sorted([*PARAMETERS, *STRUCTURED_DEFAULTS])
    assert len(set(names)) == len(names)
    levers = [n for n, p in PARAMETERS.items() if p.group == "lever"]
    assert list(c["levers"]) == levers


def test_status_quo_lists_every_lever_at_its_default(hydra_init):
    raw = yaml.safe_load((CONFIG_DIR / "levers" / "status_quo.yaml").read_text())
    levers = {n: p for n, p in PARAMETERS.items() if p.group == "lever"}
    assert set(raw) == set(levers)
    for name, value in conf()["levers"].items():
        assert value == levers[name].default, name


@pytest.mark.parametrize("size", sorted(SIZES))
def test_sizes(hydra_init, size):
    c = conf(f"size={size}")
    assert c["size"] == {"name": size, "n_actors": SIZES[size]}
    assert run_settings(c)["params"]["n_actors"] == SIZES[size]


def test_plain_copy_shares_no_container_with_the_config(hydra_init):
    conf = plain_config(compose("config", overrides=["scenario=lockdown_2020"]))
    copied = plain_copy(conf)
    assert copied == conf
    copied["levers"]["recognition"] = -1.0
    copied["scenario"]["shocks"][0]["need"] = -1.0
    copied["scenario"]["shocks"].append({})
    assert conf["levers"]["recognition"] != -1.0
    assert conf["scenario"]["shocks"][0]["need"] != -1.0
    assert {} not in conf["scenario"]["shocks"]


def test_default_config_is_a_small_baseline_run(hydra_init):
    cfg = compose("config", return_hydra_config=True)
    assert cfg.hydra.runtime.choices["scenario"] == "baseline"
    assert cfg.hydra.runtime.choices["size"] == "small"
    assert cfg.hydra.sweeper._target_.endswith("ReveSweeper")
    settings = run_settings(plain_config(cfg))
    assert settings["scenario"] == "baseline" and settings["weeks"] == 156
    assert settings["seed"] == 1 and settings["params"]["n_actors"] == 2000


def test_launcher_presets(hydra_init):
    local = compose("config", return_hydra_config=True).hydra.launcher
    assert local._target_.endswith("JoblibLauncher") and local.n_jobs == 2
    assert launcher_workers(local, 2)[:3] == ("joblib", 2, 1)
    assert launcher_workers(local, 8)[:3] == ("joblib", 2, 4)
    slurm = compose("config", overrides=["hydra/launcher=slurm"],
                    return_hydra_config=True).hydra.launcher
    assert slurm._target_.endswith("SlurmLauncher")
    assert slurm.cpus_per_task == 1 and slurm.mem_gb and slurm.timeout_min >= 60
    assert "export NUMBA_NUM_THREADS=1" in list(slurm.setup)
    assert launcher_workers(slurm, 2)[0] == "slurm"


# --- scenarios -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_composes_and_validates(hydra_init, name):
    c = conf(f"scenario={name}")
    spec = scenarios.load(name)
    settings = run_settings(c)
    assert settings["scenario"] == name
    assert settings["weeks"] == spec.get("weeks", 156)
    for lever, value in spec["levers"].items():
        assert c["levers"][lever] == value  # the scenario's levers apply over the status quo
        assert settings["params"][lever] == pytest.approx(value)
    for key, value in spec["parameters"].items():
        assert settings["params"][key] == pytest.approx(value)
    assert len(settings["params"]["shocks"]) == len(spec["shocks"])
    assert len(settings["params"]["programmes"]) == len(spec["programmes"])
    assert settings["params"] == scenarios.model_parameters(name, n_actors=2000)


def test_extends_and_precedence(hydra_init):
    # reve extends lockdown_2020: its shocks come along, its own levers apply
    settings = run_settings(conf("scenario=reve"))
    assert len(settings["params"]["shocks"]) == len(scenarios.load("lockdown_2020")["shocks"])
    assert settings["params"]["animation"] == 0.6
    # a command-line lever wins over the scenario's, even when set to the status quo
    assert run_settings(conf("scenario=reve", "levers.animation=0"))["params"]["animation"] == 0
    assert run_settings(conf("scenario=reve", "levers.recognition=0.9"))["params"][
        "recognition"] == 0.9
    # scenario parameters apply over the defaults, command-line parameters win
    high = conf("scenario=high_turnover")
    assert high["parameters"]["mobility_multiplier"] == 2.0
    assert conf("scenario=high_turnover", "parameters.mobility_multiplier=3")["parameters"][
        "mobility_multiplier"] == 3


# --- experiments ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_composes_and_every_run_validates(hydra_init, name):
    assert (CONFIG_DIR / "experiment" / f"{name}.yaml").read_text().startswith(
        "# @package _global_")
    cfg = compose("config", overrides=[f"experiment={name}"], return_hydra_config=True)
    assert str(cfg.hydra.mode) == "RunMode.MULTIRUN"
    assert cfg.name == name
    params = [f"{k}={v}" for k, v in cfg.hydra.sweeper.params.items()]
    parsed = OverridesParser.create().parse_overrides(params)
    n_jobs = 1
    for o in parsed:
        n_jobs *= len(list(o.sweep_string_iterator())) if o.is_sweep_override() else 1
    assert 0 < n_jobs <= 10_000
    check_overrides(params)
    runs = Expansion([f"experiment={name}", *params],
                     lambda ovr: conf(*ovr)).expand()  # composes and validates every run
    assert len(runs) == n_jobs
    assert len({r["run"] for r in runs}) == n_jobs
    seeds = {r["seed"] for r in runs}
    assert len(seeds) >= 10  # comparisons over ten seeds


def test_sweep_expansion_is_cartesian_and_command_line_wins(hydra_init):
    exp = Expansion(["experiment=lever_sweep", "levers.animation=0,0.5,1",
                     "levers.brokerage=0,0.5,1", "seed=range(10)", "seed=0,1"],
                    lambda ovr: conf(*ovr))
    runs = exp.expand()
    assert len(runs) == 3 * 3 * 2
    assert exp.swept == ["levers.animation", "levers.brokerage", "seed"]
    first = runs[0]
    assert first["run"] == "levers.animation=0,levers.brokerage=0,seed=0"
    assert first["condition"] == "levers.animation=0 levers.brokerage=0"
    # the same run always gets the same identity; another seed another one
    again = Expansion(["levers.animation=0", "seed=0"], lambda ovr: conf(*ovr)).expand()[0]
    assert again["run_id"] == first["run_id"] != runs[1]["run_id"]


def test_shards_group_many_runs_and_balance_work():
    assert shard_count(200, workers=2, run_seconds=0.4, min_seconds=2, runs_per_shard=None) == 8
    assert shard_count(10_000, 256, 0.4, 60, None) == 66       # SLURM: about a minute each
    assert shard_count(3, 2, 0.01, 2, None) == 1                # tiny runs: one shard
    assert shard_count(100, 2, 0.4, 2, runs_per_shard=30) == 4
    assert shard_count(10**6, 1000, 1.0, 1, None) == 1000       # SLURM array limit
    runs = [{"n_actors": 2000 if i % 10 else 200_000, "weeks": 156} for i in range(40)]
    shards = split_shards(list(range(40)), 4, runs)
    assert sorted(i for s in shards for i in s) == list(range(40))
    assert max(sum(runs[i]["n_actors"] for i in s) for s in shards) <= 2 * 200_000 + 40_000


def test_run_identity_ignores_presentation(hydra_init):
    a = run_settings(conf("lang=fr", "figures=true", "quiet=true"))
    b = run_settings(conf())
    assert run_identity(a) == run_identity(b)
    assert run_identity(b) != run_identity(run_settings(conf("seed=2")))


# --- bad input: refused with a clear message -----------------------------------------------

@pytest.mark.parametrize(("overrides", "message"), [
    (["levers.recogniton=0.5"], "Unknown key 'levers.recogniton'. Did you mean "
                                "'levers.recognition'?"),
    (["recognition=0.5"], "Did you mean 'levers.recognition'?"),
    (["parameters.leave_bas=0.1"], "Did you mean 'parameters.leave_base'?"),
    (["sede=3"], "Did you mean 'seed'?"),
    (["scenario=lockdown2020"], "Unknown scenario 'lockdown2020'. Did you mean "
                                "'lockdown_2020'? Valid scenarios: baseline, brokerage"),
    (["-m", "scenario=baseline,nope"], "Unknown scenario 'nope'."),
    (["size=huge"], "Unknown size 'huge'. Valid sizes: large, medium, small, xl."),
    (["experiment=lever"], "Unknown experiment 'lever'. Did you mean 'lever_sweep'?"),
    (["+foo=1"], "Unknown key 'foo'."),
])
def test_unknown_keys_and_options_are_refused(overrides, message):
    with pytest.raises(ParameterError) as err:
        check_overrides([o for o in overrides if o != "-m"])
    assert message in str(err.value)
    if "scenario" in message and "Valid" in message:
        assert ", ".join(SCENARIOS) in str(err.value)


def test_hydra_and_known_overrides_pass():
    check_overrides(["hydra/launcher=slurm", "hydra.launcher.partition=x", "seed=range(3)",
                     "levers.animation=0,0.5", "scenario=glob(*)", "size.n_actors=500",
                     "parameters.category_shares.teacher=0.6", "scenario.shocks=[]",
                     "sweep.dir=/tmp/x", "experiment=lever_sweep"])


@pytest.mark.parametrize(("overrides", "message"), [
    (["levers.recognition=1.5"], "levers.recognition = 1.5 is out of bounds; allowed: 0.0 to 1.0."),
    (["size.n_actors=5"], "size.n_actors = 5 is out of bounds; allowed: 10 to 5000000."),
    (["parameters.n_territories=2.5"], "parameters.n_territories = 2.5 must be a whole number"),
    (["parameters.start_date=2020-01-01"], "parameters.start_date = 2020-01-01 is not a Monday"),
    (["parameters.category_shares.teacher=0.9"], "category_shares sum to 1.2"),
    (["seed=-1"], "seed = -1 must be a whole number >= 0."),
    (["weeks=-2"], "weeks = -2 must be a whole number >= 0"),
    (["lang=de"], "lang = 'de' is not allowed; use one of en, fr."),
    (["scenario.shocks=[{start: '2020-03-16', end: '2020-05-11', need: 2}]"],
     "scenario.shocks[0].need = 2 is out of bounds; allowed: 0.0 to 1.0."),
])
def test_values_out_of_bounds_are_refused(hydra_init, overrides, message):
    with pytest.raises(ParameterError) as err:
        run_settings(conf(*overrides))
    assert message in str(err.value)


def test_bad_scenario_content_is_refused(hydra_init):
    c = conf()
    c["scenario"]["levers"] = {"animaton": 0.5}
    with pytest.raises(ParameterError, match="'animaton' is not a lever. Did you mean "
                                             "'animation'"):
        run_settings(c)
    c = conf()
    c["scenario"]["parameters"] = {"n_actors": 50}
    with pytest.raises(ParameterError, match="'n_actors' is not a parameter a scenario can "
                                             "set under 'parameters'. Set it with size"):
        run_settings(c)
    c = conf()
    c["scenario"]["parameters"] = {"leave_bas": 0.1}
    with pytest.raises(ParameterError, match="Did you mean 'leave_base'"):
        run_settings(c)
    with pytest.raises(ParameterError, match="set levers with levers.<name>=value"):
        check_overrides(["scenario.levers.animation=0.5"])


def test_a_bad_run_in_a_sweep_names_the_run(hydra_init):
    with pytest.raises(ParameterError, match=r"In levers.animation=1.5 seed=0: "
                                             r"levers.animation = 1.5 is out of bounds"):
        Expansion(["levers.animation=0,1.5", "seed=0,1"], lambda ovr: conf(*ovr)).expand()
    with pytest.raises(ParameterError, match="setting of the whole sweep"):
        Expansion(["sweep.dir=a,b"], lambda ovr: conf(*ovr))
    with pytest.raises(ParameterError, match="seed = null"):
        Expansion(["seed=null", "levers.animation=0,1"], lambda ovr: conf(*ovr)).expand()


def test_outcomes_choose_the_observations_and_a_run_observing_all_keeps_its_identity(
        hydra_init):
    every = run_settings(conf())
    assert every["observe"] is None
    assert run_identity(every) == run_identity({k: v for k, v in every.items()
                                                if k != "observe"})
    few = run_settings(conf("outcomes=[ecosystem_share,retention_1y]"))
    assert few["observe"] == ("ecosystems",)
    assert run_identity(few) != run_identity(every)
    gini = run_settings(conf("outcomes=[mean_gini]"))
    assert gini["observe"] == ("members", "inequality")


@pytest.mark.parametrize("value, message", [
    ("[ecosystem_shar]", "'ecosystem_shar' is not a per-run outcome. Did you mean "
                         "'ecosystem_share'"),
    ("[]", "give null"),
])
def test_bad_outcomes_are_refused_before_running(hydra_init, value, message):
    with pytest.raises(ParameterError, match=message):
        run_settings(conf(f"outcomes={value}"))
