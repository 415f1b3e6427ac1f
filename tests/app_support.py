"""Helpers of the workshop-app tests: a small saved run, and the page state reset."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def artifacts_dir() -> Path:
    """Where the app tests keep screenshots (REVE_SIM_ARTIFACTS or results/test-artifacts)."""
    path = Path(os.environ.get("REVE_SIM_ARTIFACTS", ROOT / "results" / "test-artifacts" / "app"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def saved_run(target: Path, scenario: str = "lockdown_2020", weeks: int = 12,
              n_actors: int = 300, seed: int = 5) -> Path:
    """Simulate a small run and write it as the command line does."""
    from reve_sim import scenarios
    from reve_sim.model import ReveModel
    from reve_sim.provenance import provenance
    from reve_sim.results import write_run

    params = scenarios.model_parameters(scenario, n_actors=n_actors)
    model = ReveModel(seed=seed, **params)
    model.run(weeks)
    facts = provenance(model.seed, weeks=weeks, n_actors=n_actors, scenario=scenario)
    return write_run(model, target, facts, title=f"{scenario} · seed {seed}")


def reset_app_state() -> None:
    """Put the page's session state back to its start (tests share one process)."""
    from reve_sim.app import page, state
    from reve_sim.app.guards import (
        DEFAULT_ACTORS,
        DEFAULT_SCENARIO,
        DEFAULT_SEED,
        scenario_levers,
    )

    state.playing.set(False)
    state.lang.set("fr")
    state.scenario.set(DEFAULT_SCENARIO)
    state.levers.set(scenario_levers(DEFAULT_SCENARIO))
    state.seed_text.set(str(DEFAULT_SEED))
    state.n_actors.set(DEFAULT_ACTORS)
    state.speed.set(3)
    state.live.set(None)
    state.applied.set({})
    state.notes.set([])
    state.message.set("")
    state.error.set(None)
    page.compare_a.set(None)
    page.compare_b.set("reve")
    page.compare_week.set(None)
