"""Benchmark of reve-sim: kernel vs readable reference, scaling to 1M actors, cold start.

    .venv/bin/python scripts/bench.py            # full benchmark (~15 min on 2 cores)
    .venv/bin/python scripts/bench.py --quick    # small sizes, into results/bench-quick/

Every measurement runs in a fresh process (clean peak-memory reading, no warm caches of
another size); timings are medians of repeats, and the kernel/reference ratio is measured
side by side in one process. Writes docs/performance.json, docs/figures/performance.png and
the tables of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


# --- workers (run in a child process) -------------------------------------------------------

def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_compare(n: int, weeks: int, repeats: int) -> dict:
    """Kernel and reference, same parameters and seed, alternated in this process."""
    from reve_sim import ReveModel
    from reve_sim.reference import ReferenceModel

    ReveModel(seed=1, n_actors=200).run(2)  # compile or load kernels outside the timings
    ReferenceModel(seed=1, n_actors=200).run(2)
    kernel, reference = [], []
    for _ in range(repeats):
        for cls, times in ((ReveModel, kernel), (ReferenceModel, reference)):
            model = cls(seed=1, n_actors=n)
            t0 = time.perf_counter()
            model.run(weeks)
            times.append(time.perf_counter() - t0)
    k, r = statistics.median(kernel), statistics.median(reference)
    return {"n": n, "weeks": weeks, "kernel_s": k, "reference_s": r, "ratio": r / k,
            "kernel_all": kernel, "reference_all": reference}


def worker_scale(n: int, weeks: int, repeats: int) -> dict:
    """Build and run the array model; phases timed by the model's plan."""
    from reve_sim import ReveModel

    ReveModel(seed=1, n_actors=200).run(2)
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = ReveModel(seed=1, n_actors=n)
        t1 = time.perf_counter()
        model.run(weeks)
        t2 = time.perf_counter()
        runs.append({"init_s": t1 - t0, "run_s": t2 - t1,
                     "phases": {k: v for k, v in model.phase_seconds.items()}})
    best = sorted(runs, key=lambda x: x["run_s"])[len(runs) // 2]
    memberships = int((model.slots.coll >= 0).sum())
    ties = int(model.tie_rows.shape[0])
    return {"n": n, "weeks": weeks, **best, "run_all": [x["run_s"] for x in runs],
            "actor_weeks_per_s": n * weeks / best["run_s"], "peak_mb": _peak_mb(),
            "memberships_end": memberships, "ties": ties}


def worker_start() -> dict:
    """Import plus the first step of a new process (cache state decided by the parent)."""
    t0 = time.perf_counter()
    from reve_sim import ReveModel

    t1 = time.perf_counter()
    model = ReveModel(seed=1, n_actors=1000)
    model.step()
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "first_step_s": t2 - t1, "total_s": t2 - t0}


WORKERS = {"compare": worker_compare, "scale": worker_scale, "start": worker_start}


def _child(kind: str, env: dict | None = None, **kwargs) -> dict:
    cmd = [sys.executable, __file__, "--worker", json.dumps({"kind": kind, **kwargs})]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the benchmark ------------------------------------------------------------------------

