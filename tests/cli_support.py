"""Helpers of the command-line tests (not a test module)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "configs"

# `reve-sim` without relying on the console script being installed: same entry point.
REVE_SIM = [sys.executable, "-c",
            "import sys; from reve_sim.cli import main; sys.argv[0] = 'reve-sim'; main()"]
REVE_SIM_COMPARE = [sys.executable, "-c",
                    "import sys; from reve_sim.compare import main; sys.exit(main())"]

TINY = ["size.n_actors=300", "weeks=30", "quiet=true"]
"""Overrides that make a run take a few hundredths of a second."""


def env(**extra) -> dict:
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT), out.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    out.update({k: str(v) for k, v in extra.items()})
    return out


def reve_sim(*args, cwd: Path, check: bool = True, timeout: float = 600, extra_env=None,
             command=REVE_SIM) -> subprocess.CompletedProcess:
    out = subprocess.run([*command, *map(str, args)], cwd=cwd, env=env(**(extra_env or {})),
                         capture_output=True, text=True, timeout=timeout, check=False)
    if check and out.returncode != 0:
        raise AssertionError(f"reve-sim {' '.join(map(str, args))} failed ({out.returncode}):\n"
                             f"{out.stdout[-3000:]}\n{out.stderr[-5000:]}")
    return out


def start(*args, cwd: Path, extra_env=None) -> subprocess.Popen:
    """Start reve-sim in its own session (so that the whole process group can be killed)."""
    return subprocess.Popen([*REVE_SIM, *map(str, args)], cwd=cwd, env=env(**(extra_env or {})),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
