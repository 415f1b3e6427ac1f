"""Two scenarios side by side on the same seed and size.

The model draws every random number from (seed, decision, week, entity), so two
scenarios run at one seed share their randomness wherever the scenarios do not differ
(common random numbers): the gap between the two runs is the scenario's effect, not
chance.
"""

from __future__ import annotations

from .. import scenarios
from ..labels import metric_label
from .guards import TIME_LIMIT_SECONDS, settle
from .session import Run

OUTCOMES = ("engaged_actors", "active_collectives", "dormant_collectives", "ecosystems",
            "largest_ecosystem_collectives", "heterogeneous_share", "mean_anxiety",
            "efficacy_networked")
"""Metrics of the comparison table (values in the last week)."""


def scenario_title(name: str, lang: str) -> str:
    spec = scenarios.load(name)
    return spec.get("title_fr" if lang == "fr" else "title_en") or name


def make_pair(scenario_a: str, scenario_b: str, seed, n_actors, lang: str = "fr"
              ) -> tuple[Run, Run, list[str]]:
    """Two runs, not yet stepped, with the corrections made to the inputs."""
    a = settle(scenario_a, seed, n_actors, lang=lang)
    b = settle(scenario_b, a.seed, a.n_actors, lang=lang)
    notes = a.notes + [n for n in b.notes if n not in a.notes]
    run_a = Run(a.parameters(), a.seed, a.weeks, scenario_title(a.scenario, lang), a.scenario)
    run_b = Run(b.parameters(), b.seed, b.weeks, scenario_title(b.scenario, lang), b.scenario)
    return run_a, run_b, notes


def run_pair(run_a: Run, run_b: Run, time_limit: float = TIME_LIMIT_SECONDS,
             progress=None) -> bool:
    """Simulate both to their horizons; False if the time limit stopped them."""
    total = run_a.horizon + run_b.horizon

    def report(done_a: int, done_b: int) -> None:
        if progress is not None and (done_a + done_b) % 8 == 0:  # not every week: each
            progress(done_a + done_b, total)  # report re-draws the page

    ok = run_a.run_to(time_limit=time_limit / 2,
                      progress=lambda d, _t: report(d, 0))
    ok = run_b.run_to(time_limit=time_limit / 2,
                      progress=lambda d, _t: report(run_a.week, d)) and ok
    return ok


def outcome_rows(run_a: Run, run_b: Run, lang: str = "fr") -> list[dict]:
    """[{indicator, A, B, B − A}] for the comparison table."""
    fa, fb = run_a.final(), run_b.final()
    rows = []
    for name in OUTCOMES:
        if name in fa and name in fb:
            digits = 0 if abs(fa[name]) >= 10 or abs(fb[name]) >= 10 else 2
            rows.append({"indicator": metric_label(name, lang),
                         "A": round(fa[name], digits), "B": round(fb[name], digits),
                         "B − A": round(fb[name] - fa[name], digits)})
    return rows
