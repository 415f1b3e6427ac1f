"""`python -m reve_sim`: run the default scenario once and write its results and figure."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from tqdm import tqdm

from .model import ReveModel
from .parameters import ParameterError
from .provenance import provenance
from .results import write_run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reve_sim", description=__doc__)
    parser.add_argument("--weeks", type=int, default=156, help="weeks to simulate (156 = 3 years)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n-actors", type=int, default=None)
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--out", type=Path, default=Path("results"))
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        model = ReveModel(seed=args.seed, n_actors=args.n_actors)
        if args.weeks < 0:
            raise ParameterError(f"weeks = {args.weeks} must be >= 0.")
    except ParameterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    with tqdm(total=args.weeks, unit="week", disable=args.quiet, desc="baseline") as bar:
        model.run(args.weeks, progress=lambda done: bar.update(1))
    wall = time.perf_counter() - start
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = args.out / "baseline" / stamp
    facts = provenance(model.seed, wall_seconds=round(wall, 3), weeks=args.weeks,
                       n_actors=model.n_actors)
    write_run(model, target, facts, title=f"reve-sim · baseline · seed {model.seed}",
              lang=args.lang)
    print(f"results written to {target}/ (summary.png, weekly.parquet, outcomes.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
