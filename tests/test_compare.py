"""reve-sim-compare: mean and band over seeds, paired differences with confidence intervals,
figures and a tidy CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_support import REVE_SIM_COMPARE, TINY, reve_sim
from scipy import stats

from reve_sim.compare import compare, condition_label, pick_reference, summarise


def synthetic_runs() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    seed_effect = rng.normal(0, 1.0, 10)  # common to every condition at a seed
    rows = []
    for cond, shift in (("scenario=baseline", 0.0), ("scenario=reve", 0.5),
                        ("scenario=lockdown_2020", -0.2)):
        for seed in range(10):
            rows.append({"condition": cond, "scenario": cond.split("=")[1], "seed": seed,
                         "status": "complete", "y": 10 + shift + seed_effect[seed]
                         + rng.normal(0, 0.05)})
    rows.append({"condition": "scenario=reve", "scenario": "reve", "seed": 10,
                 "status": "failed", "y": np.nan})
    return pd.DataFrame(rows)


def test_paired_differences_and_bands():
    runs = synthetic_runs()
    table, ref = summarise(runs, ["y"], reference="baseline")
    assert ref == "scenario=baseline"
    row = table[table["condition"] == "scenario=reve"].iloc[0]
    done = runs[runs["status"] == "complete"].pivot(index="seed", columns="condition", values="y")
    d = done["scenario=reve"] - done["scenario=baseline"]
    assert row["n"] == 10 and row["n_pairs"] == 10
    assert row["mean"] == pytest.approx(done["scenario=reve"].mean())
    assert row["band_low"] == pytest.approx(done["scenario=reve"].quantile(0.05))
    assert row["band_high"] == pytest.approx(done["scenario=reve"].quantile(0.95))
    half = stats.t.ppf(0.975, 9) * d.std(ddof=1) / np.sqrt(10)
    assert row["diff_mean"] == pytest.approx(d.mean())
    assert row["diff_low"] == pytest.approx(d.mean() - half)
    assert row["diff_high"] == pytest.approx(d.mean() + half)
    # pairing removes the common seed effect: the interval is far narrower than the band
    assert row["diff_high"] - row["diff_low"] < 0.2 < row["band_high"] - row["band_low"]
    assert row["diff_low"] < 0.5 < row["diff_high"]
    base = table[table["condition"] == "scenario=baseline"].iloc[0]
    assert base["diff_mean"] == 0


def test_reference_choice_and_labels():
    conditions = ["scenario=baseline levers.animation=0", "scenario=baseline levers.animation=1"]
    assert pick_reference(conditions, None) == conditions[0]
    assert pick_reference(conditions, "levers.animation=1") == conditions[1]
    with pytest.raises(ValueError, match="matches 2 conditions"):
        pick_reference(conditions, "baseline")
    assert condition_label(conditions[1]) == "Ordinary school years · animation=1"
    assert condition_label(conditions[1], "fr") == "Années scolaires ordinaires · animation=1"


@pytest.mark.slow
def test_compare_a_sweep(tmp_path):
    reve_sim("-m", "scenario=baseline,lockdown_2020", "seed=0,1,2", *TINY, "weeks=40",
             "hydra/launcher=basic", f"sweep.dir={tmp_path / 'sw'}", cwd=tmp_path)
    out = reve_sim(tmp_path / "sw", cwd=tmp_path, command=REVE_SIM_COMPARE)
    assert "Reference: scenario=baseline" in out.stdout
    assert f"Table: {tmp_path / 'sw' / 'compare' / 'comparison.csv'}" in out.stdout
    french = compare(tmp_path / "sw", lang="fr")
    assert french["reference"] == "scenario=baseline"
    files = {p.name for p in (tmp_path / "sw" / "compare").iterdir()}
    for name in ("outcomes", "differences", "weekly", "outcomes_fr", "differences_fr",
                 "weekly_fr"):
        assert {f"{name}.png", f"{name}.svg"} <= files
    table = pd.read_csv(tmp_path / "sw" / "compare" / "comparison.csv")
    assert set(table["condition"]) == {"scenario=baseline", "scenario=lockdown_2020"}
    assert {"outcome", "n", "mean", "band_low", "band_high", "diff_mean", "diff_low",
            "diff_high", "reference"} <= set(table.columns)
    assert (table["n"] <= 3).all()
    assert (table[table["outcome"] == "final_engaged_share"]["n"] == 3).all()
    bad = reve_sim(tmp_path, cwd=tmp_path, command=REVE_SIM_COMPARE, check=False)
    assert bad.returncode == 2 and "is not a sweep directory" in bad.stderr
