"""Solara components of the workshop page: controls, views and panels.

Views are custom matplotlib components that read the model's arrays through a ``Run``
(never one Mesa agent per actor); each memoises its PNG on (run, week, language), so a
re-render that changes nothing costs nothing. Every view draws inside ``guarded``: a
drawing error shows the error panel in place of the view, never a blank page.
"""

from __future__ import annotations

import io
import math
import traceback

import solara

from .. import scenarios
from ..labels import unit_label
from ..parameters import PARAMETERS
from . import state
from .charts import curves_figure
from .events import describe
from .guards import LEVERS, MAX_ACTORS, MIN_ACTORS
from .network import network_figure
from .session import Run
from .texts import lever_help, t

DPI = 100


# Plain HTML elements: solara.Markdown would load KaTeX from a CDN (not in solara-assets),
# which fails offline, so the page never uses it.

def para(text: str, bold: bool = False, small: bool = False, classes: str = "") -> None:
    style = "margin: 0.3em 0;" + ("font-weight: 600;" if bold else "") + \
        ("font-size: 0.85em; color: #555;" if small else "")
    solara.v.Html(tag="p", children=[text], style_=style, class_=classes)


def heading(text: str, level: int = 3) -> None:
    solara.v.Html(tag=f"h{level}", children=[text], style_="margin: 0.4em 0 0.2em 0;")


def bullets(items: list[str]) -> None:
    solara.v.Html(tag="ul", children=[solara.v.Html(tag="li", children=[i]) for i in items])


def table(header: list[str], rows: list[list], classes: str = "") -> None:
    head = solara.v.Html(tag="thead", children=[solara.v.Html(tag="tr", children=[
        solara.v.Html(tag="th", children=[h], style_="text-align: left") for h in header])])
    body = solara.v.Html(tag="tbody", children=[
        solara.v.Html(tag="tr", children=[solara.v.Html(tag="td", children=[str(c)])
                                          for c in row]) for row in rows])
    solara.v.SimpleTable(dense=True, children=[head, body], class_=classes)


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def guarded(draw):
    """(png bytes, None) or (None, (message, details)) — drawing never raises."""
    try:
        return png(draw()), None
    except Exception as exc:
        return None, ("".join(traceback.format_exception_only(type(exc), exc)).strip(),
                      traceback.format_exc())


@solara.component
def ErrorPanel(problem: tuple[str, str], lang: str):
    """What went wrong, what to do, and the details for the developers."""
    with solara.Card(t("error_title", lang), classes=["reve-error"]):
        solara.Error(problem[0])
        para(t("error_what", lang))
        if problem[1]:
            with solara.Details("Détails techniques" if lang == "fr" else "Technical details"):
                solara.Preformatted(problem[1])


@solara.component
def Picture(data: bytes | None, problem, lang: str, css: str):
    if problem is not None:
        ErrorPanel(problem, lang)
    elif data is not None:
        solara.Image(data, width="100%", classes=[css])


@solara.component
def NetworkView(run: Run, week: int, lang: str, title: str | None = None,
                legend: bool = True, css: str = "reve-network"):
    """The collectives of ``run`` after ``week`` simulated weeks."""
    def draw():
        return network_figure(run.history.at(week), run.layout,
                              run.model.params["n_problems"], lang, title=title,
                              legend=legend)

    data, problem = solara.use_memo(lambda: guarded(draw),
                                    dependencies=[id(run), week, lang, title, legend])
    Picture(data, problem, lang, css)


@solara.component
def CurvesView(runs: list[Run], weeks: tuple[int, ...], lang: str, cursor: int | None = None,
               css: str = "reve-curves"):
    """Key metrics over weeks, scenario markers, one or two runs. ``weeks`` (the runs'
    week counts) is passed explicitly: a component re-renders only when its arguments
    change, and the runs themselves are the same objects week after week."""
    key = [(id(r), w) for r, w in zip(runs, weeks, strict=True)]
    horizon = max(r.horizon for r in runs)

    def draw():
        return curves_figure([(r.title, r.weekly()) for r in runs], runs[0].markers(),
                             horizon, lang, cursor=cursor)

    data, problem = solara.use_memo(lambda: guarded(draw),
                                    dependencies=[str(key), lang, cursor])
    Picture(data, problem, lang, css)


@solara.component
def MarkerList(run: Run, lang: str):
    """The scenario's markers in words (also what the charts shade)."""
    marks = [m for m in run.markers() if m.kind != "rentree"]
    if not marks:
        return
    with solara.Div(classes=["reve-markers"]):
        para(t("markers", lang), bold=True)
        bullets([m.text(lang) for m in marks])


