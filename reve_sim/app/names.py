"""Readable names of collectives: their problem and territory, e.g. « Inclusion 86 ».

Territories are abstract regions in the model; the app labels them with
département-style numbers so that facilitators can talk about them. The numbers are
labels only, not data about real départements. Several collectives on the same problem
in the same territory get a running number in order of creation (« Inclusion 86 nº 2 »),
so a name never changes during a run.
"""

from __future__ import annotations

import numpy as np

from ..labels import problem_label
from ..parameters import problem_names

TERRITORY_CODES = ("86", "79", "17", "16", "87", "33", "24", "40", "47", "64", "19", "23")


def territory_name(t: int) -> str:
    """Label of territory ``t``."""
    return TERRITORY_CODES[t] if 0 <= t < len(TERRITORY_CODES) else f"T{t + 1}"


def collective_names(problem: np.ndarray, territory: np.ndarray, n_problems: int,
                     lang: str = "fr") -> list[str]:
    """One name per collective row, stable as rows are appended."""
    labels = [problem_label(p, lang) for p in problem_names(n_problems)]
    seen: dict[tuple[int, int], int] = {}
    names = []
    for p, t in zip(problem.tolist(), territory.tolist(), strict=True):
        k = seen.get((p, t), 0) + 1
        seen[(p, t)] = k
        base = f"{labels[p]} {territory_name(t)}"
        names.append(base if k == 1 else f"{base} nº {k}")
    return names
