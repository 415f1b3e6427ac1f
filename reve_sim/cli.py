"""The ``reve-sim`` command: a Hydra 1.3 app over ``configs/``.

    reve-sim                                   # the default scenario, once, with its figure
    reve-sim scenario=lockdown_2020 size=medium seed=3 levers.recognition=0.5
    reve-sim -m scenario=baseline,lockdown_2020 levers.animation=0,0.25,0.5 'seed=range(10)'
    reve-sim experiment=lever_sweep            # a named sweep from configs/experiment/

A single run writes ``<results_dir>/<name>/<timestamp>/``. Sweeps are run by the reve
sweeper (``hydra_plugins/reve_sim_sweeper``, logic in ``reve_sim.sweep``), which gives each
Hydra job a shard of many runs.

Configs map one to one onto the parameter schema (see ``reve_sim.configgen``): an unknown
key, an unknown scenario or a value out of bounds is refused with a clear message before
anything runs.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import os
import sys
import time
from functools import cache
from pathlib import Path

import yaml

from . import scenarios
from .configgen import CONFIG_DIR, SIZE_KEY, lever_names, parameter_names
from .parameters import CATEGORIES, PARAMETERS, ParameterError, did_you_mean, validate

GROUPS = ("scenario", "size", "levers", "parameters", "experiment")
"""Config groups of the app (options are the YAML files of ``configs/<group>/``)."""

LANGS = ("en", "fr")

STORES = ("runs", "outcomes")
"""What a sweep keeps of each run (``sweep.store``): a folder of files, or its outcomes only."""


# --- the `scenario_or` resolver -----------------------------------------------------------

_SCENARIO_CACHE: dict[str, dict] = {}


def _scenario_spec(node) -> dict:
    """The resolved scenario (``extends`` merged) of a composed ``scenario`` node."""
    from omegaconf import OmegaConf

    data = OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node
    key = json.dumps(data, sort_keys=True, default=str)
    if key not in _SCENARIO_CACHE:
        _SCENARIO_CACHE[key] = scenarios.resolve(copy.deepcopy(data))
    return _SCENARIO_CACHE[key]


def _scenario_or(path: str, default=None, *, _root_):
    """``${scenario_or:levers.animation,0.0}``: the scenario's value if it sets one."""
    node = _root_.get("scenario") if hasattr(_root_, "get") else None
    if node is None:
        return default
    value = _scenario_spec(node)
    for part in str(path).split("."):
        if not isinstance(value, dict) or part not in value:
            return default
        value = value[part]
    return value


def register_resolvers() -> None:
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver("scenario_or"):
        OmegaConf.register_new_resolver("scenario_or", _scenario_or)


register_resolvers()


# --- keys and groups ----------------------------------------------------------------------

def group_options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def _leaves(data, prefix: str = "") -> list[str]:
    keys = []
    for k, v in data.items():
        path = f"{prefix}{k}"
        keys.append(path)
        if isinstance(v, dict):
            keys.extend(_leaves(v, path + "."))
    return keys


@cache
def known_keys() -> tuple[str, ...]:
    """Every settable key of the app config (dotted), whatever the selected options."""
    primary = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text(encoding="utf-8"))
    keys = _leaves({k: v for k, v in primary.items() if k not in ("defaults", "hydra")})
    keys += [f"size.{k}" for k in ("name", SIZE_KEY)]
    keys += [f"levers.{k}" for k in lever_names()]
    keys += [f"parameters.{k}" for k in parameter_names()]
    keys += ["parameters.start_date", "parameters.category_shares"]
    keys += [f"parameters.category_shares.{c}" for c in CATEGORIES]
    keys += [f"scenario.{f}" for f in sorted(set(scenarios.FIELDS) - {"levers", "parameters"})]
    return tuple(keys)


def _key_known(key: str) -> bool:
    keys = known_keys()
    if key in keys:
        return True
    # inside the scenario's events: scenario.shocks.0.need, scenario.programmes.1.start
    for free in ("scenario.shocks.", "scenario.programmes."):
        if key.startswith(free):
            return True
    return False


