"""Benchmark of reve-sim: kernel vs readable reference, scaling to 1M actors, cold start,
sweep throughput.

    .venv/bin/python scripts/bench.py            # full benchmark (~8 min on 2 cores)
    .venv/bin/python scripts/bench.py --quick    # small sizes, into results/bench-quick/
    .venv/bin/python scripts/bench.py --only sweep --out results/bench-sweep   # one section
    .venv/bin/python scripts/bench.py --report-only   # rewrite the page from the JSON

Every measurement runs in a fresh process (clean peak-memory reading, no warm caches of
another size); timings are medians of repeats, and the kernel/reference ratio is measured
side by side in one process. Writes docs/performance.json, docs/figures/performance.png and
the tables of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SECTIONS = ("compare", "scale", "structure", "start", "sweep")

SWEEP = {"scenario": "lockdown_2020", "size": "small", "weeks": 260, "workers": 2,
         "study_runs": 20_480, "study": "sobol_lockdown"}
"""The sweep-throughput case: the sensitivity studies' runs (2,000 actors, 260 weeks of
lockdown_2020), the joblib launcher with 2 workers x 1 Numba thread; the projection's size,
and the study whose own design runs are timed for it."""


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


def worker_scale(n: int, weeks: int, repeats: int, params: dict | None = None) -> dict:
    """Build and run the array model; from 100,000 actors, phase by phase with each phase
    timed (``ReveModel.phased``, whose cost there is far below a millisecond a week)."""
    from reve_sim import ReveModel
    from reve_sim.metrics import METRIC_INDEX
    from reve_sim.model import PARALLEL_FROM

    # load (or compile) outside the timings what the timed run calls: the serial or threaded
    # plan, as one call a week or phase by phase
    warm = ReveModel(seed=1, n_actors=PARALLEL_FROM if n >= PARALLEL_FROM else 200)
    warm.phased = n >= 100_000
    warm.run(2)
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = ReveModel(seed=1, n_actors=n, **(params or {}))
        model.phased = n >= 100_000
        t1 = time.perf_counter()
        model.run(weeks)
        t2 = time.perf_counter()
        runs.append({"init_s": t1 - t0, "run_s": t2 - t1,
                     "phases": {k: v for k, v in model.phase_seconds.items()}})
    best = sorted(runs, key=lambda x: x["run_s"])[len(runs) // 2]
    memberships = int((model.slots.coll >= 0).sum())
    ties = int(model.tie_rows.shape[0])
    held = model.weekly_array()[:, METRIC_INDEX["memberships"]]
    return {"n": n, "weeks": weeks, **best, "run_all": [x["run_s"] for x in runs],
            "actor_weeks_per_s": n * weeks / best["run_s"], "peak_mb": _peak_mb(),
            "memberships_end": memberships, "memberships_mean": float(held.mean()),
            "ties": ties, "params": params or {}}


def worker_start() -> dict:
    """Import plus the first step of a new process (cache state decided by the parent)."""
    t0 = time.perf_counter()
    from reve_sim import ReveModel

    t1 = time.perf_counter()
    model = ReveModel(seed=1, n_actors=1000)
    model.step()
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "first_step_s": t2 - t1, "total_s": t2 - t0}


def worker_bare(runs: int, scenario: str, size: str, weeks: int) -> dict:
    """The bare model of a sweep run: build, run and outcomes, one process, 1 Numba thread,
    the same settings (Hydra config, validation) as the sweep's runs, seeds 0, 1, ..."""
    import numba
    from hydra import compose, initialize_config_dir

    from reve_sim.cli import plain_config, run_settings, simulate
    from reve_sim.jit_cache import warm_up

    numba.set_num_threads(1)
    with initialize_config_dir(version_base="1.3", config_dir=str(ROOT / "configs"),
                               job_name="bench"):
        settings = run_settings(plain_config(compose("config", overrides=[
            f"scenario={scenario}", f"size={size}", f"weeks={weeks}"])))
    warm_up()
    times = []
    for seed in range(runs):
        t0 = time.perf_counter()
        model, _ = simulate({**settings, "seed": seed})
        model.summary()
        times.append(time.perf_counter() - t0)
    return {"runs": runs, "n_actors": settings["params"]["n_actors"], "weeks": weeks,
            "scenario": scenario, "run_s": statistics.median(times),
            "mean_s": statistics.fmean(times), "all": times}


