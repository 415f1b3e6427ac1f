"""Workshop app without a browser: guard rails, events, layout, replay, export, and the
page's components rendered with ``solara.render`` (controls bound to the parameters)."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets as widgets
import numpy as np
import pytest
import solara
from app_support import reset_app_state, saved_run

from reve_sim.app import Run, settle
from reve_sim.app.events import describe
from reve_sim.app.export import frame_weeks
from reve_sim.app.export import main as replay_main
from reve_sim.app.guards import MAX_ACTORS, MIN_ACTORS, scenario_levers
from reve_sim.app.names import collective_names
from reve_sim.app.replay import ReplayError, check, load, replay
from reve_sim.parameters import PARAMETERS

# --- guard rails ----------------------------------------------------------------------------


def test_settle_clips_and_explains():
    s = settle("lockdown_2020", "abc", 50, {"animation": 3.0, "funding_duration": 2.4},
               weeks=999, lang="fr")
    assert s.seed == 1 and s.n_actors == MIN_ACTORS and s.weeks == 260
    assert s.levers["animation"] == PARAMETERS["animation"].high
    assert s.levers["funding_duration"] == PARAMETERS["funding_duration"].low
    text = " ".join(s.notes)
    assert "Graine" in text and "Nombre d'acteurs" in text and "Soutien à l'animation" in text
    assert "260" in text
    s = settle("nope", "7", 10**9, lang="en")
    assert s.scenario == "baseline" and s.seed == 7 and s.n_actors == MAX_ACTORS
    assert any("Unknown scenario" in n for n in s.notes)
    s = settle("reve", "3", 2000)
    assert s.notes == [] and s.parameters()["animation"] == 0.6


def test_scenario_levers_fill_every_lever():
    levers = scenario_levers("reve")
    assert levers["animation"] == 0.6 and levers["brokerage"] == 0.4
    assert set(levers) == {n for n, p in PARAMETERS.items() if p.group == "lever"}


# --- runs, events, names, layout --------------------------------------------------------------


@pytest.fixture(scope="module")
def lockdown_run():
    s = settle("lockdown_2020", "3", 600)
    run = Run(s.parameters(), s.seed, 40, title="lockdown")
    run.run_to()
    return run


def test_run_records_frames_and_plain_events(lockdown_run):
    run = lockdown_run
    assert run.week == 40 and len(run.history.frames) == 41 and run.finished
    kinds = {e.kind for e in run.events}
    assert {"shock_start", "born"} <= kinds
    start = next(e for e in run.events if e.kind == "shock_start")
    assert start.week == 28  # 2020-03-16 counted from the 2019-09-02 rentrée
    names = run.names("fr")
    assert describe(start, names, "fr") == "semaine 28 : début : Confinement : écoles fermées"
    assert describe(start, names, "en") == "week 28: starts: Lockdown: schools closed"
    lost = [e for e in run.events if e.kind == "animator_lost"]
    assert lost, "a 40-week run loses some animators"
    sentence = describe(lost[0], names, "fr")
    assert sentence.startswith(f"semaine {lost[0].week} : le collectif « ")
    assert sentence.endswith(("perd son animatrice", "perd son animateur"))
    # frames match the model's own arrays at the end
    f = run.history.last
    coll = run.model.slots.coll
    assert f.n_members.sum() == np.count_nonzero(coll[coll >= 0] < f.n)


def test_collective_names_are_readable_and_unique():
    names = collective_names(np.array([1, 1, 0, 1]), np.array([0, 0, 2, 1]), 6, "fr")
    assert names == ["Inclusion 86", "Inclusion 86 nº 2", "Enseignement à distance 17",
                     "Inclusion 79"]


def test_network_layout_is_computed_once_and_stable(lockdown_run):
    run = lockdown_run
    early, late = run.history.at(5), run.history.last
    xy_early = run.layout.positions(early.problem, early.territory).copy()
    xy_late = run.layout.positions(late.problem, late.territory)
    assert np.array_equal(xy_late[: early.n], xy_early)  # nodes never move
    assert np.isfinite(xy_late).all()


def test_figures_draw_with_markers(lockdown_run):
    from reve_sim.app.charts import curves_figure
    from reve_sim.app.network import network_figure

    run = lockdown_run
    fig = curves_figure([(run.title, run.weekly())], run.markers(), run.horizon, "fr")
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert "Confinement : écoles fermées" in labels and "Réouverture partielle" in labels
    assert "Rentrée" not in labels  # the 2020 rentrée (week 52) is past this 40-week run
    fig = network_figure(run.history.last, run.layout, 6, "en")
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert "Teachers" in labels and "shared members" in labels


# --- replay and export ------------------------------------------------------------------------


def test_replay_is_checked_against_the_saved_table(tmp_path):
    target = saved_run(tmp_path / "run")
    run, result = replay(target)
    assert result.ok and run.week == 12
    saved = load(target)
    saved.weekly.loc[3, "engaged_actors"] += 1
    bad = check(run, saved)
    assert not bad.ok and "engaged_actors, week 3" in bad.detail
    with pytest.raises(ReplayError, match="not a complete results folder"):
        load(tmp_path)


def test_replay_export_writes_gif_with_expected_frames(tmp_path, capsys):
    from PIL import Image

    target = saved_run(tmp_path / "run", weeks=9)
    out = tmp_path / "slides"
    assert replay_main([str(target), "--out", str(out), "--every", "2", "--no-mp4",
                        "--dpi", "50"]) == 0
    assert frame_weeks(9, 2) == [1, 3, 5, 7, 9]
    with Image.open(out / "replay.gif") as gif:
        assert gif.n_frames == 5
    assert (out / "replay_summary.png").stat().st_size > 10_000
    assert (out / "replay_summary.pdf").read_bytes().startswith(b"%PDF")
    assert "identical to weekly.parquet" in capsys.readouterr().out


# --- the page's components ----------------------------------------------------------------


@pytest.fixture
def page_rc():
    from reve_sim.app import components, page, state

    reset_app_state()

    @solara.component
    def Harness():
        if state.live.value is None and state.error.value is None:
            state.restart()
        with solara.Column():
            components.LiveControls()
            page.LiveTab()

    box, rc = solara.render(Harness(), handle_error=False)
    yield rc, state
    state.playing.set(False)
    rc.close()
    reset_app_state()


def _lever_slider(rc, name: str):
    """The slider inside the column the page tags ``reve-lever-<name>``."""
    box = rc.find(v.Sheet, class_=f"d-flex ma-0 reve-lever-{name}").widget
    todo = [box]
    while todo:
        w = todo.pop()
        if isinstance(w, v.Slider):
            return w
        todo.extend(c for c in getattr(w, "children", []) if isinstance(c, widgets.Widget))
    raise AssertionError(f"no slider for {name}")


def _images(rc) -> dict[str, bytes]:
    return {w._dom_classes[-1]: w.value for w in rc.find(widgets.Image).widgets}


def test_page_steps_and_redraws(page_rc):
    rc, state = page_rc
    assert state.live.value.week == 0 and state.lang.value == "fr"
    before = _images(rc)
    assert set(before) == {"reve-network", "reve-curves"}
    rc.find(v.Btn, class_="reve-step").widget.click()
    rc.find(v.Btn, class_="reve-step4").widget.click()
    assert state.live.value.week == 5
    after = _images(rc)
    assert after["reve-network"] != before["reve-network"]
    assert after["reve-curves"] != before["reve-curves"]
    rc.find(v.Btn, class_="reve-reset").widget.click()
    assert state.live.value.week == 0


def test_controls_are_bound_to_parameters(page_rc):
    rc, state = page_rc
    rc.find(v.Select, class_="reve-scenario").widget.v_model = "reve"
    assert state.live.value.scenario == "reve"
    assert state.levers.value["animation"] == 0.6  # the scenario's levers fill the sliders
    label = f"{PARAMETERS['brokerage'].label_fr} (0-1)"
    texts = [w.children for w in rc.find(v.Html).widgets]
    assert [label] in texts or label in str(texts)  # the lever's label comes from the schema
    lever_slider = _lever_slider(rc, "brokerage")
    assert lever_slider.v_model == 0.4
    assert (lever_slider.min, lever_slider.max) == (PARAMETERS["brokerage"].low,
                                                    PARAMETERS["brokerage"].high)
    lever_slider.v_model = 0.9
    assert state.levers.value["brokerage"] == 0.9
    rc.find(v.TextField, label="Graine (tirage aléatoire)").widget.v_model = "12"
    assert state.live.value.model.params["brokerage"] == 0.4  # not applied yet
    rc.find(v.Btn, class_="reve-reset").widget.click()
    run = state.live.value
    assert run.model.params["brokerage"] == 0.9 and run.model.seed == 12


def test_bad_input_is_corrected_with_a_visible_message(page_rc):
    rc, state = page_rc
    rc.find(v.TextField, label="Graine (tirage aléatoire)").widget.v_model = "douze"
    rc.find(v.Btn, class_="reve-reset").widget.click()
    assert state.live.value.model.seed == 1 and state.seed_text.value == "1"
    alerts = " ".join(str(w.children) for w in rc.find(v.Alert).widgets)
    assert "n'est pas un nombre entier" in alerts


def test_model_error_shows_an_error_panel(page_rc, monkeypatch):
    rc, state = page_rc

    def broken(self):
        raise FloatingPointError("kernel blew up")

    monkeypatch.setattr(Run, "_one_week", broken)
    rc.find(v.Btn, class_="reve-step").widget.click()
    assert state.error.value is not None and state.playing.value is False
    assert any("reve-error" in (w.class_ or "") for w in rc.find(v.Card).widgets)
    texts = " ".join(str(w.children) for w in rc.find(v.Alert).widgets)
    assert "kernel blew up" in texts


def test_language_switch(page_rc):
    rc, state = page_rc
    from reve_sim.app import state as st

    st.toggle_lang()
    assert state.lang.value == "en"
    labels = [w.children[-1] for w in rc.find(v.Btn).widgets]
    assert "Next week" in labels and "Restart" in labels
    assert state.live.value.title == "Ordinary school years"


def test_play_runs_to_the_end_of_the_scenario(page_rc):
    rc, state = page_rc
    run = state.live.value
    run.horizon = 6  # a short scenario, so playing ends quickly
    state.speed.set(5)
    state.playing.set(True)
    state.play_loop()  # the body of the play thread, run here synchronously
    assert run.week == 6 and state.playing.value is False
    assert "Fin du scénario (6 semaines)" in state.message.value
    assert rc.find(v.Btn, class_="reve-step").widget.disabled