def suggest_key(key: str) -> str:
    """' Did you mean 'levers.recognition'?' for a mistyped or unqualified key."""
    keys = known_keys()
    leaf = key.rsplit(".", 1)[-1]
    same_leaf = [k for k in keys if k.rsplit(".", 1)[-1] == leaf and not k.startswith("scen")]
    if same_leaf:
        return f" Did you mean '{same_leaf[0]}'?"
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    if not close:
        leaves = {k.rsplit(".", 1)[-1]: k for k in keys if not k.startswith("scenario.")}
        near = difflib.get_close_matches(leaf, list(leaves), n=1, cutoff=0.6)
        close = [leaves[near[0]]] if near else []
    return f" Did you mean '{close[0]}'?" if close else ""


def unknown_key_message(key: str) -> str:
    return (f"Unknown key {key!r}.{suggest_key(key)} Keys are levers.<lever>, "
            "parameters.<name>, size.n_actors, seed, weeks, scenario.<field> and the settings "
            "of configs/config.yaml; see `reve-sim --help` or reve_sim/parameters.py.")


def unknown_option_message(group: str, value: str) -> str:
    options = group_options(group)
    hint = did_you_mean(value, options)
    plural = {"scenario": "scenarios", "size": "sizes", "experiment": "experiments"}
    return (f"Unknown {group} {value!r}.{hint} Valid {plural.get(group, group + ' options')}: "
            f"{', '.join(options)}.")


def check_overrides(overrides: list[str]) -> None:
    """Refuse unknown keys and unknown group options of command-line style overrides.

    Hydra overrides (``hydra.*``, ``hydra/...``) are left to Hydra. Raises ParameterError.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException:
        return  # a syntax error: Hydra reports it with its own message
    for o in parsed:
        key = o.key_or_group
        if o.is_hydra_override():
            continue
        if key in GROUPS:
            if o.is_delete():
                raise ParameterError(f"'{o.input_line}': the {key} group cannot be removed.")
            if o.is_sweep_override() and o.value_type.name == "GLOB_CHOICE_SWEEP":
                continue
            values = list(o.sweep_string_iterator()) if o.is_sweep_override() else \
                [o.get_value_element_as_str()]
            for value in values:
                if key == "experiment" and value in ("null", "None"):
                    continue
                if value not in group_options(key):
                    raise ParameterError(unknown_option_message(key, value))
            continue
        if o.package is not None or "/" in key:
            raise ParameterError(f"'{o.input_line}': unknown config group {key!r}; groups: "
                                 f"{', '.join(GROUPS)}.")
        section = key.split(".")[1] if key.startswith("scenario.") and "." in key else None
        if section in ("levers", "parameters"):
            raise ParameterError(
                f"'{o.input_line}': set {section} with {section}.<name>=value (for example "
                f"{section}.{key.rsplit('.', 1)[-1]}=...); the scenario's own {section} apply "
                "unless set explicitly.")
        if not _key_known(key):
            raise ParameterError(unknown_key_message(key))


# --- from a composed config to a run -------------------------------------------------------

def _config_key(name: str) -> str:
    """The config key of a schema parameter."""
    if name == SIZE_KEY:
        return "size.n_actors"
    if name in ("shocks", "programmes"):
        return f"scenario.{name}"
    if name in PARAMETERS and PARAMETERS[name].group == "lever":
        return f"levers.{name}"
    return f"parameters.{name}"


def _keyed_message(message: str, names) -> str:
    """Rewrite a schema message ('animation = 2 ...') with the config key ('levers.animation')."""
    for name in sorted(names, key=len, reverse=True):
        if message.startswith(name) and message[len(name):len(name) + 1] in (" ", "[", "."):
            return _config_key(name) + message[len(name):]
    return message


def plain_copy(data):
    """A copy of a plain config (a tree of dicts and lists whose leaves are immutable values,
    shared): several times quicker than ``copy.deepcopy``, which planning a sweep of
    20,480 runs used to spend seconds in."""
    if isinstance(data, dict):
        return {k: plain_copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain_copy(v) for v in data]
    return data


def plain_config(cfg) -> dict:
    """A composed config (DictConfig) as a resolved plain dict, without the hydra node."""
    from omegaconf import OmegaConf
    from omegaconf.errors import InterpolationResolutionError

    try:
        return {k: OmegaConf.to_container(cfg[k], resolve=True) if OmegaConf.is_config(cfg[k])
                else cfg[k] for k in cfg if k != "hydra"}
    except InterpolationResolutionError as err:
        cause = err.__cause__ or err.__context__
        if isinstance(cause, ParameterError):
            raise ParameterError(str(cause)) from None
        raise


def _check_choice(key: str, value, allowed) -> None:
    if value not in allowed:
        raise ParameterError(f"{key} = {value!r} is not allowed; use one of "
                             f"{', '.join(map(str, allowed))}.")


def _check_whole(key: str, value, low: int, allow_null: bool = True) -> None:
    if value is None and allow_null:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ParameterError(f"{key} = {value!r} must be a whole number >= {low}"
                             + (" or null." if allow_null else "."))


def check_settings(conf: dict) -> None:
    """The app's own settings (not model parameters)."""
    _check_choice("quiet", conf.get("quiet"), (True, False))
    _check_choice("lang", conf.get("lang"), LANGS)
    _check_choice("figures", conf.get("figures"), (None, True, False))
    _check_whole("weeks", conf.get("weeks"), 0)
    sweep = conf.get("sweep") or {}
    _check_choice("sweep.resume", sweep.get("resume"), (True, False))
    _check_whole("sweep.runs_per_shard", sweep.get("runs_per_shard"), 1)
    _check_whole("sweep.threads_per_worker", sweep.get("threads_per_worker"), 1)
    _check_choice("sweep.store", sweep.get("store", "runs"), STORES)
    batch = sweep.get("batch_seconds", 30)
    if isinstance(batch, bool) or not isinstance(batch, int | float) or batch < 0:
        raise ParameterError(f"sweep.batch_seconds = {batch!r} must be a number >= 0.")
    name = conf.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()
                             or "/" in name or name.startswith(".")):
        raise ParameterError(f"name = {name!r} must be a plain folder name (no '/').")


