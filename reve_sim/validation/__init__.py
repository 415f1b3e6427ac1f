"""The validation ladder of reve-sim (docs/validation.md).

- level 1, analytic limits (``reve_sim.validation.analytic``): degenerate settings reached
  through ordinary parameters, compared with closed forms (domain reference §4);
- level 2, stylized facts at the default parameters (``reve_sim.validation.facts``);
- level 3, the document: ``python -m reve_sim.validation`` (console script
  ``reve-sim-validate``) runs both and writes docs/validation.md with one figure per check
  (``reve_sim.validation.report``).
"""

from .core import Check

__all__ = ["Check"]
