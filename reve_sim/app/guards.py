"""Guard rails of the workshop app: caps, input clipping and corrections with a message.

Every input a facilitator can touch goes through ``settle``, which returns the values the
app will really use and one plain message per correction. Levers are clipped to the
bounds of the parameter schema, the size and the duration to the caps below, the seed
text to a whole number; if the model still refuses the combination, the scenario's own
lever values are used and the refusal is shown. Nothing here raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import scenarios
from ..parameters import PARAMETERS, ParameterError
from .texts import t

MIN_ACTORS = 200
MAX_ACTORS = 10_000
"""Live runs: a week takes ~10 ms at 2,000 actors and ~0.1 s at 10,000 on 2 cores."""
DEFAULT_ACTORS = 2000
MAX_WEEKS = 260
"""Five school years."""
MAX_REPLAY_ACTORS = 20_000
"""Saved runs larger than this are exported with reve-sim-replay, not replayed live."""
TIME_LIMIT_SECONDS = 60.0
"""A whole-run computation (comparison, replay) stops after this long."""
STEP_LIMIT_SECONDS = 10.0
"""Playing stops if one week takes longer than this."""
DEFAULT_SCENARIO = "baseline"
DEFAULT_SEED = 1

LEVERS = tuple(name for name, p in PARAMETERS.items() if p.group == "lever")


@dataclass
class Settled:
    """Inputs as the app will use them, and the corrections made."""

    scenario: str
    seed: int
    n_actors: int
    weeks: int
    levers: dict[str, float]
    notes: list[str] = field(default_factory=list)

    def parameters(self) -> dict:
        """Validated model parameters (scenario, then levers, then size)."""
        return scenarios.model_parameters(self.scenario, **self.levers,
                                          n_actors=self.n_actors)


def scenario_levers(name: str) -> dict[str, float]:
    """Every lever's value in a scenario (defaults where the scenario says nothing)."""
    spec = scenarios.load(name)
    return {k: spec["levers"].get(k, spec["parameters"].get(k, PARAMETERS[k].default))
            for k in LEVERS}


def scenario_weeks(name: str) -> int:
    return int(scenarios.load(name).get("weeks") or 156)


def _clip(name: str, value, lang: str, notes: list[str]):
    p = PARAMETERS[name]
    try:
        x = float(value)
    except (TypeError, ValueError):
        notes.append(t("note_not_number", lang).format(label=p.label(lang), value=value,
                                                       default=p.default))
        return p.default
    if x != x:
        x = p.default
    y = min(max(x, p.low), p.high)
    if p.integer:
        y = int(round(y))
    if y != x:
        notes.append(t("note_clipped", lang).format(label=p.label(lang), value=value, new=y,
                                                    low=p.low, high=p.high))
    return y


def settle(scenario, seed, n_actors, levers: dict | None = None, weeks=None,
           lang: str = "fr") -> Settled:
    """Clip and check the app's inputs; see the module docstring."""
    notes: list[str] = []
    if scenario not in scenarios.names():
        notes.append(t("note_scenario", lang).format(value=scenario, default=DEFAULT_SCENARIO))
        scenario = DEFAULT_SCENARIO
    text_seed = str(seed).strip() if seed is not None else ""
    if text_seed.isdigit():
        seed_value = int(text_seed)
    else:
        digits = "".join(ch for ch in text_seed if ch.isdigit())
        seed_value = int(digits) if digits else DEFAULT_SEED
        notes.append(t("note_seed", lang).format(value=text_seed, new=seed_value))
    try:
        size = int(round(float(n_actors)))
    except (TypeError, ValueError):
        size = DEFAULT_ACTORS
        notes.append(t("note_size_text", lang).format(value=n_actors, new=size))
    if not MIN_ACTORS <= size <= MAX_ACTORS:
        new = min(max(size, MIN_ACTORS), MAX_ACTORS)
        notes.append(t("note_size", lang).format(value=size, new=new, low=MIN_ACTORS,
                                                 high=MAX_ACTORS))
        size = new
    horizon = scenario_weeks(scenario) if weeks is None else weeks
    try:
        horizon = int(horizon)
    except (TypeError, ValueError):
        horizon = scenario_weeks(scenario)
    if not 1 <= horizon <= MAX_WEEKS:
        new = min(max(horizon, 1), MAX_WEEKS)
        notes.append(t("note_weeks", lang).format(value=horizon, new=new, high=MAX_WEEKS))
        horizon = new
    clean = {}
    for name, value in (levers or {}).items():
        if name not in LEVERS:
            notes.append(t("note_not_lever", lang).format(name=name))
            continue
        clean[name] = _clip(name, value, lang, notes)
    settled = Settled(scenario, seed_value, size, horizon, clean, notes)
    try:
        settled.parameters()
    except ParameterError as err:
        notes.append(t("note_refused", lang).format(error=err))
        settled.levers = {}
    return settled
