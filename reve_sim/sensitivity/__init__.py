"""Global sensitivity analysis (SALib) and scenario discovery (EMA Workbench PRIM).

Model-agnostic core, one concept per module:

- ``problem``: the factors (names, bounds, distributions); built from the parameter schema
  for reve-sim, or by hand for any function.
- ``salib``: the ONE owner of SALib's ``sample`` and ``analyze`` calls. A ``Design`` stores
  its sampling options, and the analysis reads them from it, so that (for example)
  ``calc_second_order`` can never differ between the two calls.
- ``replicates``: common random numbers (the same seed set at every design point), means
  over replicates, the noise share of variance, and the "seed as a factor" mode.
- ``checks``: warnings (small N, S1 < 0, ST > 1, sum of S1 > 1) and the missing-row refusal.
- ``convergence``: indices and ranking at N/2 vs N, with a plain-language verdict.
- ``target``: any Python function reached by import path as the model.

reve-sim specific: ``study`` (configs/sa/<study>.yaml, evaluation through the sharded,
resumable sweeps), ``figures``, ``report``, ``discovery`` (PRIM), ``cli`` (``reve-sim-sa``).
"""