STRUCTURE = ({"network_density": 0.5}, {"network_density": 1.0}, {"network_density": 2.0},
             {"network_density": 3.0}, {"max_memberships": 2, "join_rate": 0.04},
             {"max_memberships": 8, "join_rate": 0.16})
"""Settings that change the number of ties (network density) or of memberships (slots and
search rate) at a fixed number of actors, to see the cost grow with them."""

WORKERS = {"compare": worker_compare, "scale": worker_scale, "start": worker_start,
           "bare": worker_bare}


def _child(kind: str, env: dict | None = None, **kwargs) -> dict:
    cmd = [sys.executable, __file__, "--worker", json.dumps({"kind": kind, **kwargs})]
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": path, **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1])


LAUNCHER = ["sweep.threads_per_worker=1", "hydra/launcher=local",
            f"hydra.launcher.n_jobs={SWEEP['workers']}"]


def _sweep_command(runs: int, store: str, where: Path) -> list[str]:
    return [sys.executable, "-m", "reve_sim", "-m", f"scenario={SWEEP['scenario']}",
            f"size={SWEEP['size']}", f"weeks={SWEEP['weeks']}", f"seed=range({runs})",
            "quiet=true", f"results_dir={where}", f"sweep.dir={where / 'sweep'}",
            f"sweep.store={store}", *LAUNCHER]


def _study_command(runs: int, where: Path) -> tuple[list[str], float]:
    """The sweep command of SWEEP's study with ``runs`` of its runs, evenly spread over its
    design (so over its parameter space and replicates), and the seconds taken to draw the
    design and list its runs."""
    from reve_sim.sensitivity import study as sa

    t0 = time.perf_counter()
    spec = sa.load(SWEEP["study"], {"results_dir": str(where)})
    out, _, _ = sa.prepare(spec)
    prepare_s = time.perf_counter() - t0
    listed = json.loads((out / "design_runs.json").read_text())["runs"]
    every = len(listed) // runs
    (out / "design_runs.json").write_text(json.dumps({"runs": listed[::every][:runs]}))
    return sa.sweep_command(spec, out, LAUNCHER + [f"results_dir={where}"]), prepare_s


