"""Named prospective scenarios, stored as YAML files in ``configs/scenario/``.

A scenario sets levers, other parameters and timed events (shocks, programme calls); it may
``extends`` another scenario, whose events it keeps and whose levers and parameters it
overrides. The same files are the Hydra config group ``scenario`` of the command line and the
scenario menu of the workshop app.
"""

from __future__ import annotations

from . import named_configs
from .configgen import CONFIG_DIR
from .parameters import PARAMETERS, ParameterError, did_you_mean, validate

SCENARIO_DIR = CONFIG_DIR / "scenario"
FIELDS = {"name", "title_en", "title_fr", "question", "weeks", "levers", "parameters",
          "shocks", "programmes", "extends"}


def names() -> list[str]:
    """Names of the shipped scenarios."""
    return named_configs.names(SCENARIO_DIR)


def load(name: str) -> dict:
    """The scenario's definition with ``extends`` resolved (raises ParameterError)."""
    return resolve(named_configs.read(SCENARIO_DIR, name, "scenario"))


def resolve(spec: dict) -> dict:
    """Check a scenario mapping and merge the scenario it extends."""
    unknown = set(spec) - FIELDS
    if unknown:
        raise ParameterError(f"Scenario {spec.get('name', '?')!r} has unknown field(s) "
                             f"{sorted(unknown)}; allowed: {sorted(FIELDS)}.")
    spec = {"levers": {}, "parameters": {}, "shocks": [], "programmes": [], **spec}
    levers = [n for n, p in PARAMETERS.items() if p.group == "lever"]
    for key in spec["levers"] or {}:
        if key not in levers:
            raise ParameterError(f"Scenario {spec.get('name', '?')!r}: {key!r} is not a lever."
                                 f"{did_you_mean(key, levers)} Levers: {', '.join(levers)}; "
                                 "put other parameters under 'parameters'.")
    base_name = spec.pop("extends", None)
    if base_name:
        base = load(base_name)
        spec["levers"] = {**base["levers"], **(spec["levers"] or {})}
        spec["parameters"] = {**base["parameters"], **(spec["parameters"] or {})}
        spec["shocks"] = list(base["shocks"]) + list(spec["shocks"] or [])
        spec["programmes"] = list(base["programmes"]) + list(spec["programmes"] or [])
    return spec


def model_parameters(name: str, **overrides) -> dict:
    """Validated model parameters of a scenario, with optional overrides on top."""
    spec = load(name)
    params = {**spec["levers"], **spec["parameters"], "shocks": spec["shocks"],
              "programmes": spec["programmes"], **overrides}
    return validate(params)