@cache
def _config_names() -> tuple[frozenset, frozenset]:
    """The keys allowed under ``levers.`` and under ``parameters.`` (checked for every run)."""
    return (frozenset(lever_names()),
            frozenset([*parameter_names(), "start_date", "category_shares"]))


def run_settings(conf: dict) -> dict:
    """Validated model parameters, seed, weeks and scenario name of a resolved config.

    Raises ParameterError naming the config key, the value and what is allowed.
    """
    from .model import coerce_seed

    check_settings(conf)
    spec = scenarios.resolve(plain_copy(conf["scenario"]))
    own = spec.get("parameters") or {}
    allowed = set(conf["parameters"])
    for key in own:
        if key not in allowed:
            where = "size" if key == SIZE_KEY else "levers" if key in lever_names() else None
            hint = f" Set it with {where}." if where else did_you_mean(key, sorted(allowed))
            raise ParameterError(f"Scenario {spec.get('name')!r}: {key!r} is not a parameter "
                                 f"a scenario can set under 'parameters'.{hint}")
    levers, names = _config_names()
    for key in conf["levers"]:
        if key not in levers:
            raise ParameterError(unknown_key_message(f"levers.{key}"))
    for key in conf["parameters"]:
        if key not in allowed or key not in names:
            raise ParameterError(unknown_key_message(f"parameters.{key}"))
    kwargs = {SIZE_KEY: conf["size"][SIZE_KEY], **conf["levers"], **conf["parameters"],
              "shocks": spec.get("shocks") or [], "programmes": spec.get("programmes") or []}
    try:
        params = validate(kwargs)
    except ParameterError as err:
        raise ParameterError(_keyed_message(str(err), kwargs)) from None
    seed = conf.get("seed")
    try:
        seed = coerce_seed(seed) if seed is not None else None
    except ParameterError:
        raise ParameterError(f"seed = {seed!r} must be a whole number >= 0.") from None
    weeks = conf.get("weeks")
    if weeks is None:
        weeks = spec.get("weeks", 156)
    _check_whole("scenario.weeks", weeks, 0, allow_null=False)
    return {"params": params, "seed": seed, "weeks": int(weeks),
            "scenario": str(spec.get("name", "scenario")),
            "observe": _observations(conf.get("outcomes"))}


def _observations(outcomes) -> tuple[str, ...] | None:
    """The weekly observations the per-run ``outcomes`` of the config need (None: all of
    them, for all outcomes)."""
    from .labels import OUTCOME_LABELS
    from .metrics import observations_for

    if outcomes is None:
        return None
    names = [outcomes] if isinstance(outcomes, str) else outcomes
    if not isinstance(names, list | tuple) or not names:
        raise ParameterError(f"outcomes = {outcomes!r}: give null (all) or a list of per-run "
                             "outcomes, e.g. outcomes=[ecosystem_share,final_ecosystems].")
    for name in names:
        if name not in OUTCOME_LABELS:
            raise ParameterError(f"outcomes: {name!r} is not a per-run outcome."
                                 f"{did_you_mean(str(name), OUTCOME_LABELS)} "
                                 f"Allowed: {', '.join(OUTCOME_LABELS)}.")
    return observations_for(names)


