"""Helpers shared by the model-core tests (not a test module).

Run as a script it builds one model, runs it and prints its digest, so that tests
can compare runs made in fresh processes (other thread counts, other hash seeds)::

    python tests/reve_testing.py '{"seed": 1, "n_actors": 500}' 20
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# A lockdown-like shock (every shock field away from its neutral value) and a programme
# call, both inside the first school year from the default start date 2019-09-02, so that
# every kernel (founding, programme calls, funding end, mobility...) has work to do.
LOCKDOWN = {"label": "lockdown", "start": "2019-11-18", "end": "2020-01-13", "need": 0.4,
            "anxiety": 0.4, "efficacy_loss": 0.3, "in_person": 0.2, "online_discovery": 2.0,
            "time": 0.8, "founding": 3.0}
PROGRAMME = {"label": "call", "start": "2019-10-07", "per_1000": 4.0, "duration_weeks": 12.0}


def model_digest(model) -> str:
    """SHA-256 over the actors, slots and collectives tables and the weekly table."""
    from reve_sim.state import state_digest

    h = hashlib.sha256()
    h.update(state_digest(model.actors, model.slots, model.collectives).encode())
    h.update(np.ascontiguousarray(model.weekly_array()).tobytes())
    h.update(str(model.n_used).encode())
    return h.hexdigest()


def run_digest(kwargs: dict, weeks: int) -> str:
    from reve_sim import ReveModel

    model = ReveModel(**kwargs)
    model.run(weeks)
    return model_digest(model)


def digest_in_subprocess(kwargs: dict, weeks: int, threads: int | None = None,
                         hash_seed: str = "0", parallel: bool | None = None) -> dict:
    """Digest of a run made in a fresh interpreter; also reports numba's thread count.
    ``parallel`` forces the threaded kernels (True) or their serial twins (False)."""
    env = dict(os.environ)
    if parallel is not None:
        env["REVE_TEST_PARALLEL_FROM"] = "0" if parallel else str(10**12)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env["PYTHONHASHSEED"] = hash_seed
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), json.dumps(kwargs), str(weeks)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"subprocess failed ({out.returncode}):\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import numba

    import reve_sim.model

    if "REVE_TEST_PARALLEL_FROM" in os.environ:
        reve_sim.model.PARALLEL_FROM = int(os.environ["REVE_TEST_PARALLEL_FROM"])
    kwargs = json.loads(sys.argv[1])
    weeks = int(sys.argv[2])
    parallel = reve_sim.model.ReveModel(**kwargs).parallel
    print(json.dumps({"digest": run_digest(kwargs, weeks), "threads": numba.get_num_threads(),
                      "parallel": parallel}))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