@solara.component
def EventLog(run: Run, until: int, lang: str, limit: int = 40):
    """Latest notable events of the weeks before ``until`` first; a switch shows all."""
    show_all, set_show_all = solara.use_state(False)
    week = until
    events = [e for e in run.events_until(week) if show_all or e.notable]
    names = run.names(lang)
    with solara.Card(t("events", lang), classes=["reve-events"]):
        solara.Switch(label="Tout afficher" if lang == "fr" else "Show everything",
                      value=show_all, on_value=set_show_all)
        if not events:
            solara.Text(t("no_events", lang))
        lines = [describe(e, names, lang) for e in reversed(events[-limit:])]
        with solara.Column(gap="2px", style={"max-height": "22em", "overflow-y": "auto"}):
            for line in lines:
                solara.Text(line, style={"font-size": "0.9em"})


@solara.component
def Notes(notes: list[str], lang: str):
    if notes:
        with solara.Div(classes=["reve-notes"]):
            solara.Warning(t("corrections", lang) + " : " + " ".join(notes)
                           if lang == "fr" else t("corrections", lang) + ": " + " ".join(notes))


@solara.component
def ScenarioSelect(label: str, value: str, on_value, lang: str, css: str):
    items = [{"text": _title(name, lang), "value": name} for name in scenarios.names()]
    solara.v.Select(label=label, items=items, v_model=value, on_v_model=on_value,
                    class_=css)


def _title(name: str, lang: str) -> str:
    from .compare import scenario_title

    return scenario_title(name, lang)


def slider_step(low: float, high: float, integer: bool) -> float:
    """A round step (1, 2 or 5 times a power of ten) near 1/100 of the range, so that
    round values such as a scenario's 0.4 or 1.0 sit exactly on the slider."""
    if integer:
        return 1
    raw = (high - low) / 100
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power * 1.0001:
            return round(m * power, 10)
    return raw


@solara.component
def LeverSliders(values: dict, on_change, lang: str):
    """One slider per lever, with label, unit, bounds and help from the schema."""
    for name in LEVERS:
        p = PARAMETERS[name]
        value = values.get(name, p.default)
        step = slider_step(p.low, p.high, p.integer)
        with solara.Column(gap="0px", classes=[f"reve-lever-{name}"]):
            with solara.Tooltip(lever_help(name, lang)):
                solara.Text(f"{p.label(lang)} ({unit_label(p.unit, lang)})",
                            style={"font-size": "0.85em"})
            if p.integer:
                solara.SliderInt("", value=int(value), min=int(p.low), max=int(p.high),
                                 step=1, on_value=lambda v, n=name: on_change(n, v),
                                 tick_labels="end_points")
            else:
                solara.SliderFloat("", value=float(value), min=p.low, max=p.high, step=step,
                                   on_value=lambda v, n=name: on_change(n, v),
                                   tick_labels="end_points")


@solara.component
def LiveControls():
    """The sidebar: scenario, levers, seed, size, play/pause/step/restart, speed."""
    lang = state.lang.value
    ScenarioSelect(t("scenario", lang), state.scenario.value, state.choose_scenario, lang,
                   "reve-scenario")
    spec = scenarios.load(state.scenario.value)
    if spec.get("question") and lang == "en":
        solara.Text(spec["question"], style={"font-style": "italic"})
    run = state.live.value
    playing = state.playing.value
    finished = run is not None and run.finished
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.Button(t("pause", lang) if playing else t("play", lang),
                      icon_name="mdi-pause" if playing else "mdi-play", color="primary",
                      on_click=state.toggle_play, disabled=finished, classes=["reve-play"])
        solara.Button(t("step", lang), icon_name="mdi-step-forward", on_click=state.step,
                      disabled=playing or finished, classes=["reve-step"])
        solara.Button(t("step4", lang), on_click=lambda: state.step(4),
                      disabled=playing or finished, classes=["reve-step4"])
        solara.Button(t("reset", lang), icon_name="mdi-restart", on_click=state.restart,
                      classes=["reve-reset"])
    solara.SliderInt(t("speed", lang), value=state.speed, min=1, max=5,
                     tick_labels="end_points")
    solara.Text(t("speed_help", lang), style={"font-size": "0.8em", "color": "#666"})
    if state.applied.value and state.inputs() != state.applied.value:
        solara.Info(t("levers_changed", lang), dense=True)
    para(t("levers", lang), bold=True)
    LeverSliders(state.levers.value, state.set_lever, lang)
    with solara.Tooltip(t("seed_help", lang)):
        solara.InputText(t("seed", lang), value=state.seed_text, continuous_update=True,
                         classes=["reve-seed"])
    solara.SliderInt(f"{t('size', lang)} ({MIN_ACTORS}–{MAX_ACTORS})", value=state.n_actors,
                     min=MIN_ACTORS, max=MAX_ACTORS, step=100, tick_labels="end_points")
    solara.Button(t("save", lang), icon_name="mdi-content-save", on_click=state.save,
                  disabled=run is None or run.week == 0, text=True, classes=["reve-save"])
