"""Named YAML files of a configs/ folder (scenarios, sensitivity studies), read by name.

An unknown name is refused with the closest valid name suggested and the list of valid ones.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from .parameters import ParameterError


def names(folder: Path) -> list[str]:
    """Names (file stems) of the YAML files in ``folder``."""
    return sorted(p.stem for p in folder.glob("*.yaml"))


def read(folder: Path, name: str, what: str, plural: str | None = None) -> dict:
    """The mapping in ``folder/<name>.yaml``; ``what`` (and its ``plural``) name the kind in
    error messages."""
    path = folder / f"{name}.yaml"
    if not path.is_file():
        valid = names(folder)
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ParameterError(f"Unknown {what} {name!r}.{hint} Valid {plural or what + 's'}: "
                             f"{', '.join(valid)}.")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
