"""The factors of a sensitivity analysis: names, bounds and distributions (SALib's dict)."""

from __future__ import annotations

from dataclasses import dataclass, field

DISTS = ("unif", "logunif", "triang", "norm", "truncnorm", "lognorm")
"""Distributions SALib samples (see SALib's ``problem['dists']``)."""


@dataclass(frozen=True)
class Problem:
    """Factors of a study. ``bounds[i]`` are SALib's distribution parameters for ``dists[i]``
    (``unif``/``logunif``: low, high; ``triang``: low, high, peak as a fraction; ``norm``:
    mean, sd; ``truncnorm``: low, high, mean, sd; ``lognorm``: log-mean, log-sd)."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, ...], ...]
    dists: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    integer: tuple[bool, ...] = field(default=())

    def __post_init__(self):
        if len(self.names) != len(self.bounds):
            raise ValueError("names and bounds differ in length")
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"duplicate factor names: {self.names}")
        if not self.dists:
            object.__setattr__(self, "dists", ("unif",) * len(self.names))
        for name, dist, b in zip(self.names, self.dists, self.bounds, strict=True):
            if dist not in DISTS:
                raise ValueError(f"{name}: unknown distribution {dist!r}; use one of {DISTS}")
            if dist in ("unif", "logunif") and not b[0] < b[1]:
                raise ValueError(f"{name}: low {b[0]} must be below high {b[1]}")
        if not self.integer:
            object.__setattr__(self, "integer", (False,) * len(self.names))

    @property
    def num_vars(self) -> int:
        return len(self.names)

    def to_salib(self) -> dict:
        return {"num_vars": self.num_vars, "names": list(self.names),
                "bounds": [list(map(float, b)) for b in self.bounds],
                "dists": list(self.dists)}

    def to_dict(self) -> dict:
        return {"names": list(self.names), "bounds": [list(b) for b in self.bounds],
                "dists": list(self.dists), "units": list(self.units),
                "integer": list(self.integer)}

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(names=tuple(data["names"]), bounds=tuple(tuple(b) for b in data["bounds"]),
                   dists=tuple(data.get("dists") or ()), units=tuple(data.get("units") or ()),
                   integer=tuple(data.get("integer") or ()))

    def with_seed_factor(self) -> Problem:
        """The same factors plus ``seed`` ~ U(0, 1) (mapped to a seed by
        ``replicates.seed_from_unit``): the "seed as a factor" mode."""
        if "seed" in self.names:
            return self
        return Problem(self.names + ("seed",), self.bounds + ((0.0, 1.0),),
                       self.dists + ("unif",), (self.units or ("",) * self.num_vars) + ("",),
                       self.integer + (False,))
