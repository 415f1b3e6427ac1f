"""``reve-sim-sa sa=<study> [key=value ...] [hydra/launcher=slurm hydra.launcher.* sweep.*]``

A plain console script (not a Hydra app): it reads ``configs/sa/<study>.yaml``, applies
``key=value`` overrides of the study (``N=``, ``replicates=``, ``lang=fr``, ``scenario=``,
``size=``, ``weeks=``, ``results_dir=``, ``parameters.animation.high=0.5`` ...), draws the
design, evaluates it through ``reve-sim -m sweep.design=...`` (the sweeps' shards, launchers
and resume; ``hydra...`` and ``sweep.*`` arguments are passed on to it), then analyses every
outcome and writes the figures, tables, report and (if the study asks) the PRIM box to
``<results_dir>/sa/<study>-<hash>/``. Rerunning the same command resumes an interrupted
study and re-analyses. ``stage=analyse`` only analyses what is there (refusing, with the
list, when rows are missing); ``stage=design`` only writes the design.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import warnings
from pathlib import Path

import yaml

from ..parameters import ParameterError
from . import convergence, discovery, figures, report
from . import study as S
from .checks import MissingRowsError, index_warnings
from .salib import Design, analyze

USAGE = ("usage: reve-sim-sa sa=STUDY [key=value ...] [stage=all|design|analyse] "
         "[hydra/launcher=slurm hydra.launcher.partition=NAME ...]\n"
         "studies: {studies}")


def fail(message: str, code: int = 2):
    print(f"reve-sim-sa: error: {message}", file=sys.stderr)
    sys.exit(code)


def parse(argv: list[str]) -> tuple[str, dict, list[str], str]:
    name, overrides, passthrough, stage = None, {}, [], "all"
    for arg in argv:
        if arg in ("-h", "--help"):
            print(USAGE.format(studies=", ".join(S.studies())))
            print(__doc__)
            sys.exit(0)
        if "=" not in arg:
            fail(f"'{arg}': arguments are key=value.\n" + USAGE.format(
                studies=", ".join(S.studies())))
        key, value = arg.split("=", 1)
        if key == "sa":
            name = value
        elif key == "stage":
            if value not in ("all", "design", "analyse", "analyze"):
                fail("stage must be all, design or analyse.")
            stage = "analyse" if value == "analyze" else value
        elif key.startswith(("hydra", "sweep.", "+hydra", "~hydra")):
            passthrough.append(arg)
        else:
            overrides[key] = yaml.safe_load(value) if value != "" else None
    if not name:
        fail("which study? sa=STUDY.\n" + USAGE.format(studies=", ".join(S.studies())))
    return name, overrides, passthrough, stage


def load_libraries(study: dict) -> None:
    """Import what the analysis uses (about 8 s: SALib, matplotlib, the EMA Workbench)."""
    import pyarrow.parquet  # noqa: F401
    from SALib.analyze import morris, sobol  # noqa: F401

    figures.pyplot()
    if study.get("discovery"):
        discovery.prim_module()


def provenance_facts(study: dict, design: Design, seeds: list[int], command: str) -> dict:
    from .. import __version__
    from ..provenance import git_commit

    return {"version": __version__, "commit": git_commit(), "study": study["name"],
            "method": study["method"], "N": study["N"],
            "replicates": 1 if study["seed_as_factor"] else study["replicates"],
            "seed_as_factor": bool(study["seed_as_factor"]), "seeds": seeds,
            "scenario": study["scenario"], "size": study["size"], "weeks": study["weeks"],
            "n_rows": design.n_rows, "n_runs": design.n_rows * (1 if study["seed_as_factor"]
                                                                else study["replicates"]),
            "options": design.options, "date": dt.date.today().isoformat(),
            "command": command}


def analyse(study: dict, out: Path, design: Design, seeds: list[int], command: str) -> dict:
    lang = study["lang"]
    suffix = "" if lang == "en" else "_fr"
    facts = provenance_facts(study, design, seeds, command)
    R = facts["replicates"]
    fig_dir = out / "figures"
    sections, summary = [], {}
    for outcome in study["outcomes"]:
        Y = S.outputs(out, design, R, outcome)
        sec = {"outcome": outcome}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = analyze(design, Y, num_resamples=study["num_resamples"],
                              conf_level=study["conf_level"], seed=study["seed"], warn=False)
                conv = convergence.check(design, Y, num_resamples=study["num_resamples"],
                                         conf_level=study["conf_level"], seed=study["seed"])
        except MissingRowsError as err:
            sec["error"] = str(err)
            sections.append(sec)
            summary[outcome] = {"refused": str(err), "missing_rows": err.missing}
            print(f"{outcome}: analysis refused: {err}", file=sys.stderr)
            continue
        df = report.table(res, lang)
        csv = out / "tables" / f"{study['method']}_{outcome}{suffix}.csv"
        csv.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(csv, index=False)
        stem = fig_dir / f"{outcome}"
        ofacts = {**facts, "outcome": outcome}
        made = []
        if study["method"] == "sobol":
            made += figures.sobol_bars(res, outcome, Path(f"{stem}_sobol{suffix}"), ofacts, lang)
            if "S2" in res:
                made += figures.s2_heatmap(res, outcome, Path(f"{stem}_s2{suffix}"), ofacts,
                                           lang)
        else:
            made += figures.morris_chart(res, outcome, Path(f"{stem}_morris{suffix}"), ofacts,
                                         lang)
        made += figures.convergence_chart(conv, res["names"], study["method"], outcome,
                                          Path(f"{stem}_convergence{suffix}"), ofacts, lang)
        sec.update(result=res, convergence=conv, table=df, csv=csv,
                   figures=[p for p in made if p.suffix == ".png"],
                   sentence=report.sentence(res, outcome, lang))
        sections.append(sec)
        summary[outcome] = {"result": res, "convergence": conv, "sentence": sec["sentence"]}
        print(f"\n{outcome}: {sec['sentence']}\n  {convergence.verdict(conv, lang)}")
        for w in index_warnings(res["method"], res["N"], res, res["names"], lang=lang):
            print(f"  {'avertissement' if lang == 'fr' else 'warning'}: {w}")
    disc = None
    spec = study.get("discovery")
    if spec:
        disc = run_discovery(study, out, design, facts, spec, lang)
        summary["discovery"] = {k: v for k, v in disc.items() if k not in ("figures", "table")}
    md, html = report.write(out, study, facts, sections, disc, lang)
    (out / f"indices{suffix}.json").write_text(json.dumps({"facts": facts, **summary},
                                                          indent=1, default=str))
    print(f"\nReport: {md} and {html}; figures in {fig_dir}/, tables in {out / 'tables'}/")
    return summary


def run_discovery(study, out, design, facts, spec, lang) -> dict:
    import pandas as pd

    outcome = spec["outcome"]
    rule = spec.get("condition", ">= 1")
    factors = [n for n in design.problem.names if n != "seed"]
    if spec.get("levers_only"):
        from ..parameters import PARAMETERS

        factors = [n for n in factors if PARAMETERS[n].group == "lever"]
    Y = S.outputs(out, design, facts["replicates"], outcome)
    x = pd.DataFrame(design.X, columns=list(design.problem.names))[factors]
    # every replicate is a case (the same point with another seed): the box is about
    # factor combinations, chance is left in the density
    reps = Y.shape[1]
    xs = pd.concat([x] * reps, ignore_index=True)
    ys = Y.T.reshape(-1)
    keep = ~pd.isna(ys)
    if (~keep).any():
        print(f"PRIM: {(~keep).sum()} missing runs left out of the discovery.", file=sys.stderr)
    from ..labels import outcome_label

    what = f"{outcome_label(outcome, lang)} {rule}"
    res = discovery.find(xs[keep].reset_index(drop=True), discovery.condition(ys[keep], rule),
                         min_coverage=float(spec.get("min_coverage", 0.6)))
    text = discovery.describe(res, what, lang)
    suffix = "" if lang == "en" else "_fr"
    made = []
    if res["status"] == "ok":
        made = discovery.figure(res, what, out / "figures" / f"prim_{outcome}{suffix}",
                                {**facts, "outcome": outcome}, lang)
    table = pd.DataFrame([{"parameter": figures.param_label(r["parameter"], lang),
                           "min": r["min"], "max": r["max"], "range": f"{r['range_min']:.3g} – "
                           f"{r['range_max']:.3g}"} for r in res.get("restricted", [])]) \
        if res.get("restricted") else None
    print(f"\nPRIM: {text}")
    return {**res, "description": text, "figures": [p for p in made if p.suffix == ".png"],
            "table": table}


def main(argv: list[str] | None = None) -> None:
    import signal

    argv = sys.argv[1:] if argv is None else argv
    # a terminated study stops its sweep too (the sweep resumes on the next run)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    name, overrides, passthrough, stage = parse(argv)
    # the command that reproduces the study (stage= only selects what this call does)
    command = "reve-sim-sa " + " ".join(a for a in argv if not a.startswith("stage="))
    try:
        study = S.load(name, overrides)
        out, design, seeds = S.prepare(study)
    except (ParameterError, ValueError) as err:
        fail(str(err))
    print(f"Study {name!r}: {study['method']}, {design.problem.num_vars} factors, N = "
          f"{study['N']}, {design.n_rows} design rows x "
          f"{1 if study['seed_as_factor'] else study['replicates']} replicates. Folder: {out}",
          flush=True)
    if stage == "design":
        return
    start = time.perf_counter()
    if stage == "all":
        code = S.evaluate(study, out, passthrough, meanwhile=lambda: load_libraries(study))
        wall = time.perf_counter() - start
        timing = out / "timings.json"
        times = json.loads(timing.read_text()) if timing.is_file() else []
        times.append({"evaluate_seconds": round(wall, 1), "exit": code,
                      "date": dt.datetime.now().isoformat(timespec="seconds")})
        timing.write_text(json.dumps(times, indent=1))
        print(f"Evaluation: {wall:.0f} s (exit status {code}).", flush=True)
        if not (out / "sweep" / "runs.parquet").is_file():
            fail("the sweep wrote no runs; see the messages above.", 1)
    elif not (out / "sweep" / "runs.parquet").is_file():
        fail(f"nothing to analyse in {out}: run the study first (without stage=analyse).")
    summary = analyse(study, out, design, seeds, command)
    if any("refused" in v for v in summary.values() if isinstance(v, dict)):
        sys.exit(1)


if __name__ == "__main__":
    main()
