"""The reve-sim sweeper: sharded, validated, resumable sweeps (``hydra/sweeper=reve``).

Hydra only discovers plugins in the ``hydra_plugins`` namespace package; this module is a
thin adapter and the logic lives in ``reve_sim.sweep`` (imported lazily, so that scanning
plugins stays cheap for other Hydra apps).
"""

from __future__ import annotations

from typing import Any

from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig


class ReveSweeper(Sweeper):
    """Expands the sweep, validates every run, then launches shards of runs as Hydra jobs."""

    def __init__(self, params: dict[str, str] | None = None) -> None:
        super().__init__()
        self.params = dict(params or {})
        self.hydra_context: HydraContext | None = None
        self.task_function: TaskFunction | None = None
        self.config: DictConfig | None = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        self.hydra_context = hydra_context
        self.task_function = task_function
        self.config = config

    def sweep(self, arguments: list[str]) -> Any:
        from reve_sim.sweep import HydraSweep

        assert self.hydra_context is not None and self.config is not None
        return HydraSweep(self.config, self.hydra_context, self.task_function,
                          self.params).run(list(arguments))
