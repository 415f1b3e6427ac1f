"""Shared setup of the tests.

OpenMP threads (Numba's default threading layer here) spin while they wait; on a busy
machine two spinning threads made the suite about 4 times slower. Passive waiting changes
no result (runs are bit-identical for any thread count); ``reve_sim`` sets it on import
too, this makes sure it holds before anything loads Numba, and the subprocesses the
tests start inherit it.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