def run(quick: bool) -> dict:
    import numba

    facts = {"machine": {"cpus": os.cpu_count(), "numba_threads": numba.config.NUMBA_NUM_THREADS,
                         "python": sys.version.split()[0]}}
    print("1/3 kernel vs reference", flush=True)
    sizes = (1000, 2000) if quick else (1000, 5000, 10000)
    facts["compare"] = [_child("compare", n=n, weeks=52,
                               repeats=1 if (quick or n >= 10000) else 3) for n in sizes]
    for row in facts["compare"]:
        print(f"  {row['n']:>7} actors x 52 weeks: kernel {row['kernel_s']:.3f} s, "
              f"reference {row['reference_s']:.2f} s, ratio {row['ratio']:.0f}x", flush=True)
    print("2/3 scaling", flush=True)
    plan = ((10_000, 52), (30_000, 52)) if quick else \
        ((10_000, 104), (30_000, 104), (100_000, 104), (300_000, 104), (1_000_000, 520))
    facts["scale"] = []
    for n, weeks in plan:
        row = _child("scale", n=n, weeks=weeks, repeats=1 if (quick or n >= 300_000) else 3)
        facts["scale"].append(row)
        print(f"  {n:>9} actors x {weeks} weeks: init {row['init_s']:.1f} s, run "
              f"{row['run_s']:.1f} s, {row['actor_weeks_per_s'] / 1e6:.1f} M actor-weeks/s, "
              f"peak {row['peak_mb']:.0f} MB", flush=True)
    print("3/3 cold and warm start", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        cold = _child("start", env=env)
        warm = [_child("start", env=env) for _ in range(3)]
    facts["start"] = {"cold": cold, "warm": sorted(warm, key=lambda x: x["total_s"])[1]}
    print(f"  cold {cold['total_s']:.1f} s, warm {facts['start']['warm']['total_s']:.2f} s")
    return facts


def figure(facts: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    rows = facts["scale"]
    n = np.array([r["n"] for r in rows], dtype=float)
    per_week = np.array([r["run_s"] / r["weeks"] for r in rows])
    ax1.loglog(n, per_week, "o-", color="#0072B2", label="measured")
    ax1.loglog(n, per_week[0] * n / n[0], "--", color="0.5", label="linear in actors")
    ax1.set_xlabel("actors")
    ax1.set_ylabel("seconds per simulated week")
    ax1.set_title("Cost grows with size")
    ax1.legend()
    ax1.grid(alpha=0.3, which="both")
    comp = facts["compare"]
    x = np.arange(len(comp))
    ax2.bar(x - 0.2, [c["reference_s"] for c in comp], 0.4, color="#E69F00",
            label="readable reference")
    ax2.bar(x + 0.2, [c["kernel_s"] for c in comp], 0.4, color="#0072B2", label="Numba kernel")
    ax2.set_yscale("log")
    ax2.set_xticks(x, [f"{c['n']:,} actors\n{c['ratio']:.0f}x" for c in comp])
    ax2.set_ylabel("seconds for 52 weeks")
    ax2.set_title("Kernel vs reference (same seed, same process)")
    ax2.legend()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    plt.close(fig)


def report(facts: dict, figure_name: str) -> str:
    """docs/performance.md, written from the measured facts (never by hand)."""
    lines = [
        "# Performance",
        "",
        "Measured by `.venv/bin/python scripts/bench.py` on this project's machine (2 cores, "
        "24 GiB, shared with other jobs: expect ±50% between runs). Every number below comes "
        "from `docs/performance.json`, written by the same command; timings are medians of "
        "repeats, each measurement runs in a fresh process, and the kernel/reference ratio is "
        "measured side by side in one process.",
        "",
        f"![performance](figures/{figure_name})",
        "",
        "## Numba kernel vs readable reference (same parameters and seed, 52 weeks)",
        "",
        "| actors | kernel (s) | reference (s) | speed ratio |",
        "|---:|---:|---:|---:|",
    ]
    for c in facts["compare"]:
        lines.append(f"| {c['n']:,} | {c['kernel_s']:.3f} | {c['reference_s']:.2f} | "
                     f"{c['ratio']:.0f}× |")
    lines += ["", "## Scaling", "",
              "| actors | weeks | build (s) | run (s) | M actor-weeks/s | peak memory (MB) "
              "| memberships at end | ties |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in facts["scale"]:
        lines.append(f"| {r['n']:,} | {r['weeks']} | {r['init_s']:.1f} | {r['run_s']:.1f} | "
                     f"{r['actor_weeks_per_s'] / 1e6:.1f} | {r['peak_mb']:.0f} | "
                     f"{r['memberships_end']:,} | {r['ties']:,} |")
    top = facts["scale"][-1]
    lines += ["", f"Time per phase of the weekly plan at {top['n']:,} actors "
              f"({top['weeks']} weeks):", "", "| phase | seconds | share |", "|---|---:|---:|"]
    total = sum(top["phases"].values())
    for name, sec in top["phases"].items():
        lines.append(f"| {name} | {sec:.1f} | {sec / total:.0%} |")
    cold, warm = facts["start"]["cold"], facts["start"]["warm"]
    lines += ["", "## Start of a new process (import + building 1,000 actors + first week)", "",
              "| Numba cache | import (s) | first step (s) | total (s) |", "|---|---:|---:|---:|",
              f"| empty (compiles every kernel) | {cold['import_s']:.1f} | "
              f"{cold['first_step_s']:.1f} | {cold['total_s']:.1f} |",
              f"| warm | {warm['import_s']:.2f} | {warm['first_step_s']:.2f} | "
              f"{warm['total_s']:.2f} |", "",
              f"Benchmark wall time: {facts['wall_s'] / 60:.1f} min. Machine: "
              f"{facts['machine']['cpus']} CPUs, {facts['machine']['numba_threads']} Numba "
              f"threads, Python {facts['machine']['python']}.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        print(json.dumps(WORKERS[spec.pop("kind")](**spec)))
        return 0
    t0 = time.perf_counter()
    facts = run(args.quick)
    facts["wall_s"] = time.perf_counter() - t0
    out = ROOT / "results" / "bench-quick" if args.quick else DOCS  # a smoke check stays out
    out.mkdir(parents=True, exist_ok=True)                             # of the docs
    (out / "performance.json").write_text(json.dumps(facts, indent=2))
    figure(facts, out / "figures" / "performance.png")
    (out / "performance.md").write_text(report(facts, "performance.png"))
    print(f"wrote {out.relative_to(ROOT)}/performance.md, performance.json and "
          "figures/performance.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
