"""Serial twins of the parallel kernels, for small models.

Launching a ``prange`` loop costs microseconds even on one thread, more than the loop
itself at workshop and sensitivity-analysis sizes (a few thousand actors), where a week
runs some twenty parallel loops. Each parallel kernel is therefore also compiled without
threads (``prange`` then runs as ``range``): the same code, hence the same bits, since the
kernels' results do not depend on the number of threads.
"""

from __future__ import annotations

import types
from types import SimpleNamespace

from numba import njit
from numba.core.registry import CPUDispatcher


def serial_twins(namespace: dict, also: tuple[str, ...] = (),
                 use: tuple[SimpleNamespace, ...] = (),
                 constants: dict | None = None) -> SimpleNamespace:
    """A module's compiled functions, without threads: serial twins of its parallel kernels
    (and of the functions named in ``also``, which call parallel ones), compiled on first
    use and cached like the originals; its other compiled functions as they are.

    A twin sees the module's names with the twins in place of the parallel kernels, so a
    twin calling a kernel calls its twin. Kernels imported from other modules are given
    their twins there through ``use`` (other modules' SERIAL), not compiled again.
    ``constants``: module constants the twins see with other values (a kernel may then take
    a serial path of its own, e.g. one pass where threads need two)."""
    imported = {name: obj for twins in use for name, obj in vars(twins).items()}
    compiled = {name: obj for name, obj in namespace.items() if isinstance(obj, CPUDispatcher)}
    names = [name for name, obj in compiled.items()
             if obj.targetoptions.get("parallel") and name not in imported]
    names += list(also)
    scope = {**namespace, **(constants or {})}
    scope.update({name: obj for name, obj in imported.items() if name in namespace})
    twins = {name: imported.get(name, obj) for name, obj in compiled.items()}
    for name in names:
        fn = namespace[name].py_func
        twin = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__,
                                  fn.__closure__)
        twin.__qualname__ = f"{fn.__qualname__}_serial"  # its own Numba cache file
        twin.__doc__ = fn.__doc__
        twins[name] = njit(cache=True, inline=namespace[name].targetoptions.get("inline",
                                                                              "never"))(twin)
    scope.update({name: twins[name] for name in names})
    return SimpleNamespace(**twins)
