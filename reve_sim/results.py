"""Writing a run's outputs so that an interruption never leaves a complete-looking folder.

Everything is written into a hidden temporary folder beside the target, then renamed
into place in one step; a folder without its ``outcomes.json`` is never produced.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import yaml

from .plotting import summary_figure

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_run(model, target: Path, provenance: dict, title: str, lang: str = "en",
              config: dict | None = None, figures: bool = True) -> Path:
    """Write parameters, provenance, weekly metrics, outcomes and the summary figure.

    ``config``: the resolved command-line config, written as ``config.yaml``;
    ``figures=False`` skips the summary figure (it costs seconds; sweeps skip it).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        (tmp / "parameters.json").write_text(json.dumps(_json_safe(model.params), indent=2))
        (tmp / "provenance.json").write_text(json.dumps(_json_safe(provenance), indent=2))
        weekly = model.weekly()
        weekly.to_parquet(tmp / "weekly.parquet", index=False)
        if config is not None:
            (tmp / "config.yaml").write_text(yaml.dump(
                _json_safe(config), Dumper=_DUMPER, sort_keys=False, allow_unicode=True))
        if figures:
            footer = (f"reve-sim {provenance['version']} · commit "
                      f"{provenance['git_commit'][:12]} · seed {provenance['seed']} · "
                      f"{provenance['created']}")
            fig = summary_figure(weekly, title, lang=lang, footer=footer)
            for ext in ("png", "svg"):
                fig.savefig(tmp / f"summary.{ext}", dpi=150)
            plt.close(fig)
        # written last: its presence marks a complete run
        (tmp / "outcomes.json").write_text(json.dumps(_json_safe(model.summary()), indent=2))
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
