"""Provenance of every output: package version, git commit, interpreter and library versions."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from pathlib import Path


def git_commit() -> str:
    """Commit of the source tree (with '+dirty' if it has uncommitted changes), or 'unknown'."""
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, check=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")


def provenance(seed: int, **extra) -> dict:
    """Facts that let anyone trace a result back to the exact code and environment."""
    import mesa
    import numba
    import numpy

    from . import __version__

    return {
        "package": "reve-sim",
        "version": __version__,
        "git_commit": git_commit(),
        "seed": int(seed),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "mesa": mesa.__version__,
        "platform": platform.platform(),
        **extra,
    }
