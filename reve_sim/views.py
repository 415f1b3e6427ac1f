"""Thin Mesa agents over the model's arrays, created on demand (never on the hot path).

A view holds only a row index; its properties read the model's arrays and return
plain Python scalars, so Mesa tools (DataCollector agent reporters, SolaraViz) can
use them while the state stays in numpy.
"""

from __future__ import annotations

import mesa

from .parameters import CATEGORIES, problem_names
from .state import ORIGINS


class Actor(mesa.Agent):
    """View of one actor row."""

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    def _get(self, field: str):
        return getattr(self.model.actors, field)[self.idx].item()

    @property
    def category(self) -> str:
        return CATEGORIES[self._get("category")]

    @property
    def territory(self) -> int:
        return self._get("territory")

    @property
    def establishment(self) -> int:
        return self._get("establishment")

    @property
    def need(self) -> float:
        return self._get("need")

    @property
    def anxiety(self) -> float:
        return self._get("anxiety")

    @property
    def efficacy(self) -> float:
        return self._get("efficacy")

    @property
    def memberships(self) -> list[int]:
        """Collective rows the actor belongs to."""
        return [int(c) for c in self.model.slots.coll[self.idx] if c >= 0]


class Collective(mesa.Agent):
    """View of one collective row."""

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    def _get(self, field: str):
        return getattr(self.model.collectives, field)[self.idx].item()

    @property
    def status(self) -> str:
        return ("active", "dormant", "dissolved")[self._get("status")]

    @property
    def origin(self) -> str:
        return ORIGINS[self._get("origin")]

    @property
    def problem(self) -> str:
        return problem_names(self.model.params["n_problems"])[self._get("problem")]

    @property
    def is_open(self) -> bool:
        return bool(self._get("open"))

    @property
    def animator(self) -> int:
        return self._get("animator")

    @property
    def activity(self) -> float:
        return self._get("activity")

    @property
    def members(self) -> list[int]:
        """Actor rows holding a membership of this collective."""
        rows, _ = (self.model.slots.coll == self.idx).nonzero()
        return sorted(int(r) for r in rows)
