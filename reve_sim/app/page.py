"""The workshop page: ``solara run reve_sim.app.page`` (``reve-sim-app`` does it for you).

Three tabs share the sidebar's seed and size: *Simulation* (play a scenario week by
week), *Comparer* (two scenarios on the same seed) and *Revoir* (replay a saved run with
a week slider). The page is French by default; the button in the top bar switches the
interface and the figures to English.
"""

from __future__ import annotations

import solara

from . import state
from .compare import make_pair, outcome_rows, run_pair
from .components import (
    CurvesView,
    ErrorPanel,
    EventLog,
    LiveControls,
    MarkerList,
    NetworkView,
    Notes,
    ScenarioSelect,
    heading,
    para,
    table,
)
from .guards import TIME_LIMIT_SECONDS, settle
from .replay import ReplayError, find_runs, replay
from .texts import t

compare_a = solara.reactive(None)  # scenario names; None = the live scenario
compare_b = solara.reactive("reve")
compare_week = solara.reactive(None)
replay_path = solara.reactive("")
replay_week = solara.reactive(0)
tab = solara.reactive(0)


@solara.lab.task
def compare_task(a: str, b: str, seed, n_actors, lang: str):
    run_a, run_b, notes = make_pair(a, b, seed, n_actors, lang)

    def progress(done, total):
        compare_task.progress = 100.0 * done / max(total, 1)

    finished = run_pair(run_a, run_b, TIME_LIMIT_SECONDS, progress)
    if not finished:
        notes = notes + [t("time_limit", lang).format(seconds=TIME_LIMIT_SECONDS,
                                                      week=min(run_a.week, run_b.week))]
    return run_a, run_b, notes


@solara.lab.task
def replay_task(path: str):
    def progress(done, total):
        if done % 8 == 0:
            replay_task.progress = 100.0 * done / max(total, 1)

    try:
        run, check = replay(path, time_limit=TIME_LIMIT_SECONDS, progress=progress)
    except ReplayError as err:
        return None, None, str(err)
    return run, check, ""


@solara.component
def Player():
    """The thread that plays the live run while ``playing`` is on."""
    solara.use_thread(state.play_loop, dependencies=[state.playing.value])


@solara.component
def LiveTab():
    lang = state.lang.value
    state.version.value  # noqa: B018 — re-render after every step
    run = state.live.value
    Notes(state.notes.value, lang)
    if state.error.value is not None:
        ErrorPanel(state.error.value, lang)
    if state.message.value:
        solara.Info(state.message.value, classes=["reve-message"])
    if run is None:
        return
    if run.week == 0:
        status = t("not_started", lang).format(horizon=run.horizon, date=run.date(0))
    else:
        last = run.week - 1
        status = t("week_status", lang).format(week=last, date=run.date(last),
                                                done=run.week, horizon=run.horizon)
    with solara.Div(classes=["reve-status"]):
        heading(run.title)
        para(status)
    with solara.Columns([5, 6]):
        with solara.Column():
            NetworkView(run, run.week, lang)
        with solara.Column():
            CurvesView([run], (run.week,), lang)
            MarkerList(run, lang)
    EventLog(run, run.week, lang)


