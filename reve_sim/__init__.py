"""reve-sim: agent-based simulator of educational innovation ecosystems."""

import os

# Idle OpenMP threads must sleep, not spin: on a shared 2-core machine spinning workers made
# the parallel kernels up to 50x slower. Read by the OpenMP runtime when Numba loads it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .jit_cache import keep_in_step, numba_cache_dir  # noqa: E402
from .model import ReveModel  # noqa: E402
from .parameters import CATEGORIES, PARAMETERS, ParameterError, validate  # noqa: E402

keep_in_step(numba_cache_dir())  # before any function loads from Numba's cache

__version__ = "0.1.0"

__all__ = ["CATEGORIES", "PARAMETERS", "ParameterError", "ReveModel", "__version__", "validate"]
