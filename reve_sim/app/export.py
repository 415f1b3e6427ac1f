"""``reve-sim-replay <run dir>``: slides from a saved run.

Writes, next to the run (``<run dir>/replay/`` unless ``--out`` says otherwise):

- ``replay.gif``: one frame per week (or every ``--every`` weeks, always ending on the
  last week): the network of collectives beside the curves drawn up to that week;
- ``replay.mp4``: the same frames, when an ffmpeg encoder is on the PATH;
- ``replay_summary.png`` and ``.pdf``: one page with the final network, the curves with
  the scenario's markers, key outcomes and the run's provenance.

The run is re-simulated from its parameters and seed and checked against its saved
weekly table (see ``reve_sim.app.replay``); the check's result is printed and written
on the summary page.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from ..labels import metric_label, text  # noqa: E402
from .charts import draw_curves  # noqa: E402
from .network import draw_network  # noqa: E402
from .replay import Check, ReplayError, replay  # noqa: E402
from .session import Run  # noqa: E402

FRAME_SIZE = (13.0, 5.6)
SUMMARY_OUTCOMES = ("engaged_actors", "active_collectives", "ecosystems",
                    "largest_ecosystem_collectives", "mean_anxiety", "efficacy_networked")


def frame_weeks(weeks: int, every: int = 1) -> list[int]:
    """Weeks shown by the animation's frames: 1, 1+every, ..., always ending on ``weeks``
    (a frame at week w shows the state after w simulated weeks)."""
    every = max(1, int(every))
    out = list(range(1, weeks + 1, every))
    if weeks >= 1 and out[-1] != weeks:
        out.append(weeks)
    return out


class Animator:
    """One figure reused for every frame: the network axis is redrawn, the curves are
    revealed up to the week and the cursor moves."""

    def __init__(self, run: Run, lang: str, dpi: int = 80):
        self.run, self.lang, self.dpi = run, lang, dpi
        self.fig = Figure(figsize=FRAME_SIZE, layout="constrained")
        left, right = self.fig.subfigures(1, 2, width_ratios=(1.0, 1.3))
        self.net_fig = left
        self.ax_net = left.subplots()
        self.curves = draw_curves(right, [(run.title, run.weekly())], run.markers(),
                                  run.horizon, lang, cursor=0)
        self.title = self.fig.suptitle(run.title, fontsize=11)

    def image(self, week: int) -> Image.Image:
        run = self.run
        self.ax_net.clear()
        for legend in list(self.net_fig.legends):
            legend.remove()
        draw_network(self.ax_net, run.history.at(week), run.layout,
                     run.model.params["n_problems"], self.lang)
        self.title.set_text(f"{run.title} — {text('week', self.lang)} {week} · "
                            f"{run.date(week)}")
        for line, x, y in self.curves["lines"]:
            line.set_data(x[:week], y[:week])
        for cursor in self.curves["cursors"]:
            cursor.set_xdata([week - 0.5, week - 0.5])
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi)
        # the constrained layout is solved on the first frame only, then frozen: it costs
        # more than drawing, and a layout that moves would make the animation shake
        self.fig.set_layout_engine("none")
        buf.seek(0)
        return Image.open(buf).convert("RGB")


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None


def write_animation(run: Run, out: Path, lang: str = "fr", every: int = 1, fps: int = 4,
                    mp4: bool = True, dpi: int = 80) -> dict[str, Path]:
    """Write replay.gif (and replay.mp4 when possible); returns what was written."""
    out.mkdir(parents=True, exist_ok=True)
    animator = Animator(run, lang, dpi)
    weeks = frame_weeks(run.week, every)
    frames = [animator.image(w) for w in weeks]
    # an adaptive palette per frame keeps the category colours right
    paletted = [f.quantize(colors=128, method=Image.Quantize.MEDIANCUT) for f in frames]
    written = {}
    gif = out / "replay.gif"
    paletted[0].save(gif, save_all=True, append_images=paletted[1:],
                     duration=int(1000 / max(fps, 1)), loop=0, optimize=False, disposal=1)
    written["gif"] = gif
    if mp4 and ffmpeg_available():
        from matplotlib.animation import FFMpegWriter

        mp4_path = out / "replay.mp4"
        width, height = frames[0].size
        fig = Figure(figsize=(width / 100, height / 100), dpi=100)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        im = ax.imshow(frames[0])
        writer = FFMpegWriter(fps=fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
        with writer.saving(fig, str(mp4_path), dpi=100):
            for frame in frames:
                im.set_data(frame)
                writer.grab_frame()
        written["mp4"] = mp4_path
    return written


def write_summary(run: Run, provenance: dict, check: Check, out: Path,
                  lang: str = "fr") -> dict[str, Path]:
    """One page (A4 landscape) with network, curves, outcomes and provenance."""
    out.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(11.69, 8.27), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=(4.2, 1.0))
    left, right = top.subfigures(1, 2, width_ratios=(1.2, 1.3))
    draw_network(left.subplots(), run.history.last, run.layout,
                 run.model.params["n_problems"], lang)
    draw_curves(right, [(run.title, run.weekly())], run.markers(), run.horizon, lang)
    fig.suptitle(f"{run.title} — {text('week', lang)} {run.week} · {run.date(run.week)}",
                 fontsize=13)
    final = run.final()
    outcomes = " · ".join(f"{metric_label(k, lang)}: {final[k]:.3g}" for k in SUMMARY_OUTCOMES
                          if k in final)
    keys = ("version", "git_commit", "seed", "created", "python", "numpy", "numba", "mesa",
            "n_actors", "weeks", "scenario")
    prov = " · ".join(f"{k} {provenance[k]}" for k in keys if k in provenance)
    checked = ("replay identical to weekly.parquet" if check.ok else
               f"replay differs from weekly.parquet: {check.detail}")
    if lang == "fr":
        checked = ("rejeu identique à weekly.parquet" if check.ok else
                   f"le rejeu diffère de weekly.parquet : {check.detail}")
    ax = bottom.subplots()
    ax.set_axis_off()
    ax.text(0.0, 0.95, outcomes, fontsize=8.5, va="top", wrap=True)
    ax.text(0.0, 0.55, f"{text('provenance', lang)} — {prov}", fontsize=7.5, va="top",
            color="0.25", wrap=True)
    ax.text(0.0, 0.2, f"{checked} · {run.model.n_actors} actors · {run.week} weeks",
            fontsize=7.5, va="top", color="0.25" if check.ok else "#D55E00")
    written = {}
    for ext in ("png", "pdf"):
        path = out / f"replay_summary.{ext}"
        fig.savefig(path, dpi=150 if ext == "png" else None)
        written[ext] = path
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="reve-sim-replay",
        description="Animated GIF/MP4 and a one-page summary of a saved reve-sim run.")
    parser.add_argument("run_dir", type=Path, help="a results folder (with parameters.json, "
                        "provenance.json, weekly.parquet)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: <run_dir>/replay)")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    parser.add_argument("--every", type=int, default=1, help="weeks between frames")
    parser.add_argument("--fps", type=int, default=4, help="frames per second")
    parser.add_argument("--no-mp4", action="store_true", help="do not write the MP4")
    parser.add_argument("--dpi", type=int, default=80, help="resolution of the frames")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        run, check = replay(args.run_dir)
    except ReplayError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if run.error:
        print(f"error: the model failed while replaying: {run.error}", file=sys.stderr)
        return 1
    print("replay checked: identical to weekly.parquet" if check.ok else
           f"warning: replay differs from weekly.parquet ({check.detail})")
    out = args.out or args.run_dir / "replay"
    provenance = json.loads((args.run_dir / "provenance.json").read_text())
    written = write_animation(run, out, args.lang, args.every, args.fps, not args.no_mp4,
                              args.dpi)
    written.update(write_summary(run, provenance, check, out, args.lang))
    if "mp4" not in written and not args.no_mp4:
        print("no MP4: ffmpeg is not on the PATH (the GIF has the same frames)")
    for path in written.values():
        print(f"wrote {path}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