@solara.component
def CompareTab():
    lang = state.lang.value
    a = compare_a.value or state.scenario.value
    settled = settle(a, state.seed_text.value, state.n_actors.value, lang=lang)
    para(t("compare_help", lang) + f" — seed {settled.seed}, "
         f"{settled.n_actors} {'acteurs' if lang == 'fr' else 'actors'}.")
    with solara.Row():
        ScenarioSelect(t("compare_a", lang), a, compare_a.set, lang, "reve-compare-a")
        ScenarioSelect(t("compare_b", lang), compare_b.value, compare_b.set, lang,
                       "reve-compare-b")
        solara.Button(t("compare_run", lang), color="primary", icon_name="mdi-compare",
                      on_click=lambda: compare_task(a, compare_b.value,
                                                    state.seed_text.value,
                                                    state.n_actors.value, lang),
                      disabled=compare_task.pending, classes=["reve-compare-run"])
    if compare_task.pending:
        solara.ProgressLinear(compare_task.progress or True)
        solara.Text(t("running", lang))
    if compare_task.error:
        ErrorPanel((repr(compare_task.exception), ""), lang)
        return
    result = compare_task.latest if compare_task.pending else compare_task.value
    if not result:
        return
    run_a, run_b, notes = result
    Notes(notes, lang)
    last = min(run_a.week, run_b.week)
    week = compare_week.value if compare_week.value is not None else last
    week = max(0, min(week, last))
    CurvesView([run_a, run_b], (run_a.week, run_b.week), lang, cursor=week,
               css="reve-compare-curves")
    solara.SliderInt(t("compare_week", lang), value=week, min=0, max=last,
                     on_value=compare_week.set)
    with solara.Columns([1, 1]):
        for label, run, css in (("A", run_a, "reve-compare-net-a"),
                                ("B", run_b, "reve-compare-net-b")):
            with solara.Column():
                para(f"{label} — {run.title}", bold=True)
                NetworkView(run, week, lang, legend=False, css=css)
    para(t("compare_table", lang), bold=True)
    rows = outcome_rows(run_a, run_b, lang)
    table([t("outcome", lang), f"A — {run_a.title}", f"B — {run_b.title}",
           t("difference", lang)],
          [[r["indicator"], r["A"], r["B"], f"{r['B − A']:+}"] for r in rows],
          classes="reve-compare-table")


@solara.component
def ReplayTab():
    lang = state.lang.value
    root = state.results_root()
    runs = solara.use_memo(lambda: [str(p) for p in find_runs(root)],
                           dependencies=[tab.value, replay_task.finished])
    if runs:
        solara.Select(t("replay_pick", lang), values=runs,
                      value=replay_path.value if replay_path.value in runs else None,
                      on_value=replay_path.set)
    else:
        solara.Info(t("replay_none", lang).format(root=root))
    solara.InputText(t("replay_folder", lang), value=replay_path, continuous_update=True,
                     classes=["reve-replay-path"])
    solara.Button(t("replay_open", lang), color="primary", icon_name="mdi-folder-open",
                  on_click=lambda: (replay_week.set(0), replay_task(replay_path.value)),
                  disabled=not replay_path.value or replay_task.pending,
                  classes=["reve-replay-open"])
    if replay_task.pending:
        solara.ProgressLinear(replay_task.progress or True)
        return
    if replay_task.error:
        ErrorPanel((repr(replay_task.exception), ""), lang)
        return
    if not replay_task.value:
        return
    run, check, problem = replay_task.value
    if problem:
        ErrorPanel((problem, ""), lang)
        return
    if check.ok:
        solara.Success(t("replay_check_ok", lang).format(weeks=run.week),
                       classes=["reve-replay-check"])
    else:
        solara.Warning(t("replay_check_bad", lang).format(detail=check.detail),
                       classes=["reve-replay-check"])
    week = max(0, min(replay_week.value, run.week))
    solara.SliderInt(t("replay_week", lang), value=week, min=0, max=run.week,
                     on_value=replay_week.set)
    heading(run.title)
    para(f"{t('replay_week', lang)} {week} · {run.date(week)}")
    with solara.Columns([5, 6]):
        NetworkView(run, week, lang, css="reve-replay-network")
        CurvesView([run], (run.week,), lang, cursor=week, css="reve-replay-curves")
    EventLog(run, week, lang)


@solara.component
def Page():
    lang = state.lang.value
    if state.live.value is None and state.error.value is None:
        state.restart()
    Player()
    solara.Title(t("app_title", lang))
    with solara.AppBar():
        solara.AppBarTitle(t("app_title", lang))
        solara.Button(t("language", lang), icon_name="mdi-translate", text=True,
                      on_click=state.toggle_lang, classes=["reve-lang"],
                      style={"color": "white"})
    with solara.Sidebar():
        LiveControls()
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab(t("tab_live", lang)):
            LiveTab()
        with solara.lab.Tab(t("tab_compare", lang)):
            CompareTab()
        with solara.lab.Tab(t("tab_replay", lang)):
            ReplayTab()


page = Page
