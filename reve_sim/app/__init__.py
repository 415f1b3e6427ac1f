"""The workshop app: a local page to play, compare and replay scenarios, and slide exports.

Modules, one concept each: ``texts`` (interface words, FR/EN), ``guards`` (caps and
corrections), ``history`` (weekly snapshots), ``names`` (readable collective names),
``events`` (plain-language event log), ``network`` (network view), ``charts`` (time
series with scenario markers), ``session`` (a run as the app steps it), ``compare``,
``replay`` (saved runs), ``export`` (``reve-sim-replay``), ``components`` and ``page``
(the Solara page), ``serve`` (``reve-sim-app``).

The Solara modules are not imported here, so the exports work without a browser stack.
"""

from .guards import MAX_ACTORS, MAX_WEEKS, settle
from .session import Run

__all__ = ["MAX_ACTORS", "MAX_WEEKS", "Run", "settle"]
