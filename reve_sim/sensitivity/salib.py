"""The one owner of SALib's ``sample`` and ``analyze`` calls.

``sample()`` returns a :class:`Design` that stores the sampling options with the sample;
``analyze()`` takes a design and its outputs and reads every option from the design (there
is no ``calc_second_order`` argument to get wrong: SALib silently returns wrong indices when
the analysis and the sample disagree). Sobol N must be a power of two. A missing or
non-finite output is never dropped: the analysis refuses with the list of missing rows.

Outputs ``Y`` may have one column per replicate (shape rows x R, the same seed set at every
row: common random numbers); the mean over replicates is analysed and the noise share of
its variance is reported beside the indices.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .checks import MissingRowsError, index_warnings, missing_rows
from .problem import Problem
from .replicates import noise_share

METHODS = ("sobol", "morris")


def is_power_of_two(n: int) -> bool:
    return isinstance(n, int | np.integer) and n > 0 and (int(n) & (int(n) - 1)) == 0


@dataclass
class Design:
    """A sample and the options it was drawn with (which the analysis reuses)."""

    method: str
    problem: Problem
    N: int
    options: dict
    X: np.ndarray = field(repr=False)

    @property
    def rows_per_base(self) -> int:
        """Rows per base sample (Sobol) or per trajectory (Morris)."""
        D = self.problem.num_vars
        if self.method == "sobol":
            return 2 * D + 2 if self.options["calc_second_order"] else D + 2
        return D + 1

    @property
    def n_rows(self) -> int:
        return len(self.X)

    def head(self, n: int) -> Design:
        """The design of the first ``n`` base samples/trajectories (a valid smaller design:
        a prefix of a scrambled Sobol' sequence of power-of-two length is balanced)."""
        return Design(self.method, self.problem, n, dict(self.options),
                      self.X[: n * self.rows_per_base])

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "design_X.npy", self.X)
        meta = {"method": self.method, "N": self.N, "options": self.options,
                "problem": self.problem.to_dict(), "n_rows": self.n_rows}
        (folder / "design.json").write_text(json.dumps(meta, indent=1))

    @classmethod
    def load(cls, folder: Path) -> Design:
        folder = Path(folder)
        meta = json.loads((folder / "design.json").read_text())
        return cls(meta["method"], Problem.from_dict(meta["problem"]), meta["N"],
                   meta["options"], np.load(folder / "design_X.npy"))


def sample(problem: Problem, method: str, N: int, *, calc_second_order: bool = False,
           num_levels: int = 4, seed: int = 42, scramble: bool = True) -> Design:
    """Draw a design. Sobol: N base samples (a power of two), N(D+2) rows, or N(2D+2) with
    second order. Morris: N trajectories of ``num_levels`` levels, N(D+1) rows."""
    if method not in METHODS:
        raise ValueError(f"method {method!r}: use one of {METHODS}")
    if not isinstance(N, int | np.integer) or N < 2:
        raise ValueError(f"N = {N!r} must be a whole number >= 2")
    spec = problem.to_salib()
    if method == "sobol":
        if not is_power_of_two(N):
            lo = 1 << (int(N).bit_length() - 1)
            raise ValueError(f"N = {N} must be a power of two (Sobol' balance): use {lo} or "
                             f"{lo * 2}.")
        from SALib.sample import sobol as sobol_sample

        options = {"calc_second_order": bool(calc_second_order), "scramble": bool(scramble),
                   "seed": int(seed)}
        X = sobol_sample.sample(spec, int(N), calc_second_order=options["calc_second_order"],
                                scramble=options["scramble"], seed=options["seed"])
    else:
        from SALib.sample import morris as morris_sample

        options = {"num_levels": int(num_levels), "seed": int(seed)}
        X = morris_sample.sample(spec, int(N), num_levels=options["num_levels"],
                                 seed=options["seed"])
    return Design(method, problem, int(N), options, np.asarray(X, dtype=float))


def _outputs(design: Design, Y) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.ndim != 2 or len(Y) != design.n_rows:
        raise MissingRowsError(list(range(len(Y), design.n_rows)), design.n_rows) \
            if Y.ndim == 2 and len(Y) < design.n_rows else \
            ValueError(f"Y has shape {Y.shape}; the design has {design.n_rows} rows "
                       "(expected rows or rows x replicates).")
    missing = missing_rows(Y)
    if missing:
        raise MissingRowsError(missing, design.n_rows)
    return Y


def analyze(design: Design, Y, *, num_resamples: int = 200, conf_level: float = 0.95,
            seed: int = 1, warn: bool = True) -> dict:
    """Indices of ``design`` from outputs ``Y`` (rows, or rows x replicates).

    Returns a plain dict: ``method``, ``names``, ``N``, ``options``, the indices (Sobol:
    ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` and, with second order, ``S2``, ``S2_conf``;
    Morris: ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma``) as lists, ``conf_level``,
    ``replicates``, ``noise`` (see ``replicates.noise_share``) and ``warnings``.
    ``*_conf`` are half-widths of bootstrap confidence intervals.
    """
    Yr = _outputs(design, Y)
    y = Yr.mean(axis=1)
    spec = design.problem.to_salib()
    o = design.options
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if design.method == "sobol":
            from SALib.analyze import sobol as sobol_analyze

            res = sobol_analyze.analyze(spec, y, calc_second_order=o["calc_second_order"],
                                        num_resamples=num_resamples, conf_level=conf_level,
                                        seed=seed)
            keys = ["S1", "S1_conf", "ST", "ST_conf"]
            if o["calc_second_order"]:
                keys += ["S2", "S2_conf"]
        else:
            from SALib.analyze import morris as morris_analyze

            res = morris_analyze.analyze(spec, design.X, y, num_resamples=num_resamples,
                                         conf_level=conf_level, num_levels=o["num_levels"],
                                         seed=seed)
            keys = ["mu", "mu_star", "mu_star_conf", "sigma"]
    out = {"method": design.method, "names": list(design.problem.names), "N": design.N,
           "options": dict(o), "conf_level": conf_level, "num_resamples": num_resamples,
           "n_rows": design.n_rows, "replicates": int(Yr.shape[1]),
           "output_variance": float(np.var(y, ddof=1)) if len(y) > 1 else 0.0}
    for k in keys:
        out[k] = np.nan_to_num(np.asarray(res[k], dtype=float), nan=0.0).tolist() \
            if k.startswith("S2") else np.asarray(res[k], dtype=float).tolist()
    out["noise"] = noise_share(Yr)
    out["warnings"] = index_warnings(design.method, design.N, out, out["names"])
    if warn:
        for w in out["warnings"]:
            warnings.warn(w, stacklevel=2)
    return out


def ranking(result: dict) -> list[str]:
    """Factors from most to least influential (Sobol ST, Morris mu*)."""
    key = "ST" if result["method"] == "sobol" else "mu_star"
    order = np.argsort(-np.asarray(result[key]), kind="stable")
    return [result["names"][i] for i in order]
