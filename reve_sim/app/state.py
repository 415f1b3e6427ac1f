"""State of one browser session of the app and the actions that change it.

Solara reactive variables declared at module level are private to each browser session
(each virtual kernel), so two facilitators on one server do not share a simulation.
The mutable ``Run`` lives in ``live``; ``version`` is bumped after every change so the
views re-draw. Actions never raise: problems become ``notes`` (corrections) or
``error`` (the error panel).
"""

from __future__ import annotations

import datetime as dt
import os
import time
import traceback
from pathlib import Path

import solara

from ..provenance import provenance
from ..results import write_run
from .compare import scenario_title
from .guards import (
    DEFAULT_ACTORS,
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    STEP_LIMIT_SECONDS,
    scenario_levers,
    settle,
)
from .session import Run
from .texts import DEFAULT_LANG, t

SPEEDS = {1: (1, 1.0), 2: (1, 0.4), 3: (2, 0.2), 4: (4, 0.05), 5: (8, 0.0)}
"""Speed level -> (weeks per image, pause in seconds)."""

lang = solara.reactive(DEFAULT_LANG)
scenario = solara.reactive(DEFAULT_SCENARIO)
levers = solara.reactive(scenario_levers(DEFAULT_SCENARIO))
seed_text = solara.reactive(str(DEFAULT_SEED))
n_actors = solara.reactive(DEFAULT_ACTORS)
speed = solara.reactive(3)
playing = solara.reactive(False)
live = solara.reactive(None)  # Run | None
applied = solara.reactive({})  # inputs of the live run, to tell when they changed
version = solara.reactive(0)
notes = solara.reactive([])  # corrections made to the inputs (visible messages)
message = solara.reactive("")  # information (saved, finished, slow)
error = solara.reactive(None)  # (short text, details) for the error panel


def results_root() -> Path:
    """Where saved runs go and where the replay tab looks (REVE_SIM_RESULTS or ./results)."""
    return Path(os.environ.get("REVE_SIM_RESULTS", "results")).resolve()


def inputs() -> dict:
    """The sidebar's inputs (rounded, so a slider's float noise is not a change)."""
    return {"scenario": scenario.value,
            "levers": {k: round(float(v), 6) for k, v in levers.value.items()},
            "seed": seed_text.value, "n_actors": n_actors.value}


def restart() -> None:
    """Build a new live run from the current inputs (corrected by the guard rails)."""
    playing.set(False)
    message.set("")
    try:
        s = settle(scenario.value, seed_text.value, n_actors.value, levers.value,
                   lang=lang.value)
        if str(s.seed) != seed_text.value:
            seed_text.set(str(s.seed))
        if s.n_actors != n_actors.value:
            n_actors.set(s.n_actors)
        if s.levers != levers.value and s.levers:
            levers.set({**levers.value, **s.levers})
        run = Run(s.parameters(), s.seed, s.weeks, scenario_title(s.scenario, lang.value),
                  s.scenario)
    except Exception as exc:  # the page shows the error panel, never a blank page
        fail(exc)
        return
    notes.set(s.notes)
    error.set(None)
    live.set(run)
    applied.set(inputs())
    version.set(version.value + 1)


def choose_scenario(name: str) -> None:
    """Pick a scenario: its lever values fill the sliders and the run restarts."""
    scenario.set(name)
    try:
        levers.set(scenario_levers(name))
    except Exception as exc:
        fail(exc)
        return
    restart()


def set_lever(name: str, value: float) -> None:
    levers.set({**levers.value, name: value})


def step(weeks: int = 1) -> None:
    """Advance the live run by ``weeks`` (bounded by its horizon)."""
    run = live.value
    if run is None:
        restart()
        run = live.value
        if run is None:
            return
    slowest = run.step(weeks)
    after_step(run, slowest)


def after_step(run: Run, slowest: float) -> None:
    if run.error:
        playing.set(False)
        error.set((run.error, getattr(run, "traceback", "")))
    elif run.finished:
        playing.set(False)
        message.set(t("finished", lang.value).format(horizon=run.horizon))
    elif slowest > STEP_LIMIT_SECONDS:
        playing.set(False)
        message.set(t("slow_stop", lang.value).format(seconds=slowest))
    version.set(version.value + 1)


def play_loop() -> None:
    """Body of the play thread: step, let the views draw, pause, until paused or done."""
    while playing.value:
        run = live.value
        if run is None or run.finished:
            playing.set(False)
            break
        weeks, pause = SPEEDS.get(speed.value, SPEEDS[3])
        slowest = run.step(weeks)
        after_step(run, slowest)
        if pause:
            time.sleep(pause)


def toggle_play() -> None:
    if live.value is None:
        restart()
    if live.value is not None and not live.value.finished:
        playing.set(not playing.value)


def toggle_lang() -> None:
    lang.set("en" if lang.value == "fr" else "fr")
    run = live.value
    if run is not None and run.scenario:
        run.title = scenario_title(run.scenario, lang.value)
    version.set(version.value + 1)


def save() -> None:
    """Write the live run like the command line does (results/app/<scenario>/<time>/)."""
    run = live.value
    if run is None or run.week == 0:
        return
    try:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = results_root() / "app" / (run.scenario or "run") / stamp
        facts = provenance(run.model.seed, weeks=run.week, n_actors=run.model.n_actors,
                           scenario=run.scenario, title=run.title, source="reve-sim-app")
        write_run(run.model, target, facts, title=f"reve-sim · {run.title} · seed "
                  f"{run.model.seed}", lang=lang.value)
        message.set(t("saved", lang.value).format(path=target))
    except Exception as exc:
        fail(exc)


def fail(exc: BaseException) -> None:
    playing.set(False)
    error.set(("".join(traceback.format_exception_only(type(exc), exc)).strip(),
               traceback.format_exc()))
