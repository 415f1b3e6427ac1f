"""Paired A/B timing of two checkouts of reve-sim on runs of a sensitivity study's design.

    .venv/bin/python scripts/ab.py OLD_CHECKOUT [NEW_CHECKOUT] [--runs 128] [--study NAME]

Why paired: on this shared machine the speed drifts by ±10% from one minute to the next, so
timing one checkout after the other cannot see a change of a few percent. Here two worker
processes, one per checkout (each imports its own ``reve_sim`` through PYTHONPATH), build and
run the same runs in alternation, one run at a time, the order swapped at every run: both see
the same moments of the machine. Prints the mean model time of each and the ratio new/old
(of the sums, and the median and quartiles of the per-run ratios). Two copies of the same
checkout give a ratio of 1 within about 1%.

The runs are spread evenly over the study's design (every parameter row and replicate alike)
and observe what the study's outcomes need, as the study's own runs do, when both checkouts
know ``observe`` (``--observe-all`` to observe everything). Each checkout compiles its
kernels first (into its own Numba cache), which is not timed. Make a checkout of a commit
with ``git worktree add /tmp/old COMMIT``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def study_runs(study: str, runs: int) -> tuple[list[dict], list[str] | None]:
    """``runs`` runs spread over the study's design, with the settings its sweep gives them
    (the study's base config, each row's values set on it, validated), and the observations
    its outcomes need."""
    import copy

    from hydra import compose, initialize_config_dir

    from reve_sim.cli import plain_config, run_settings
    from reve_sim.sensitivity import study as sa
    from reve_sim.sweep import assign

    with tempfile.TemporaryDirectory() as tmp:
        spec = sa.load(study, {"results_dir": tmp})
        out, _, _ = sa.prepare(spec)
        listed = json.loads((out / "design_runs.json").read_text())["runs"]
    chosen = listed[:: max(1, len(listed) // runs)][:runs]
    overrides = [f"scenario={spec['scenario']}", f"size={spec['size']}",
                 f"outcomes=[{','.join(sa.run_outcomes(spec))}]"]
    if spec.get("weeks") is not None:
        overrides.append(f"weeks={int(spec['weeks'])}")
    with initialize_config_dir(version_base="1.3", config_dir=str(ROOT / "configs"),
                               job_name="ab"):
        base = plain_config(compose("config", overrides=overrides))
    settings = []
    for run in chosen:
        conf = copy.deepcopy(base)
        for key, value in run["set"].items():
            assign(conf, key, value)
        one = run_settings(conf)
        settings.append({"seed": one["seed"], "weeks": one["weeks"], "params": one["params"]})
    observe = one["observe"]
    return settings, None if observe is None else list(observe)


def worker() -> None:
    """Read runs (one JSON per line), print each one's seconds of model time."""
    import time

    from reve_sim import ReveModel

    observe = json.loads(sys.stdin.readline())
    extra = {} if observe is None else {"observe": observe}
    ReveModel(seed=0, n_actors=200, **extra).run(3)  # compiles or loads the kernels
    print("ready", flush=True)
    for line in sys.stdin:
        run = json.loads(line)
        t0 = time.perf_counter()
        ReveModel(seed=run["seed"], **extra, **run["params"]).run(run["weeks"])
        print(time.perf_counter() - t0, flush=True)


def start(checkout: Path, observe) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    child = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=checkout, env=env)
    child.stdin.write(json.dumps(observe) + "\n")
    child.stdin.flush()
    if child.stdout.readline().strip() != "ready":
        raise RuntimeError(f"the worker of {checkout} did not start")
    return child


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", nargs="?", type=Path)
    parser.add_argument("new", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=128)
    parser.add_argument("--study", default="sobol_lockdown")
    parser.add_argument("--observe-all", action="store_true",
                        help="observe everything (for a checkout older than observe=)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0
    if args.old is None or args.runs < 2:
        parser.error("give the old checkout, and --runs of at least 2")
    runs, observe = study_runs(args.study, args.runs)
    if args.observe_all:
        observe = None
    old, new = start(args.old.resolve(), observe), start(args.new.resolve(), observe)
    t_old, t_new = [], []
    for k, run in enumerate(runs):
        seconds = {}
        for child in ((old, new) if k % 2 == 0 else (new, old)):
            child.stdin.write(json.dumps(run) + "\n")
            child.stdin.flush()
            seconds[child is old] = float(child.stdout.readline())
        t_old.append(seconds[True])
        t_new.append(seconds[False])
    for child in (old, new):
        child.stdin.close()
        child.wait()
    ratios = [b / a for a, b in zip(t_old, t_new, strict=True)]
    q1, median, q3 = statistics.quantiles(ratios, n=4)
    n = len(runs)
    print(f"{n} runs of the {args.study} design (observe: {observe or 'all'}): old "
          f"{1000 * sum(t_old) / n:.1f} ms/run, new {1000 * sum(t_new) / n:.1f} ms/run; "
          f"new/old {sum(t_new) / sum(t_old):.3f} (per run: median {median:.3f}, "
          f"quartiles {q1:.3f} to {q3:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