# --- one run ------------------------------------------------------------------------------

def timestamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def unique_dir(parent: Path, stem: str) -> Path:
    target, i = parent / stem, 2
    while target.exists() or any(parent.glob(f".{target.name}.partial-*")):
        target, i = parent / f"{stem}-{i}", i + 1
    return target


def simulate(settings: dict, progress=None):
    """Build and run the model of validated ``settings``: (model, wall seconds)."""
    from .model import ReveModel

    start = time.perf_counter()
    model = ReveModel(seed=settings["seed"], observe=settings.get("observe"),
                      **settings["params"])
    model.run(settings["weeks"], progress=progress)
    return model, time.perf_counter() - start


def execute(conf: dict, settings: dict, target: Path, *, figures: bool, lang: str,
            progress: bool, extra: dict | None = None) -> Path:
    """Run one simulation and write it atomically to ``target``."""
    from tqdm import tqdm

    from .jit_cache import warm_up
    from .provenance import provenance
    from .results import write_run

    weeks = settings["weeks"]
    if progress:
        print("Loading the model's kernels (compiled first if their sources changed since "
              "`make install`: about a minute and a half)...", file=sys.stderr, flush=True)
    warm_up()  # so that the progress bar's time estimate measures the weeks, not compilation
    with tqdm(total=weeks, unit="week", disable=not progress, desc=settings["scenario"],
              file=sys.stderr) as bar:
        model, wall = simulate(settings, progress=lambda done: bar.update(done - bar.n))
    facts = provenance(model.seed, wall_seconds=round(wall, 3), weeks=weeks,
                       n_actors=model.n_actors, scenario=settings["scenario"], **(extra or {}))
    title = f"reve-sim · {settings['scenario']} · seed {model.seed}"
    write_run(model, target, facts, title=title, lang=lang, config=conf, figures=figures)
    return target


def single_run(conf: dict, settings: dict) -> Path:
    name = conf.get("name") or settings["scenario"]
    parent = Path(conf.get("results_dir") or "results") / name
    parent.mkdir(parents=True, exist_ok=True)
    target = unique_dir(parent, timestamp())
    figures = conf.get("figures") is not False
    execute(conf, settings, target, figures=figures, lang=conf.get("lang", "en"),
            progress=not conf.get("quiet"),
            extra={"command": " ".join(["reve-sim", *sys.argv[1:]])})
    files = "summary.png, " if figures else ""
    print(f"Results: {target}/ ({files}weekly.parquet, outcomes.json, config.yaml, "
          "provenance.json)")
    return target


# --- the Hydra app ------------------------------------------------------------------------

def fail(message: str, code: int = 2):
    print(f"reve-sim: error: {message}", file=sys.stderr)
    sys.exit(code)


def task(cfg) -> dict | None:
    """Hydra task: one run, or (inside a sweep) one shard of runs."""
    if cfg.get("sweep") is not None and cfg.sweep.get("shard") is not None:
        from .sweep import run_shard_job

        return run_shard_job(cfg)
    try:
        conf = plain_config(cfg)
        settings = run_settings(conf)
    except ParameterError as err:
        fail(str(err))
    target = single_run(conf, settings)
    return {"results": str(target)}


def _hydra_main():
    import hydra

    return hydra.main(version_base="1.3", config_path=str(CONFIG_DIR),
                      config_name="config")(task)()


def _argv_overrides(argv: list[str]) -> list[str]:
    from hydra._internal.utils import get_args_parser

    try:
        args, _ = get_args_parser().parse_known_args(argv)
    except SystemExit:
        return []
    return list(args.overrides or [])


def main() -> None:
    """Console script ``reve-sim``."""
    os.environ.setdefault("HYDRA_FULL_ERROR", "0")
    try:
        check_overrides(_argv_overrides(sys.argv[1:]))
    except ParameterError as err:
        fail(str(err))
    _hydra_main()


if __name__ == "__main__":
    main()
