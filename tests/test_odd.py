"""docs/ODD.md must stay in step with the parameter schema, the declared state and the plan."""

from __future__ import annotations

import dataclasses

import pytest

from reve_sim import odd_table
from reve_sim.keyed_random import DECISIONS
from reve_sim.metrics import WEEKLY_METRICS
from reve_sim.parameters import PARAMETERS, PROGRAMME_FIELDS, SHOCK_FIELDS

FIX = (f"run `{odd_table.COMMAND}` (e.g. `.venv/bin/python -m reve_sim.odd_table`) "
       "and keep the rewritten docs/ODD.md")


@pytest.fixture(scope="module")
def doc() -> str:
    return odd_table.DOC_PATH.read_text(encoding="utf-8")


def test_generated_tables_are_up_to_date(doc):
    assert odd_table.render(doc) == doc, (
        "docs/ODD.md is out of date with reve_sim/parameters.py, reve_sim/state.py or "
        f"ReveModel.PLAN: {FIX}.")


def test_every_generated_block_is_marked_once(doc):
    odd_table.check_markers(doc)  # raises with the name of the broken block
    for name in odd_table.BLOCKS:
        assert doc.count(f"<!-- BEGIN GENERATED: {name} -->") == 1


def test_render_is_idempotent(doc):
    once = odd_table.render(doc)
    assert odd_table.render(once) == once


def test_tables_follow_a_changed_default(doc, monkeypatch):
    name, p = next(iter(PARAMETERS.items()))
    value = p.low if p.low != p.default else p.high
    monkeypatch.setitem(PARAMETERS, name, dataclasses.replace(p, default=value))
    new = odd_table.render(doc)
    assert new != doc
    assert f"| `{name}` | {odd_table.fmt_number(value)} |" in new


def test_missing_or_unknown_markers_are_refused(doc):
    with pytest.raises(ValueError, match="parameters"):
        odd_table.render(doc.replace("<!-- END GENERATED: parameters -->", ""))
    with pytest.raises(ValueError, match="unknown"):
        odd_table.render(doc + "\n<!-- BEGIN GENERATED: nonsense -->\n"
                               "<!-- END GENERATED: nonsense -->\n")


def test_check_mode_reports_a_stale_document(tmp_path, doc):
    stale = tmp_path / "ODD.md"
    name = next(iter(PARAMETERS))
    stale.write_text(doc.replace(f"| `{name}` |", f"| `{name}_stale` |"), encoding="utf-8")
    assert odd_table.main(["--check", "--path", str(stale)]) == 1
    assert odd_table.main(["--path", str(stale)]) == 0
    assert odd_table.main(["--check", "--path", str(stale)]) == 0


def test_every_parameter_appears_in_the_tables(doc):
    for name in PARAMETERS:
        assert f"| `{name}` |" in doc, f"parameter {name} is missing from the tables: {FIX}."


def test_every_event_field_has_a_unit():
    missing = [f for f in (*SHOCK_FIELDS, *PROGRAMME_FIELDS) if f not in odd_table.EVENT_UNITS]
    assert not missing, f"add the unit of {missing} to reve_sim.odd_table.EVENT_UNITS"


def test_every_parameter_is_described_in_the_text(doc):
    """The generated tables list a parameter; the hand-written text must say what it does."""
    text = odd_table.hand_written(doc)
    missing = [name for name in PARAMETERS if f"`{name}`" not in text]
    assert not missing, (
        f"docs/ODD.md never describes {missing} outside the generated tables: say where each "
        "acts (section 7 formulas, section 5 or section 4.11).")


def test_every_metric_and_random_decision_is_documented(doc):
    text = odd_table.hand_written(doc)
    missing = [m for m in WEEKLY_METRICS if f"`{m}`" not in text]
    assert not missing, f"define the weekly metrics {missing} in section 4.11 of docs/ODD.md"
    missing = [d for d in DECISIONS if f"`{d}`" not in text]
    assert not missing, f"add the random decisions {missing} to section 4.10 of docs/ODD.md"