def _seconds(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    if not found:
        raise RuntimeError(f"no {pattern!r} in the sweep's output:\n{text}")
    return float(found.group(1))


def sweep_case(runs: int, store: str, cold: bool, bare_s: float, study: bool = False) -> dict:
    """One sweep through ``python -m reve_sim -m ...`` (a fresh directory), timed whole and
    by the sweep's own report of its phases: seeds 0, 1, ... at the scenario's defaults, or
    (``study``) runs of SWEEP's study design as its evaluation runs them."""
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        if cold:
            (where / "numba").mkdir()
            env["NUMBA_CACHE_DIR"] = str(where / "numba")
        cmd, prepare_s = _study_command(runs, where) if study else \
            (_sweep_command(runs, store, where), 0.0)
        sweep_dir = Path(next(a for a in cmd if a.startswith("sweep.dir=")).split("=", 1)[1])
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - t0
        if out.returncode != 0:
            raise RuntimeError(f"sweep failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
        table = pd.read_parquet(sweep_dir / "runs.parquet")
        weekly = (sweep_dir / "weekly.parquet").is_file()
        (shards_file,) = (sweep_dir / "attempts").glob("*/shards.json")
        shards = json.loads(shards_file.read_text())["shards"]
    if not (table["status"] == "complete").all() or len(table) != runs:
        raise RuntimeError(f"the sweep did not complete its {runs} runs")
    launch = _seconds(r"\d+ run this time in ([\d.]+) s", out.stdout)
    plan = _seconds(r"validated in ([\d.]+) s", out.stdout)
    workers = SWEEP["workers"]
    in_shards = sum(sh["seconds"] for sh in shards)  # the shards' run loops, all workers
    return {"store": store, "cold_cache": cold, "study": SWEEP["study"] if study else None,
            "prepare_s": prepare_s, "runs": runs, "workers": workers,
            "command_s": wall, "launch_s": launch, "plan_s": plan,
            "warm_up_s": _seconds(r"kernels ready in ([\d.]+) s", out.stdout),
            "worker_warm_up_s": max(sh["warm_up_s"] for sh in shards),
            "fixed_s": wall - launch - plan, "weekly_parquet": weekly,
            "model_in_sweep_s": float(table["wall_seconds"].median()),
            "model_in_sweep_mean_s": float(table["wall_seconds"].mean()),
            "in_shard_per_run_s": in_shards / runs,
            "outside_model_s": in_shards / runs - float(table["wall_seconds"].mean()),
            "worker_start_s": launch - in_shards / workers,
            "runs_per_min": 60 * runs / wall, "runs_per_min_launch": 60 * runs / launch,
            "overhead_s": launch * workers / runs - bare_s,
            "overhead_command_s": wall * workers / runs - bare_s,
            "overhead_steady_s": in_shards / runs - bare_s,
            "command": " ".join(["python", *cmd[1:]]).replace(str(where), "TMP")}


def projection(case: dict, n: int) -> float:
    """Wall seconds of an n-run sweep at a case's throughput: the command's fixed cost and
    the workers' start and drawing a study's whole design once, planning and the shards' run
    loops in proportion to the runs."""
    return (case["fixed_s"] + case["worker_start_s"] + case.get("prepare_s", 0.0)
            + case["plan_s"] * n / case["runs"]
            + n * case["in_shard_per_run_s"] / case["workers"])


def run_sweep(quick: bool) -> dict:
    runs = 16 if quick else 128
    print(f"sweep throughput ({runs} runs of {SWEEP['size']}, {SWEEP['weeks']} weeks, "
          f"{SWEEP['scenario']})", flush=True)
    t0 = time.perf_counter()
    bare = _child("bare", runs=4 if quick else 12, scenario=SWEEP["scenario"],
                  size=SWEEP["size"], weeks=SWEEP["weeks"])  # also warms the default cache
    print(f"  bare model: {bare['run_s']:.3f} s per run ({bare['n_actors']:,} actors, 1 thread)",
          flush=True)
    cases = []
    for store, cold, study in (("outcomes", False, False), ("runs", False, False),
                               ("outcomes", True, False), ("outcomes", False, True)):
        case = sweep_case(runs, store, cold, bare["run_s"], study)
        cases.append(case)
        print(f"  {_case_name(case)}: {case['command_s']:.1f} s"
              f" ({case['launch_s']:.1f} s launched), {case['runs_per_min']:.0f} runs/min, "
              f"overhead {1000 * case['overhead_s']:.0f} ms per run "
              f"({1000 * case['overhead_steady_s']:.0f} ms once workers run, "
              f"{1000 * case['outside_model_s']:.1f} ms outside the model)", flush=True)
    return {**SWEEP, "bare": bare, "cases": cases, "wall_s": time.perf_counter() - t0,
            "projection_s": {_case_name(c): projection(c, SWEEP["study_runs"]) for c in cases},
            "projection_best_s": projection(cases[0], SWEEP["study_runs"]),
            "projection_study_s": projection(cases[-1], SWEEP["study_runs"])}


def _case_name(case: dict) -> str:
    runs = f"{case['study']} design" if case.get("study") else "defaults"
    return f"{runs}, store={case['store']}, {'cold' if case['cold_cache'] else 'warm'} cache"


# --- the benchmark ------------------------------------------------------------------------

def cpu_model() -> str:
    """The processor's name, as Linux gives it ("" elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else ""


def run(quick: bool, only: str | None = None) -> dict:
    import numba

    facts = {"machine": {"cpus": os.cpu_count(), "numba_threads": numba.config.NUMBA_NUM_THREADS,
                         "python": sys.version.split()[0], "cpu": cpu_model()}}
    if only == "sweep":
        facts["sweep"] = run_sweep(quick)
        facts["measured_on"] = {"sweep": date.today().isoformat()}
        return facts
    print("1/4 kernel vs reference", flush=True)
    sizes = (1000, 2000) if quick else (1000, 5000, 10000)
    facts["compare"] = [_child("compare", n=n, weeks=52,
                               repeats=1 if (quick or n >= 10000) else 3) for n in sizes]
    for row in facts["compare"]:
        print(f"  {row['n']:>7} actors x 52 weeks: kernel {row['kernel_s']:.3f} s, "
              f"reference {row['reference_s']:.2f} s, ratio {row['ratio']:.0f}x", flush=True)
    print("2/4 scaling", flush=True)
    plan = ((10_000, 52), (30_000, 52)) if quick else \
        ((10_000, 104), (30_000, 104), (100_000, 104), (300_000, 104), (1_000_000, 520))
    facts["scale"] = []
    for n, weeks in plan:
        row = _child("scale", n=n, weeks=weeks, repeats=1 if (quick or n >= 300_000) else 3)
        facts["scale"].append(row)
        print(f"  {n:>9} actors x {weeks} weeks: init {row['init_s']:.1f} s, run "
              f"{row['run_s']:.1f} s, {row['actor_weeks_per_s'] / 1e6:.1f} M actor-weeks/s, "
              f"peak {row['peak_mb']:.0f} MB", flush=True)
    print("   ties and memberships at 100,000 actors", flush=True)
    n_struct, w_struct = (10_000, 26) if quick else (100_000, 52)
    facts["structure"] = []
    for params in STRUCTURE:
        row = _child("scale", n=n_struct, weeks=w_struct, repeats=1 if quick else 3,
                     params=params)
        facts["structure"].append(row)
        print(f"  {params}: {row['run_s'] / w_struct * 1e3:.1f} ms/week, {row['ties']:,} ties, "
              f"{row['memberships_mean']:,.0f} memberships", flush=True)
    print("3/4 cold and warm start", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        cold = _child("start", env=env)
        warm = [_child("start", env=env) for _ in range(3)]
    facts["start"] = {"cold": cold, "warm": sorted(warm, key=lambda x: x["total_s"])[1]}
    print(f"  cold {cold['total_s']:.1f} s, warm {facts['start']['warm']['total_s']:.2f} s")
    print("4/4 ", end="", flush=True)
    facts["sweep"] = run_sweep(quick)
    facts["measured_on"] = {name: date.today().isoformat() for name in SECTIONS if name in facts}
    return facts


def figure(facts: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    panels = 3 if facts.get("structure") else 2
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4.2), layout="constrained")
    ax1, ax2 = axes[0], axes[1]
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
    if panels == 3:
        _structure_panel(axes[2], facts["structure"])
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    plt.close(fig)


def structure_series(rows: list[dict]) -> dict[str, tuple[list[float], list[float]]]:
    """(size, seconds per week) of the ties series (network density varied) and of the
    memberships series (slots and search rate varied, with the default run), each relative
    to the default run (network density 1)."""
    base = next(r for r in rows if r["params"] == {"network_density": 1.0})
    week = base["run_s"] / base["weeks"]
    ties = [r for r in rows if "network_density" in r["params"]]
    held = [base, *(r for r in rows if "max_memberships" in r["params"])]
    return {
        "ties": ([r["ties"] / base["ties"] for r in ties],
                 [r["run_s"] / r["weeks"] / week for r in ties]),
        "memberships": ([r["memberships_mean"] / base["memberships_mean"] for r in held],
                        [r["run_s"] / r["weeks"] / week for r in held]),
    }


def _structure_panel(ax, rows: list[dict]) -> None:
    """Relative cost per week against relative ties and memberships, log-log."""
    import numpy as np

    series = structure_series(rows)
    for (name, (x, y)), colour in zip(series.items(), ("#009E73", "#CC79A7"), strict=True):
        order = np.argsort(x)
        ax.loglog(np.array(x)[order], np.array(y)[order], "o-", color=colour,
                  label=f"{name} varied")
    lo = min(min(x) for x, _ in series.values())
    hi = max(max(x) for x, _ in series.values())
    ax.loglog([lo, hi], [lo, hi], "--", color="0.5", label="linear")
    ax.set_xlabel(f"ties or memberships, relative to the default ({rows[0]['n']:,} actors)")
    ax.set_ylabel("cost per week, relative to the default")
    ax.set_title("Cost with ties and memberships")
    ax.legend()
    ax.grid(alpha=0.3, which="both")


def slope(x, y) -> float:
    """Least-squares slope of log y against log x (1 = linear growth)."""
    import numpy as np

    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def _measured_on(facts: dict) -> str:
    """When each section was measured (sections of ``--only`` runs may differ)."""
    dates = facts.get("measured_on") or {}
    if not dates:
        return "Measured before the benchmark recorded dates."
    if len(set(dates.values())) == 1:
        return f"Measured on {next(iter(dates.values()))}."
    return "Measured on " + ", ".join(f"{d} ({name})" for name, d in dates.items()) + "."


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
        f"{_measured_on(facts)} This machine's speed also changes from one day to the next, "
        "by more than most changes of the code: on 6 December 2026 it ran the code of "
        "`40d3860` 1.6 times as fast as in the session before (71.5 against 115.5 ms a run of "
        "the Sobol study's design, both timed by `scripts/ab.py`). A target met here on one "
        "day may be missed on another; the effect of a change of the code is measured by "
        "pairing its runs with the old code's (`scripts/ab.py`).",
        "",
    ]
    if "compare" in facts and "scale" in facts:
        lines += [f"![performance](figures/{figure_name})", ""]
    if "compare" in facts:
        lines += ["## Numba kernel vs readable reference (same parameters and seed, 52 weeks)",
                  "", "| actors | kernel (s) | reference (s) | speed ratio |",
                  "|---:|---:|---:|---:|"]
        for c in facts["compare"]:
            lines.append(f"| {c['n']:,} | {c['kernel_s']:.3f} | {c['reference_s']:.2f} | "
                         f"{c['ratio']:.0f}× |")
        lines.append("")
    if "compare" in facts and "scale" in facts and "start" in facts:
        lines += _target_lines(facts)
    if "scale" in facts:
        lines += _scale_lines(facts)
    if facts.get("structure"):
        lines += _structure_lines(facts)
    if "start" in facts:
        lines += _start_lines(facts)
    if "sweep" in facts:
        lines += _sweep_lines(facts["sweep"])
    wall = f"Benchmark wall time: {facts['wall_s'] / 60:.1f} min. " if "wall_s" in facts else ""
    lines += [f"{wall}Machine: {facts['machine']['cpus']} CPUs, "
              f"{facts['machine']['numba_threads']} Numba threads, Python "
              f"{facts['machine']['python']}"
              + (f", {facts['machine']['cpu']}" if facts['machine'].get('cpu') else "")
              + ".", ""]
    return "\n".join(lines)


def _scale_lines(facts: dict) -> list[str]:
    lines = ["## Scaling", "",
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
    return [*lines, ""]


def _target_lines(facts: dict) -> list[str]:
    """The performance issue's targets against the measured figures."""
    ratio = facts["compare"][-1]
    top = facts["scale"][-1]
    big = [r for r in facts["scale"] if r["n"] >= 100_000] or facts["scale"]  # --quick: small
    exponent = slope([r["n"] for r in big], [r["run_s"] / r["weeks"] for r in big])
    warm = facts["start"]["warm"]["total_s"]
    rows = [
        (f"kernel vs reference at {ratio['n']:,} actors", "≥ 100×", f"{ratio['ratio']:.0f}×",
         ratio["ratio"] >= 100),
        (f"{top['n']:,} actors × {top['weeks']} weeks", "< 60 s", f"{top['run_s']:.0f} s "
         f"(+ {top['init_s']:.1f} s to build)", top["run_s"] < 60),
        ("peak memory at that size", "< 2 GiB", f"{top['peak_mb']:,.0f} MB",
         top["peak_mb"] < 2048),
        ("actor-weeks per second at that size", "≥ 10 M",
         f"{top['actor_weeks_per_s'] / 1e6:.1f} M", top["actor_weeks_per_s"] >= 1e7),
        ("growth of the cost per week with actors (log-log slope, ≥ 100,000 actors)", "≈ 1",
         f"{exponent:.2f}", exponent < 1.15),
        ("first step of a new process, warm cache", "< 3 s", f"{warm:.2f} s", warm < 3),
    ]
    if facts.get("structure"):
        for name, (x, y) in structure_series(facts["structure"]).items():
            e = slope(x, y)
            rows.append((f"growth of the cost per week with {name} (log-log slope)", "≤ 1",
                         f"{e:.2f}", e < 1.15))
    if "sweep" in facts:
        sw = facts["sweep"]
        proj = sw.get("projection_study_s")
        if proj is not None:
            rows.append((f"the {sw['study_runs']:,} runs of the `{sw['study']}` study "
                         f"(projected from {sw['cases'][-1]['runs']} runs of its design)",
                         "< 20 min", f"{proj / 60:.0f} min", proj < 1200))
    lines = ["## Targets", "", "| target | wanted | measured | met |", "|---|---|---|---|"]
    lines += [f"| {name} | {want} | {got} | {'yes' if ok else '**no**'} |"
              for name, want, got, ok in rows]
    return [*lines, ""]


def _structure_lines(facts: dict) -> list[str]:
    rows = facts["structure"]
    lines = [f"## Cost with ties and memberships ({rows[0]['n']:,} actors, "
             f"{rows[0]['weeks']} weeks)", "",
             "| settings | ties | mean memberships | ms per week |", "|---|---:|---:|---:|"]
    for r in rows:
        name = ", ".join(f"{k} = {v}" for k, v in r["params"].items())
        lines.append(f"| {name} | {r['ties']:,} | {r['memberships_mean']:,.0f} | "
                     f"{1000 * r['run_s'] / r['weeks']:.1f} |")
    return [*lines, ""]


def _start_lines(facts: dict) -> list[str]:
    cold, warm = facts["start"]["cold"], facts["start"]["warm"]
    return ["## Start of a new process (import + building 1,000 actors + first week)", "",
            "| Numba cache | import (s) | first step (s) | total (s) |", "|---|---:|---:|---:|",
            f"| empty (compiles every kernel) | {cold['import_s']:.1f} | "
            f"{cold['first_step_s']:.1f} | {cold['total_s']:.1f} |",
            f"| warm | {warm['import_s']:.2f} | {warm['first_step_s']:.2f} | "
            f"{warm['total_s']:.2f} |", ""]


def _sweep_lines(sw: dict) -> list[str]:
    bare, cases = sw["bare"], sw["cases"]
    best = cases[0]
    lines = [
        "## Sweep throughput", "",
        f"Runs of the `{sw['size']}` size ({bare['n_actors']:,} actors) over {sw['weeks']} "
        f"weeks of `{sw['scenario']}` (the sensitivity studies' runs; seeds 0, 1, ...) through "
        f"the joblib launcher with {sw['workers']} workers × 1 Numba thread on both cores. "
        f"Bare model (build, run and outcomes in one process, 1 Numba thread, median of "
        f"{bare['runs']}): **{bare['run_s']:.3f} s per run**. Sweep command (in a fresh "
        "directory):", "", f"    {best['command']}", "",
        "*Command* is the whole command (Hydra start, planning and validation, kernels in the "
        "launching process, the shards, collecting `runs.parquet`); *launched* is the shards "
        "alone (worker start, kernel loading, runs, writing); *kernels* the time to compile or "
        "load them in the launching process and then in a worker. Overhead per run = launched "
        "wall × workers / runs − bare model time (with the command's wall in brackets); "
        "*steady* is the same inside the shards' run loops once the workers run (the shards "
        "report their seconds), i.e. what each further run costs beyond the bare model; "
        "*outside the model* is the part of it spent outside building and running the model "
        "(settings, outcomes, storage; the rest of *steady* is the model running slower in the "
        "sweep, two workers sharing the cores); *model in sweep* is the median model time of a "
        "run inside the sweep (`wall_seconds`).", "",
        "| runs | store | Numba cache | runs | command (s) | launched (s) | kernels (s) | "
        "runs/min | overhead per run (ms) | steady (ms) | outside the model (ms) | "
        "model in sweep (s) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in cases:
        cache = "empty (compiles)" if c["cold_cache"] else "warm"
        which = f"`{c['study']}` design" if c.get("study") else "defaults, seeds 0, 1, ..."
        lines.append(f"| {which} | `{c['store']}` | {cache} | {c['runs']} | "
                     f"{c['command_s']:.1f} | "
                     f"{c['launch_s']:.1f} | {c['warm_up_s']:.1f} + "
                     f"{c['worker_warm_up_s']:.1f} | {c['runs_per_min']:.0f} "
                     f"({c['runs_per_min_launch']:.0f} launched) | "
                     f"{1000 * c['overhead_s']:.0f} ({1000 * c['overhead_command_s']:.0f}) | "
                     f"{1000 * c['overhead_steady_s']:.0f} | {1000 * c['outside_model_s']:.1f} "
                     f"| {c['model_in_sweep_s']:.3f} |")
    proj = sw["projection_best_s"]
    floor = sw["study_runs"] * bare["run_s"] / sw["workers"]
    lines += ["", f"Projected wall time of {sw['study_runs']:,} runs at the measured "
              "throughput (warm cache; the command's fixed cost, the workers' start and drawing "
              "a study's design once, planning and the shards' run loops in proportion to the "
              f"runs). At the scenario's defaults: **{proj / 60:.0f} min** ({proj:,.0f} s, "
              f"{sw['study_runs'] / proj:.1f} runs/s); the bare model alone, timed separately "
              f"in one process, would need {floor / 60:.0f} min on {sw['workers']} cores. "
              "Projections of every case: " + ", ".join(
                  f"{k} {v / 60:.0f} min" for k, v in sw["projection_s"].items()) + "."]
    if sw.get("projection_study_s") is not None:
        study = sw["cases"][-1]
        lines += ["", f"The `{sw['study']}` study's design mixes heavier settings than the "
                  "defaults (high search rates and time budgets hold more memberships): its "
                  f"case runs {study['runs']} runs evenly spread over the design's "
                  f"{sw['study_runs']:,} (every parameter row and replicate alike), through the "
                  "study's own sweep command, at "
                  f"{study['model_in_sweep_mean_s']:.3f} s of model time per run on average; "
                  f"projected to the whole study: **{sw['projection_study_s'] / 60:.0f} min** "
                  "with a warm Numba cache, without the analysis (about 20 s). 128 runs of a "
                  "shared machine are a small sample: in November 2026 this projection came out "
                  "4% below, then 14% above, the whole study measured the same day. The "
                  "measured wall time "
                  "of the shipped study is in `experiments/sobol_lockdown/README.md`."]
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["sweep"],
                        help="measure one section; the others are kept from the output "
                        "folder's performance.json")
    parser.add_argument("--out", type=Path, help="output folder (default docs/, with --quick "
                        "results/bench-quick/)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: rewrite performance.md and the figure from the "
                        "output folder's performance.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        print(json.dumps(WORKERS[spec.pop("kind")](**spec)))
        return 0
    out = args.out or (ROOT / "results" / "bench-quick" if args.quick else DOCS)
    out = out.resolve()  # a smoke check stays out of the docs
    t0 = time.perf_counter()
    if args.report_only:
        facts = json.loads((out / "performance.json").read_text())
    else:
        facts = run(args.quick, args.only)
        if args.only:
            old = out / "performance.json"
            kept = json.loads(old.read_text()) if old.is_file() else {}
            facts = {**{k: v for k, v in kept.items() if k in SECTIONS}, **facts,
                     "measured_on": {**kept.get("measured_on", {}), **facts["measured_on"]}}
        else:
            facts["wall_s"] = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    (out / "performance.json").write_text(json.dumps(facts, indent=2))
    if "compare" in facts and "scale" in facts:
        figure(facts, out / "figures" / "performance.png")
    (out / "performance.md").write_text(report(facts, "performance.png"))
    print(f"wrote {out}/performance.md and performance.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
