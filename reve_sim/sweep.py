"""Sweeps: many runs, validated up front, sharded over Hydra jobs, resumable.

How a sweep runs (``reve-sim -m ...`` or ``reve-sim experiment=...``):

1. The sweep is expanded like Hydra's basic sweeper (Cartesian product of comma lists,
   ``range()``, ``glob()``; command-line values replace an experiment's for the same key).
   Every run's config is composed and validated before anything is launched; one bad value
   stops the sweep with the run and the message.
2. The sweep directory is ``<results_dir>/<name>/<timestamp>/``, or ``sweep.dir``. Each sweep
   has a *fingerprint* (a hash of the identities of its runs: validated parameters, seed,
   weeks); running the same sweep again finds the most recent directory under
   ``<results_dir>/<name>/`` with that fingerprint and resumes it (``sweep.resume=false``
   starts a new one).
3. Runs whose ``runs/<run>/outcomes.json`` exists are skipped. The others are split into
   *shards*; each Hydra job runs one shard (never one job per run: a Hydra job costs about
   0.1 s and 4 files, a SLURM job seconds). Numba kernels are compiled or loaded from the
   cache once in the launching process, then once per worker process before its runs.
4. ``sweep.store=runs`` (the default): every run is written atomically as a folder
   (``reve_sim.results.write_run``). ``sweep.store=outcomes``: a shard keeps only each run's
   outcomes and writes them in *batches*, ``outcomes/<attempt>-shard<k>-<pid>-<n>.parquet``
   (every ``sweep.batch_seconds`` and at the shard's end; each file atomically, with the
   provenance and base configs of its runs in its Parquet metadata), which costs about a
   millisecond per run instead of tens. A run counts as complete in either store. A run that
   raises is recorded in ``failed/<run>.json`` and the shard goes on.
5. The collect step writes ``runs.parquet`` (one row per run: parameters, seed, outcomes,
   status; the same columns in both stores) and ``weekly.parquet`` (one row per run and week;
   only runs kept as folders have one), then lists failures and the command that retries them.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import itertools
import json
import math
import os
import re
import shlex
import shutil
import socket
import sys
import threading
import time
import traceback
from collections import OrderedDict
from pathlib import Path

from .cli import (
    GROUPS,
    _key_known,
    check_overrides,
    execute,
    fail,
    plain_config,
    plain_copy,
    run_settings,
    simulate,
    timestamp,
    unique_dir,
    unknown_key_message,
)
from .jit_cache import warm_up
from .parameters import PARAMETERS, ParameterError

SMALL_RUN_SECONDS = 0.3
"""Rough single-core time of a run of 2,000 actors over 156 weeks, writing included (used to
size shards; the time grows a little slower than the number of actors)."""

MAX_SHARDS = 1000
"""At most this many jobs per sweep (SLURM's default MaxArraySize is 1001)."""

SWEEP_LEVEL = ("name", "results_dir", "quiet", "sweep")
"""Settings of the sweep as a whole; they cannot vary across its runs."""

BATCH_DIR = "outcomes"
"""Folder of a sweep's outcome batches (``sweep.store=outcomes``)."""

BATCH_MAX_RUNS = 1000
"""A batch is written after at most this many runs, whatever ``sweep.batch_seconds``."""

PROVENANCE_KEY = b"reve_sim.provenance"
"""Parquet metadata key of a batch's provenance (JSON; read with ``batch_provenance``)."""


# --- expansion and validation -------------------------------------------------------------

def _slug(parts: list[str]) -> str:
    text = ",".join(parts) if parts else "run"
    text = re.sub(r"[^A-Za-z0-9._=,+\-]", "_", text)
    if len(text) > 120:
        text = text[:100] + "-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return text


def run_identity(settings: dict) -> str:
    """Hash of what determines a run's results: validated parameters, seed and weeks, and
    the observations made when not all (so that a run observing all keeps its identity)."""
    facts = {"params": settings["params"], "seed": settings["seed"],
             "weeks": settings["weeks"]}
    if settings.get("observe") is not None:
        facts["observe"] = list(settings["observe"])
    blob = json.dumps(facts, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def fingerprint(run_ids) -> str:
    return hashlib.sha256("\n".join(sorted(run_ids)).encode()).hexdigest()[:12]


def assign(conf: dict, key: str, value, add: bool = False) -> None:
    """Set dotted ``key`` in a plain config; unknown keys are refused (closest suggested)."""
    parts = key.split(".")
    node = conf
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ParameterError(f"{key}: index {part} is out of range.")
            if last:
                node[int(part)] = value
                return
            node = node[int(part)]
            continue
        if not isinstance(node, dict) or (part not in node and not (add and _key_known(key))):
            raise ParameterError(unknown_key_message(key))
        if last:
            node[part] = value
            return
        node = node.setdefault(part, {})


def _conf_for(run: dict, bases: dict) -> dict:
    if run.get("conf") is not None:
        return plain_copy(run["conf"])
    conf = plain_copy(bases[run["base"]])
    for key, (value, add) in run["set"].items():
        assign(conf, key, value, add)
    return conf


class Expansion:
    """The runs of a sweep, each composed and validated."""

    def __init__(self, overrides: list[str], compose, loader=None):
        """``compose(list_of_override_strings) -> resolved plain config`` (Hydra);
        ``loader``: Hydra's config loader, to expand ``glob()``."""
        from hydra.core.override_parser.overrides_parser import OverridesParser

        self.compose = compose
        self.loader = loader
        self._parser = OverridesParser.create()
        self.axes: OrderedDict[str, list[str]] = OrderedDict()
        self._parse_axes(overrides)
        self.swept = [k for k, v in self.axes.items() if len(v) > 1]
        self.bases: dict[str, dict] = {}
        self._base_keys: dict[tuple, str] = {}
        self._parsed: dict[str, object] = {}
        self.runs: list[dict] = []

    def _parse_axes(self, overrides: list[str]) -> None:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        parser = OverridesParser.create(config_loader=self.loader)
        for o in parser.parse_overrides(overrides):
            key = o.get_key_element()
            if o.is_hydra_override():
                raise ParameterError(f"'{o.input_line}': Hydra settings cannot vary across runs.")
            if o.is_sweep_override():
                if not o.is_discrete_sweep():
                    raise ParameterError(f"'{o.input_line}': only lists, range() and glob() "
                                         "can be swept (no intervals).")
                values = [f"{key}={v}" for v in o.sweep_string_iterator()]
                if not values:
                    raise ParameterError(f"'{o.input_line}' gives no value to sweep over.")
            else:
                values = [f"{key}={o.get_value_element_as_str()}"]
            self.axes.pop(key, None)  # a later value for the same key replaces the earlier
            self.axes[key] = values
        for key, values in self.axes.items():
            if len(values) > 1 and key.lstrip("+~").split(".")[0] in SWEEP_LEVEL:
                raise ParameterError(f"'{key}' is a setting of the whole sweep; it cannot take "
                                     f"several values ({len(values)} given).")
            if len(values) > 1 and key == "experiment":
                raise ParameterError("Run one experiment at a time: reve-sim experiment=NAME.")

    def _override(self, text: str):
        if text not in self._parsed:
            self._parsed[text] = self._parser.parse_override(text)
        return self._parsed[text]

    def _base(self, group_strs: tuple[str, ...]) -> str:
        if group_strs not in self._base_keys:
            key = f"b{len(self._base_keys)}"
            self.bases[key] = self.compose(list(group_strs))
            self._base_keys[group_strs] = key
        return self._base_keys[group_strs]

    def expand(self) -> list[dict]:
        axes = list(self.axes.items())
        for combo in itertools.product(*[values for _, values in axes]):
            self.runs.append(self._run(combo, [k for k, _ in axes]))
        return self.runs

    def expand_design(self, path: str | Path) -> list[dict]:
        """The runs of a *design file* (``sweep.design=FILE``, written by ``reve-sim-sa``):
        ``{"runs": [{"run": NAME, "condition": TEXT, "set": {KEY: VALUE}}, ...]}``, each run
        set over the one base config of the command line (which must not sweep itself)."""
        if self.swept:
            raise ParameterError(f"sweep.design lists the runs; do not also sweep "
                                 f"{', '.join(self.swept)}.")
        try:
            rows = json.loads(Path(path).read_text())["runs"]
        except (OSError, ValueError, KeyError) as err:
            raise ParameterError(f"sweep.design = {str(path)!r}: cannot read its runs "
                                 f"({type(err).__name__}: {err}).") from None
        groups, values = [], {}
        for key, (text,) in self.axes.items():
            o = self._override(text)
            if o.key_or_group in GROUPS or key.startswith("scenario."):
                groups.append(text)
            elif not key.startswith("sweep."):
                values[o.key_or_group] = (o.value(), o.is_add() or o.is_force_add())
        base = self._base(tuple(groups))
        for row in rows:
            conf = plain_copy(self.bases[base])
            values_row = {**values, **{k: (v, False) for k, v in row["set"].items()}}
            try:
                for key, (value, add) in values_row.items():
                    assign(conf, key, value, add)
                settings = run_settings(conf)
            except ParameterError as err:
                raise ParameterError(f"In design run {row['run']}: {err}") from None
            self.runs.append({
                "run": _slug([row["run"]]), "run_id": run_identity(settings),
                "condition": row.get("condition", row["run"]), "scenario": settings["scenario"],
                "seed": settings["seed"], "weeks": settings["weeks"],
                "n_actors": settings["params"]["n_actors"],
                "overrides": {k: str(v) for k, v in row["set"].items()}, "base": base,
                "set": values_row, "conf": None, "lang": conf.get("lang", "en"),
                "figures": conf.get("figures")})
        return self.runs

    def _run(self, combo: tuple[str, ...], keys: list[str]) -> dict:
        groups, scenario_strs, values = [], [], {}
        for text in combo:
            o = self._override(text)
            name = o.key_or_group
            if name in GROUPS:
                groups.append(text)
            elif o.is_delete():
                raise ParameterError(f"'{text}': keys cannot be removed.")
            elif name.startswith("scenario."):
                scenario_strs.append(text)
            else:
                values[name] = (o.value(), o.is_add() or o.is_force_add())
        label = [t for k, t in zip(keys, combo, strict=True) if k in self.swept]
        slug = _slug(label)
        where = " ".join(label) or "the run"
        try:
            if scenario_strs:  # they change interpolated values: compose the whole config
                conf = self.compose(groups + scenario_strs)
                base = None
            else:
                base = self._base(tuple(groups))
                conf = plain_copy(self.bases[base])
            for key, (value, add) in values.items():
                assign(conf, key, value, add)
            settings = run_settings(conf)
        except ParameterError as err:
            raise ParameterError(f"In {where}: {err}") from None
        if settings["seed"] is None:
            raise ParameterError(f"In {where}: seed = null draws a random seed; a sweep needs "
                                 "explicit seeds, e.g. 'seed=range(10)'.")
        condition = " ".join(t for k, t in zip(keys, combo, strict=True)
                             if k in self.swept and k != "seed") or "all"
        return {"run": slug, "run_id": run_identity(settings), "condition": condition,
                "scenario": settings["scenario"], "seed": settings["seed"],
                "weeks": settings["weeks"], "n_actors": settings["params"]["n_actors"],
                "overrides": {k: t.split("=", 1)[1] for k, t in zip(keys, combo, strict=True)
                              if k in self.swept},
                "base": base, "set": values, "conf": conf if base is None else None,
                "lang": conf.get("lang", "en"), "figures": conf.get("figures")}


# --- sweep directory, manifest, shards ----------------------------------------------------

def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    os.replace(tmp, path)


def find_sweep_dir(parent: Path, fp: str) -> Path | None:
    """The most recent sweep directory under ``parent`` with fingerprint ``fp``."""
    found = []
    for manifest in parent.glob("*/sweep.json"):
        try:
            data = json.loads(manifest.read_text())
        except (OSError, ValueError):
            continue
        if data.get("fingerprint") == fp:
            found.append(manifest.parent)
    return max(found, key=lambda p: p.name) if found else None


def complete(run_dir: Path) -> bool:
    return (run_dir / "outcomes.json").is_file()


def stored_run_id(run_dir: Path) -> str | None:
    try:
        return json.loads((run_dir / "provenance.json").read_text()).get("run_id")
    except (OSError, ValueError):
        return None


def batch_files(sweep_dir: Path) -> list[Path]:
    """The finished outcome batches of a sweep (temporary files being written are not)."""
    folder = Path(sweep_dir) / BATCH_DIR
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith(".")) \
        if folder.is_dir() else []


def batch_provenance(path: Path) -> dict:
    """Provenance of an outcome batch: versions, git commit, base configs, seeds, shard."""
    import pyarrow.parquet as pq

    return json.loads(pq.read_schema(path).metadata[PROVENANCE_KEY])


class Stored:
    """The complete runs of a sweep directory: run folders (``runs/<run>/``) and rows of
    outcome batches (``outcomes/*.parquet``); batch files are read once and remembered."""

    def __init__(self, sweep_dir: Path):
        self.dir = Path(sweep_dir)
        self._read: set[str] = set()  # batch files read (a batch file never changes)
        self._ids: dict[str, str] = {}  # run -> run_id, over the batch files read

    def batched(self) -> dict[str, str]:
        """run -> run_id of every run in a finished batch (only new batch files are read:
        the progress bar asks twice a second)."""
        import pyarrow.parquet as pq

        for path in batch_files(self.dir):
            if path.name not in self._read:
                t = pq.read_table(path, columns=["run", "run_id"])
                self._ids.update(zip(t["run"].to_pylist(), t["run_id"].to_pylist(),
                                     strict=True))
                self._read.add(path.name)
        return self._ids

    def finished(self, names, folders: bool = True) -> dict[str, str | None]:
        """run -> stored run_id of the runs among ``names`` that are complete (in a batch, or
        with ``folders`` as a complete run folder)."""
        batched = self.batched()
        out = {}
        for name in names:
            if name in batched:
                out[name] = batched[name]
            elif folders and complete(self.dir / "runs" / name):
                out[name] = stored_run_id(self.dir / "runs" / name)
        return out

    def rows(self) -> dict[str, dict]:
        """run -> its row (as ``collect`` writes it, plus ``run_id``) of every batched run."""
        import pyarrow.parquet as pq

        out = {}
        for path in batch_files(self.dir):
            for row in pq.read_table(path).to_pylist():
                out[row["run"]] = row
        return out


def launcher_workers(launcher_cfg, n_cpus: int) -> tuple[str, int, int, float]:
    """(kind, parallel workers, Numba threads per worker, least seconds of work per shard)."""
    target = str(launcher_cfg.get("_target_", ""))
    if "Joblib" in target:
        n = launcher_cfg.get("n_jobs") or -1
        workers = max(1, n if n > 0 else n_cpus + 1 + n)
        return "joblib", workers, max(1, n_cpus // workers), 2.0
    if target.endswith("SlurmLauncher"):
        cpus = launcher_cfg.get("cpus_per_task") or 1
        return "slurm", int(launcher_cfg.get("array_parallelism") or 256), int(cpus), 60.0
    if target.endswith("LocalLauncher"):  # submitit_local: every job at once
        return "submitit_local", n_cpus, 1, 30.0
    return "basic", 1, n_cpus, 2.0


def shard_count(n_runs: int, workers: int, run_seconds: float, min_seconds: float,
                runs_per_shard: int | None) -> int:
    if n_runs == 0:
        return 0
    if runs_per_shard:
        return min(MAX_SHARDS, math.ceil(n_runs / runs_per_shard))
    by_work = max(1, int(n_runs * run_seconds / min_seconds))
    return max(1, min(n_runs, 4 * workers, MAX_SHARDS, by_work))


def estimated_seconds(run: dict) -> float:
    return SMALL_RUN_SECONDS * (run["n_actors"] / 2000) ** 0.8 * max(run["weeks"], 1) / 156


def split_shards(indices: list[int], n_shards: int, runs: list[dict]) -> list[list[int]]:
    """Balance shards by estimated work (largest runs first, each to the lightest shard)."""
    shards: list[list[int]] = [[] for _ in range(n_shards)]
    load = [0.0] * n_shards
    for i in sorted(indices, key=lambda i: -estimated_seconds(runs[i])):
        k = min(range(n_shards), key=load.__getitem__)
        shards[k].append(i)
        load[k] += estimated_seconds(runs[i])
    return [sorted(s) for s in shards if s]


# --- the sweep in the launching process ---------------------------------------------------

class _Progress:
    """A progress bar of runs finished, fed by watching the run folders or the outcome
    batches, and the failure records written since it started (any launcher)."""

    def __init__(self, sweep_dir: Path, runs: list[dict], name: str, quiet: bool,
                 store: str = "runs"):
        from tqdm import tqdm

        self.left = {r["run"] for r in runs}
        self.stored = Stored(sweep_dir)
        self.folders = store == "runs"
        self.failed = sweep_dir / "failed"
        self.since = time.time() - 1
        self.bar = tqdm(total=len(runs), unit="run", desc=name, disable=quiet,
                        file=sys.stderr, smoothing=0.1)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _poll(self) -> None:
        done = set(self.stored.finished(self.left, folders=self.folders))
        for record in self.failed.glob("*.json"):
            with contextlib.suppress(OSError):
                if record.stem in self.left and record.stat().st_mtime >= self.since:
                    done.add(record.stem)
        self.left -= done
        if done:
            self.bar.update(len(done))

    def _watch(self) -> None:
        while not self.stop.wait(0.5):
            self._poll()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self._poll()
        self.bar.close()


def _quote(text: str) -> str:
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


class HydraSweep:
    """One sweep, driven by the reve sweeper plugin in the launching process."""

    def __init__(self, config, hydra_context, task_function, params: dict):
        self.config = config
        self.hydra_context = hydra_context
        self.task_function = task_function
        self.params = params

    def _compose(self, overrides: list[str]) -> dict:
        from hydra.errors import HydraException, MissingConfigException

        try:
            cfg = self.hydra_context.config_loader.load_sweep_config(self.config, overrides)
        except MissingConfigException as err:
            raise ParameterError(str(err).splitlines()[0]) from None
        except HydraException as err:
            raise ParameterError(f"{' '.join(overrides)}: {err}") from None
        return plain_config(cfg)

    def run(self, arguments: list[str]):
        overrides = [f"{k}={v}" for k, v in self.params.items()] + arguments
        master = None
        try:
            check_overrides(overrides)
            master = plain_config(self.config)
            tic = time.perf_counter()
            expansion = Expansion(overrides, self._compose, self.hydra_context.config_loader)
            design = (master.get("sweep") or {}).get("design")
            runs = expansion.expand_design(design) if design else expansion.expand()
        except ParameterError as err:
            fail(f"{err}\nNothing was launched.")
        quiet = bool(master.get("quiet"))
        settings = master.get("sweep") or {}
        name = master.get("name") or "sweep"
        fp = fingerprint(r["run_id"] for r in runs)
        sweep_dir = self._sweep_dir(master, name, fp)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        lock = open(sweep_dir / ".lock", "w")  # noqa: SIM115 (held until the sweep ends)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fail(f"Another reve-sim sweep is running in {sweep_dir}; wait for it to end.")
        try:
            return self._run(master, name, fp, sweep_dir, expansion, runs, settings, quiet,
                             time.perf_counter() - tic)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

    def _sweep_dir(self, master: dict, name: str, fp: str) -> Path:
        settings = master.get("sweep") or {}
        if settings.get("dir"):
            return Path(settings["dir"])
        parent = Path(master.get("results_dir") or "results") / name
        if settings.get("resume", True):
            found = find_sweep_dir(parent, fp)
            if found is not None:
                return found
        parent.mkdir(parents=True, exist_ok=True)
        return unique_dir(parent, timestamp())

    def _run(self, master, name, fp, sweep_dir, expansion, runs, settings, quiet, t_plan):
        runs_dir = sweep_dir / "runs"
        store = settings.get("store") or "runs"
        if store == "runs":
            runs_dir.mkdir(exist_ok=True)
        done = Stored(sweep_dir).finished(r["run"] for r in runs)
        mismatched = [r["run"] for r in runs if r["run"] in done
                      and done[r["run"]] != r["run_id"]]
        if mismatched:
            fail(f"{sweep_dir} already holds results with other parameters under the same run "
                 f"names ({', '.join(mismatched[:3])}{', ...' if len(mismatched) > 3 else ''})."
                 " Give another sweep.dir. Nothing was launched.")
        command = shlex.join(["reve-sim", *sys.argv[1:]])
        manifest = {"name": name, "fingerprint": fp, "command": command, "store": store,
                    "swept": expansion.swept, "n_runs": len(runs),
                    "runs": [{k: r[k] for k in ("run", "run_id", "condition", "scenario", "seed",
                                                "weeks", "n_actors", "overrides")}
                             for r in runs]}
        old = sweep_dir / "sweep.json"
        if old.is_file():
            with contextlib.suppress(OSError, ValueError):
                manifest["created"] = json.loads(old.read_text()).get("created")
        manifest["created"] = manifest.get("created") or timestamp()
        _write_json(old, manifest)
        pending = [i for i, r in enumerate(runs) if r["run"] not in done]
        print(f"Sweep {name!r}: {len(runs)} runs validated in {t_plan:.1f} s; "
              f"{len(runs) - len(pending)} already complete, {len(pending)} to run.\n"
              f"Sweep directory: {sweep_dir}", flush=True)
        crashed: list[str] = []
        wall = 0.0
        if pending:
            crashed, wall = self._launch(master, name, sweep_dir, expansion, runs, pending,
                                         settings, quiet)
        for partial in runs_dir.glob(".*.partial-*"):  # left by runs killed half-way
            shutil.rmtree(partial, ignore_errors=True)
        for partial in (sweep_dir / BATCH_DIR).glob(".*.tmp-*"):  # batches killed half-way
            partial.unlink(missing_ok=True)
        summary = collect(sweep_dir)
        report(sweep_dir, summary, command, crashed, wall, ran=len(pending),
               explicit=bool(settings.get("dir")))
        if summary["failed"] or summary["missing"]:
            sys.exit(1)
        return summary

    def _launch(self, master, name, sweep_dir, expansion, runs, pending, settings, quiet):
        from hydra.core.plugins import Plugins
        from omegaconf import OmegaConf, open_dict

        kind, workers, threads, min_seconds = launcher_workers(self.config.hydra.launcher,
                                                               os.cpu_count() or 1)
        threads = settings.get("threads_per_worker") or threads
        run_seconds = sum(estimated_seconds(runs[i]) for i in pending) / len(pending)
        n_shards = shard_count(len(pending), workers, run_seconds, min_seconds,
                               settings.get("runs_per_shard"))
        shards = split_shards(pending, n_shards, runs)
        attempt = unique_dir(sweep_dir / "attempts", timestamp())
        attempt.mkdir(parents=True)
        plan = {"sweep_dir": str(sweep_dir.resolve()), "fingerprint": fingerprint(
            r["run_id"] for r in runs), "threads": threads, "attempt": attempt.name,
            "store": settings.get("store") or "runs",
            "batch_seconds": settings.get("batch_seconds", 30), "bases": expansion.bases,
            "runs": runs, "shards": shards}
        plan_path = attempt / "plan.json"
        _write_json(plan_path, plan)
        warm = warm_up()
        print(f"{len(pending)} runs in {len(shards)} shards on {kind} ({workers} parallel "
              f"worker{'s' if workers > 1 else ''}, {threads} Numba thread"
              f"{'s' if threads > 1 else ''} each); kernels ready in {warm:.1f} s.", flush=True)
        with open_dict(self.config):
            self.config.hydra.sweep.dir = str(attempt.resolve())
        OmegaConf.save(self.config, attempt / "multirun.yaml")
        launcher = Plugins.instance().instantiate_launcher(
            hydra_context=self.hydra_context, task_function=self.task_function,
            config=self.config)
        jobs = [[f"hydra.sweep.dir={_quote(attempt.resolve())}",
                 f"sweep.plan={_quote(plan_path.resolve())}", f"sweep.shard={k}"]
                for k in range(len(shards))]
        crashed = []
        start = time.perf_counter()
        with _Progress(sweep_dir, [runs[i] for i in pending], name, quiet, plan["store"]):
            try:
                returns = launcher.launch(jobs, initial_job_idx=0)
            except Exception as err:  # a worker died or the scheduler failed
                crashed.append(f"the launcher stopped: {type(err).__name__}: {err}")
                returns = []
            for k, ret in enumerate(returns):
                if ret.status.name != "COMPLETED":
                    crashed.append(f"shard {k} stopped: {ret._return_value!r}")
        wall = time.perf_counter() - start
        # what each shard did and how long its runs took (after its worker loaded the kernels)
        _write_json(attempt / "shards.json", {"wall_seconds": round(wall, 3), "workers": workers,
                                              "shards": [r._return_value for r in returns
                                                         if r.status.name == "COMPLETED"]})
        return crashed, wall


# --- inside a job: one shard ---------------------------------------------------------------

_PLANS: dict[str, dict] = {}


def run_shard_job(cfg) -> dict:
    """Hydra task of a sweep job: run the runs of shard ``cfg.sweep.shard`` of the plan."""
    import numba

    path = str(cfg.sweep.plan)
    if path not in _PLANS:
        _PLANS.clear()
        _PLANS[path] = json.loads(Path(path).read_text())
    plan = _PLANS[path]
    shard = int(cfg.sweep.shard)
    numba.set_num_threads(max(1, min(int(plan["threads"]), numba.config.NUMBA_NUM_THREADS)))
    warm = warm_up()
    # What the imports and the plan made stays to the end: frozen, the collector no longer
    # traverses its half-million objects while the runs' garbage is collected (a millisecond
    # a run); collected first, so that no garbage of an earlier shard is frozen with it.
    gc.collect()
    gc.freeze()
    sweep_dir = Path(plan["sweep_dir"])
    counts = {"shard": shard, "done": 0, "failed": 0, "skipped": 0, "warm_up_s": warm,
              "pid": os.getpid(), "host": socket.gethostname()}
    start = time.perf_counter()
    runs = [plan["runs"][i] for i in plan["shards"][shard]]
    batches = None
    if plan.get("store") == "outcomes":
        batches = OutcomeBatches(sweep_dir, plan, shard)
        batches.done = set(Stored(sweep_dir).finished(r["run"] for r in runs))
    try:
        for run in runs:
            counts[run_one(run, plan, sweep_dir, shard, batches)] += 1
    finally:
        if batches is not None:
            batches.flush()
    counts["seconds"] = round(time.perf_counter() - start, 3)
    return counts


def planned_settings(run: dict, bases: dict) -> tuple[dict, dict]:
    """The config and validated settings of a planned run (its base config with its own
    values set: no composition); refuses a run whose parameters changed since planning."""
    conf = _conf_for(run, bases)
    settings = run_settings(conf)
    if run_identity(settings) != run["run_id"]:
        raise RuntimeError("the run's parameters changed since the sweep was planned")
    return conf, settings


def run_one(run: dict, plan: dict, sweep_dir: Path, shard: int,
            batches: OutcomeBatches | None = None) -> str:
    """Run one planned run into its folder, or (``batches``) into the shard's next batch."""
    target = sweep_dir / "runs" / run["run"]
    failed = sweep_dir / "failed" / f"{run['run']}.json"
    if complete(target) or (batches is not None and run["run"] in batches.done):
        return "skipped"
    if batches is None and target.exists():  # incomplete leftovers never look complete
        shutil.rmtree(target, ignore_errors=True)
    try:
        conf, settings = planned_settings(run, plan["bases"])
        if batches is not None:
            batches.add(run, *simulate(settings))
        else:
            execute(conf, settings, target, figures=run.get("figures") is True,
                    lang=run.get("lang") or "en", progress=False,
                    extra={"run": run["run"], "run_id": run["run_id"],
                           "sweep": plan["fingerprint"], "shard": shard,
                           "host": socket.gethostname()})
    except Exception as err:
        if complete(target):  # another job wrote it meanwhile
            return "skipped"
        failed.parent.mkdir(exist_ok=True)
        _write_json(failed, {"run": run["run"], "run_id": run["run_id"],
                             "overrides": run["overrides"], "error": f"{type(err).__name__}: "
                             f"{err}", "traceback": traceback.format_exc(), "shard": shard,
                             "host": socket.gethostname(), "time": timestamp()})
        return "failed"
    if batches is None:  # a batched run's old failure record goes when its batch is written
        failed.unlink(missing_ok=True)
    return "done"


_FACTS: dict | None = None


def _process_facts() -> dict:
    """Provenance of this process (versions, git commit), computed once."""
    global _FACTS
    if _FACTS is None:
        from .provenance import provenance

        _FACTS = {k: v for k, v in provenance(0).items() if k not in ("seed", "created")}
    return _FACTS


class OutcomeBatches:
    """The finished runs of a shard (``sweep.store=outcomes``): one row each, written to
    ``outcomes/`` every ``batch_seconds`` (at most BATCH_MAX_RUNS rows) and at the end.

    A batch is written to a hidden temporary file and renamed into place, so a batch
    interrupted half-way never looks finished; its runs are simply run again on resume.
    """

    def __init__(self, sweep_dir: Path, plan: dict, shard: int):
        self.dir = Path(sweep_dir) / BATCH_DIR
        self.dir.mkdir(exist_ok=True)
        self.failed = Path(sweep_dir) / "failed"
        self.plan, self.shard = plan, shard
        self.seconds = float(plan.get("batch_seconds", 30))
        self.stem = f"{plan.get('attempt', timestamp())}-shard{shard:04d}-{os.getpid()}"
        self.done: set[str] = set()
        self.rows: list[dict] = []
        self.runs: list[dict] = []
        self.count = 0
        self.last = time.monotonic()

    def add(self, run: dict, model, wall: float) -> None:
        row = run_row(run, model.params, model.summary(), round(wall, 3))
        self.rows.append({**row, "run_id": run["run_id"]})
        self.runs.append(run)
        if (len(self.rows) >= BATCH_MAX_RUNS
                or time.monotonic() - self.last >= self.seconds):
            self.flush()

    def _facts(self) -> dict:
        """Provenance of the batch: this process's versions and commit, the base configs, the
        values every run set on them, and each run's own values (its config is its base with
        ``set`` and its ``runs`` entry applied, or its entry in ``configs``)."""
        values = [{k: v[0] for k, v in r["set"].items()} for r in self.runs]
        common = {k: v for k, v in values[0].items() if all(
            k in other and other[k] == v for other in values)}
        bases = sorted({r["base"] for r in self.runs if r.get("base") is not None})
        return {**_process_facts(), "written": timestamp(), "sweep": self.plan["fingerprint"],
                "attempt": self.plan.get("attempt"), "shard": self.shard,
                "host": socket.gethostname(), "pid": os.getpid(),
                "seeds": sorted({int(r["seed"]) for r in self.runs}),
                "bases": {k: self.plan["bases"][k] for k in bases}, "set": common,
                "runs": {r["run"]: {"base": r.get("base"), "set": {
                    k: v for k, v in own.items() if k not in common}}
                    for r, own in zip(self.runs, values, strict=True)},
                "configs": {r["run"]: r["conf"] for r in self.runs if r.get("conf")}}

    def flush(self) -> Path | None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.last = time.monotonic()
        if not self.rows:
            return None
        table = pa.Table.from_pylist(self.rows).replace_schema_metadata(
            {PROVENANCE_KEY: json.dumps(self._facts(), default=str)})
        path = self.dir / f"{self.stem}-{self.count:05d}.parquet"
        while path.exists():
            self.count += 1
            path = self.dir / f"{self.stem}-{self.count:05d}.parquet"
        tmp = self.dir / f".{path.name}.tmp-{os.getpid()}"
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        for row in self.rows:
            self.done.add(row["run"])
            (self.failed / f"{row['run']}.json").unlink(missing_ok=True)
        self.rows, self.runs = [], []
        self.count += 1
        return path


# --- collect -------------------------------------------------------------------------------

PARAMETER_COLUMNS = [*PARAMETERS, "start_date"]


def _number(value):
    """An outcome as stored: a missing or non-finite value is NaN (as JSON would make it)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return math.nan
    return value


def run_row(run: dict, params: dict, outcomes: dict, wall_seconds) -> dict:
    """The ``runs.parquet`` row of a complete run (both stores build it here)."""
    row = {"run": run["run"], "condition": run["condition"], "scenario": run["scenario"],
           "seed": run["seed"], "weeks": run["weeks"], "status": "complete", "error": None,
           "wall_seconds": wall_seconds}
    row.update({k: params.get(k) for k in PARAMETER_COLUMNS})
    row.update({k: _number(v) for k, v in outcomes.items() if k not in ("seed", "weeks")})
    return row


def collect(sweep_dir: Path) -> dict:
    """Write ``runs.parquet`` and ``weekly.parquet`` of a sweep; counts by status."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    sweep_dir = Path(sweep_dir)
    manifest = json.loads((sweep_dir / "sweep.json").read_text())
    batched = Stored(sweep_dir).rows()
    rows, weekly = [], []
    counts = {"complete": 0, "failed": 0, "missing": 0, "failures": []}
    for r in manifest["runs"]:
        run_dir = sweep_dir / "runs" / r["run"]
        row = {"run": r["run"], "condition": r["condition"], "scenario": r["scenario"],
               "seed": r["seed"], "weeks": r["weeks"]}
        stored = batched.get(r["run"])
        if stored is not None and stored.pop("run_id") == r["run_id"]:
            counts["complete"] += 1
            row = stored
        elif complete(run_dir):
            counts["complete"] += 1
            params = json.loads((run_dir / "parameters.json").read_text())
            outcomes = json.loads((run_dir / "outcomes.json").read_text())
            prov = json.loads((run_dir / "provenance.json").read_text())
            row = run_row(r, params, outcomes, prov.get("wall_seconds"))
            table = pq.read_table(run_dir / "weekly.parquet")
            n = table.num_rows
            ids = [pa.repeat(r["run"], n), pa.repeat(r["condition"], n),
                   pa.repeat(r["scenario"], n), pa.repeat(int(r["seed"]), n)]
            weekly.append(pa.Table.from_arrays(
                ids + table.columns, names=["run", "condition", "scenario", "seed",
                                            *table.column_names]))
        else:
            record = sweep_dir / "failed" / f"{r['run']}.json"
            if record.is_file():
                counts["failed"] += 1
                error = json.loads(record.read_text()).get("error")
                counts["failures"].append((r["run"], error))
                row.update(status="failed", error=error)
            else:
                counts["missing"] += 1
                row.update(status="missing", error=None)
        rows.append(row)
    tables = {"runs.parquet": pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)}
    # weekly metrics exist only for runs kept as folders: none at all with store=outcomes
    counts["weekly"] = bool(weekly) or manifest.get("store", "runs") == "runs"
    if counts["weekly"]:
        tables["weekly.parquet"] = (
            pa.concat_tables(weekly, promote_options="default") if weekly else
            pa.table({k: pa.array([], pa.string()) for k in ("run", "condition", "scenario")}))
    else:
        (sweep_dir / "weekly.parquet").unlink(missing_ok=True)
    for name, table in tables.items():
        tmp = sweep_dir / f".{name}.tmp-{os.getpid()}"
        pq.write_table(table, tmp)
        os.replace(tmp, sweep_dir / name)
    counts["n_runs"] = len(rows)
    return counts


def report(sweep_dir: Path, summary: dict, command: str, crashed: list[str], wall: float,
           ran: int, explicit: bool) -> None:
    n = summary["n_runs"]
    lines = [f"Sweep finished: {summary['complete']} of {n} runs complete, {summary['failed']} "
             f"failed, {summary['missing']} missing"
             + (f" ({ran} run this time in {wall:.1f} s)." if ran else ".")]
    lines += [f"  {crash}" for crash in crashed]
    if summary.get("weekly", True):
        lines.append(f"Results: {sweep_dir}/runs.parquet (one row per run) and weekly.parquet "
                     "(one row per run and week); runs in runs/<run>/.")
    else:
        lines.append(f"Results: {sweep_dir}/runs.parquet (one row per run; batches in "
                     f"{BATCH_DIR}/). No weekly.parquet: sweep.store=outcomes keeps only each "
                     "run's outcomes (use sweep.store=runs for the weekly metrics).")
    lines.append(f"Compare: reve-sim-compare {sweep_dir}")
    if summary["failed"] or summary["missing"]:
        lines.append(f"Failed runs (error and traceback in {sweep_dir}/failed/):")
        lines += [f"  {run}: {error}" for run, error in summary["failures"][:20]]
        if len(summary["failures"]) > 20:
            lines.append(f"  ... and {len(summary['failures']) - 20} more")
        again = command if explicit else f"{command} sweep.dir={shlex.quote(str(sweep_dir))}"
        lines.append("Rerun the same command to run them again (complete runs are skipped):")
        lines.append(f"  {command}")
        if not explicit:
            lines.append(f"  (or, to name this directory explicitly: {again})")
    print("\n".join(lines), flush=True)
