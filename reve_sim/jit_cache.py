"""Numba's on-disk cache kept in step with all the compiled source files.

Numba checks a cached function against the text of its own source file only, but the
compiled plan inlines code from several files (the rules into the kernels, the kernels into
the weekly plan) and freezes module constants (state codes, the parameter tuple's fields)
into it. After an edit of ``rules.py``, say, the cached plan of ``week.py`` would still
load, with the old rule inside. So at import, when the compiled sources differ from those
the cache was built from, the package's cache files are deleted: everything compiles again,
once.

``warm_up`` compiles (or loads) every kernel in the running process; ``make install`` runs
it once (``jit_cache.main``), so that no later command pays for compiling.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

COMPILED_SOURCES = ("index.py", "kernels.py", "keyed_random.py", "metrics.py", "parameters.py",
                    "population.py", "rules.py", "state.py", "twins.py", "week.py")
"""The modules holding compiled code or values compiled code takes in (constants, tuples)."""

PACKAGE = Path(__file__).parent
RECORD = "reve_sim_sources.sha256"


def sources_digest(package: Path = PACKAGE) -> str:
    digest = hashlib.sha256()
    for name in COMPILED_SOURCES:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    return digest.hexdigest()


def keep_in_step(cache_dir: Path, package: Path = PACKAGE) -> None:
    """Empty ``cache_dir`` (where Numba caches this package's functions) of this package's
    entries if any compiled source changed since they were written; nothing to do when it
    is unchanged or cannot be written."""
    digest = sources_digest(package)
    record = cache_dir / RECORD
    try:
        if record.read_text() == digest:
            return
    except OSError:
        pass
    modules = tuple(name.removesuffix(".py") + "." for name in COMPILED_SOURCES)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for entry in cache_dir.iterdir():
            if entry.name.startswith(modules) and entry.suffix in (".nbi", ".nbc"):
                entry.unlink(missing_ok=True)
        partial = record.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(digest)
        partial.replace(record)
    except OSError:
        pass


def numba_cache_dir() -> Path:
    """Where Numba caches this package's functions (``__pycache__`` or NUMBA_CACHE_DIR)."""
    from . import kernels

    return Path(kernels.contingencies._cache._cache_path)


_WARM: float | None = None


def warm_up() -> float:
    """Compile or load every kernel once in this process (a tiny model with a shock and a
    programme call, so that every phase runs); seconds taken."""
    global _WARM
    if _WARM is None:
        start = time.perf_counter()
        from .model import ReveModel

        model = ReveModel(seed=0, n_actors=150, start_date="2019-08-26",
                          programmes=[{"start": "2019-08-26", "per_1000": 20}],
                          shocks=[{"start": "2019-08-26", "end": "2019-09-09", "need": 0.3}])
        model.run(3)
        model.summary()
        _WARM = time.perf_counter() - start
    return _WARM


def main() -> None:
    """``make install``: compile every kernel into the cache once."""
    print("Compiling the model's kernels into Numba's cache (once per install)...", flush=True)
    print(f"Kernels ready in {warm_up():.0f} s.", flush=True)
