"""Same seed, same bits: in one process, across fresh processes, across thread counts;
different seeds differ; scenarios share their random numbers until they diverge."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest
from reve_testing import LOCKDOWN, PROGRAMME, digest_in_subprocess, model_digest, run_digest

from reve_sim import ReveModel
from reve_sim.calendar import week_of

# a run in which every kernel has work: shock, programme call, funding end, rentrée (52)
FULL = dict(n_actors=800, shocks=[LOCKDOWN], programmes=[PROGRAMME], brokerage=0.3,
            animation=0.5, release_time=1.0, recognition=0.2, funding_renewal=0.5)
FULL_WEEKS = 60


def test_same_seed_same_bits_in_one_process():
    a = run_digest(dict(seed=21, **FULL), FULL_WEEKS)
    b = run_digest(dict(seed=21, **FULL), FULL_WEEKS)
    assert a == b


def test_the_run_is_not_trivial():
    m = ReveModel(seed=21, **FULL).run(FULL_WEEKS)
    w = m.weekly()
    assert w.joins.sum() > 0 and w.exits.sum() > 0 and w.births.sum() > 0
    assert w.deaths.sum() > 0 and w.shock.any() and len(m.mobility_log) == 1


def test_running_in_pieces_equals_running_at_once():
    a = ReveModel(seed=4, **FULL).run(FULL_WEEKS)
    b = ReveModel(seed=4, **FULL)
    for chunk in (1, 9, 20, 30):
        b.run(chunk)
    assert model_digest(a) == model_digest(b)
    assert a.summary() == pytest.approx(b.summary(), nan_ok=True)


def test_running_a_span_equals_stepping_week_by_week():
    """``run`` computes the weeks between two rentrées in one call and moves Mesa's clock on
    afterwards: the same bits, clock, step count and collection as one ``step()`` a week,
    and the model goes on from there either way."""
    kwargs = dict(seed=21, **FULL, found_rate=0.3)  # the collective table grows mid-span
    spans = ReveModel(**kwargs).run(FULL_WEEKS)
    weekly = ReveModel(**kwargs)
    for _ in range(FULL_WEEKS):
        weekly.step()
    assert model_digest(spans) == model_digest(weekly)
    for m in (spans, weekly):
        assert (m.time, m.steps, m.week) == (FULL_WEEKS, FULL_WEEKS, FULL_WEEKS)
        assert m.datacollector._collection_steps == list(range(1, FULL_WEEKS + 1))
        m.step()
        m.run(3)
        assert (m.time, m.steps, m.week) == (FULL_WEEKS + 4,) * 3
    assert model_digest(spans) == model_digest(weekly)


def test_other_mesa_events_keep_their_time():
    """With another Mesa event scheduled, ``run`` steps week by week, so the event runs
    between the weeks it falls between."""
    seen = []
    m = ReveModel(seed=4, n_actors=300)

    def note():  # Mesa holds event callbacks by weak reference: a named function, kept
        seen.append((m.time, m.week))

    m.schedule_event(note, at=5.5)
    m.run(10)
    assert seen == [(5.5, 5)]
    assert (m.time, m.steps, m.week) == (10, 10, 10)
    assert model_digest(m) == model_digest(ReveModel(seed=4, n_actors=300).run(10))


def test_numba_cache_follows_every_compiled_source(tmp_path):
    """An edit of any compiled source (say the rules, inlined into the cached plan of another
    file) empties the package's Numba cache, so that everything compiles again; an
    unchanged package keeps it, and other files in the cache directory stay."""
    from reve_sim import jit_cache

    package, cache = tmp_path / "package", tmp_path / "cache"
    package.mkdir()
    for name in jit_cache.COMPILED_SOURCES:
        (package / name).write_text(f"# {name}\n")

    def fill():
        for name in ("week.run_weeks_serial-253.py312.nbi", "rules.leaves-180.py312.1.nbc",
                     "other.f-1.py312.nbi"):
            (cache / name).write_text("cached")
        return sorted(p.name for p in cache.iterdir())

    jit_cache.keep_in_step(cache, package)
    full = fill()
    jit_cache.keep_in_step(cache, package)
    assert sorted(p.name for p in cache.iterdir()) == full  # unchanged sources: kept
    (package / "rules.py").write_text("# a rule changed\n")
    jit_cache.keep_in_step(cache, package)
    assert sorted(p.name for p in cache.iterdir()) == ["other.f-1.py312.nbi", jit_cache.RECORD]


def test_views_and_summaries_do_not_disturb_the_run():
    """Reading the model (Mesa views, tables, summaries) draws no random numbers."""
    a = ReveModel(seed=6, **FULL)
    b = ReveModel(seed=6, **FULL)
    for _ in range(20):
        a.step()
        b.step()
        b.summary()
        b.weekly()
        seen = [b.actor(i).memberships for i in range(0, b.n_actors, 97)]
        seen += [b.collective(c).members for c in range(b.n_used)]
        assert seen
    assert model_digest(a) == model_digest(b)


@pytest.mark.slow
def test_same_seed_same_bits_across_fresh_processes():
    kwargs = dict(seed=21, **FULL)
    here = run_digest(kwargs, FULL_WEEKS)
    one = digest_in_subprocess(kwargs, FULL_WEEKS, hash_seed="1")
    two = digest_in_subprocess(kwargs, FULL_WEEKS, hash_seed="2")
    assert one["digest"] == two["digest"] == here


@pytest.mark.slow
def test_thread_count_does_not_change_a_bit():
    kwargs = dict(seed=8, n_actors=4000, shocks=[LOCKDOWN], programmes=[PROGRAMME],
                  brokerage=0.3, animation=0.5, release_time=1.0)
    one = digest_in_subprocess(kwargs, 60, threads=1, parallel=True)
    two = digest_in_subprocess(kwargs, 60, threads=2, parallel=True)
    serial = digest_in_subprocess(kwargs, 60, threads=2, parallel=False)
    assert one["threads"] == 1 and two["threads"] == 2
    assert one["parallel"] and two["parallel"] and not serial["parallel"]
    assert one["digest"] == two["digest"] == serial["digest"]


def test_serial_twins_give_the_same_bits(monkeypatch):
    """Small models run the serial twins of the threaded kernels (reve_sim.twins)."""
    import reve_sim.model

    kwargs = dict(seed=21, **FULL)
    monkeypatch.setattr(reve_sim.model, "PARALLEL_FROM", 0)
    assert ReveModel(**kwargs).parallel
    threaded = run_digest(kwargs, FULL_WEEKS)
    monkeypatch.setattr(reve_sim.model, "PARALLEL_FROM", 10**12)
    assert not ReveModel(**kwargs).parallel
    assert run_digest(kwargs, FULL_WEEKS) == threaded


def test_phase_by_phase_gives_the_same_bits():
    """The compiled week (one call) and the plan run phase by phase from Python
    (``phased``) give the same bits, including weeks whose founding first needs more
    collective rows (the compiled week stops, the model grows the table, the week goes on)."""
    kwargs = dict(seed=21, **FULL, found_rate=0.3)
    compiled = ReveModel(**kwargs)
    rows_at_start = compiled.collectives.key.shape[0]
    compiled.run(FULL_WEEKS)
    assert compiled.collectives.key.shape[0] > rows_at_start  # the table had to grow
    phased = ReveModel(**kwargs)
    phased.phased = True
    phased.run(FULL_WEEKS)
    assert model_digest(phased) == model_digest(compiled)
    assert all(t > 0 for t in phased.phase_seconds.values())


def test_different_seeds_differ():
    digests = {run_digest(dict(seed=s, n_actors=500), 10) for s in (1, 2, 3)}
    assert len(digests) == 3
    a = ReveModel(seed=1, n_actors=500)
    b = ReveModel(seed=2, n_actors=500)
    assert not np.array_equal(a.actors.propensity, b.actors.propensity)
    assert not np.array_equal(a.tie_rows, b.tie_rows)


def test_scenarios_share_random_numbers_until_they_diverge():
    """A shock starting at week 40 leaves weeks 0-39 bit-identical to the baseline."""
    start = "2019-09-02"
    late = {"start": "2020-06-08", "end": "2020-07-06", "need": 0.5, "anxiety": 0.5,
            "in_person": 0.3, "founding": 2.0}
    s = week_of(start, late["start"])
    assert s == 40
    kw = dict(seed=13, n_actors=1500, start_date=start, brokerage=0.2)
    base = ReveModel(shocks=[], **kw)
    scen = ReveModel(shocks=[late], **kw)
    for _ in range(s):
        base.step()
        scen.step()
    assert model_digest(base) == model_digest(scen)
    base.step()
    scen.step()
    assert model_digest(base) != model_digest(scen)
    assert scen.weekly().mean_need.iloc[-1] > base.weekly().mean_need.iloc[-1]


def test_a_late_lever_change_leaves_other_actors_untouched():
    """Common random numbers at actor level: a programme call at week 30 changes the
    recruited actors, and the other actors' personal states stay identical that week."""
    kw = dict(seed=17, n_actors=1500, start_date="2019-09-02")
    prog = {"start": "2020-03-30", "per_1000": 2.0, "duration_weeks": 10.0}
    w = week_of("2019-09-02", prog["start"])
    base = ReveModel(**kw).run(w + 1)
    scen = ReveModel(programmes=[prog], **kw).run(w + 1)
    recruited = (scen.slots.coll >= base.n_used).any(axis=1)
    assert 0 < recruited.sum() < 100
    same = ~recruited
    # the week's own decisions (contingencies, wellbeing) are identical for everyone
    for field in ("unavailable_until", "available", "need", "anxiety", "efficacy"):
        assert np.array_equal(getattr(base.actors, field), getattr(scen.actors, field)), field
    # memberships of actors not recruited by the call are identical in that week
    assert np.array_equal(base.slots.coll[same], scen.slots.coll[same])


def test_mesa_batch_run():
    """mesa.batch_run drives the model (it passes the seed as ``seed``/``rng``)."""
    import mesa

    method = multiprocessing.get_start_method(allow_none=True)
    try:
        rows = mesa.batch_run(ReveModel, parameters={"n_actors": [300], "brokerage": [0.0, 0.5]},
                              rng=[1, 2], max_steps=10, number_processes=1,
                              display_progress=False)
    finally:  # batch_run forces the 'spawn' start method globally
        multiprocessing.set_start_method(method, force=True)
    assert len(rows) == 4
    for row in rows:
        assert row["Step"] == 10 and row["n_actors"] == 300
        for name in ("engaged_actors", "memberships", "active_collectives", "joins",
                     "mean_need", "mean_engagement"):
            assert name in row and np.isfinite(row[name]), name
    by_key = {(r["seed"], r["brokerage"]): r for r in rows}
    assert set(by_key) == {(1, 0.0), (1, 0.5), (2, 0.0), (2, 0.5)}
    # the rows are the model's own: a direct run with the same seed gives the same value
    direct = ReveModel(seed=2, n_actors=300, brokerage=0.5).run(10).weekly()
    assert by_key[(2, 0.5)]["memberships"] == direct.memberships.iloc[-1]
