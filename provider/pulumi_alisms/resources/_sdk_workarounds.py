"""Work-arounds for Pulumi SDK bugs that this package's resources hit; imported for its effect by ``_base``.

``pulumi.dynamic.dynamic.serialize_provider`` (seen in pulumi 3.272) makes pickling deterministic by
setting ``pickle._Pickler._batch_setitems`` to a function that sorts the items and calls the method it found
there, and never puts the original back. Each dynamic resource constructed in a process therefore adds a
layer: every later serialization goes through all of them (construction cost grows with each resource), and
with Python's default recursion limit the ~980th of this package's resources raises ``RecursionError``.
The sorting also stays on for every later ``pickle._Pickler``/``dill`` dump in the process. docs/performance.md
has the upstream report.

The fix here keeps the SDK's function but puts every attribute of the pure-Python pickler back as it was
after each call, so each serialization works on the unpatched pickler and patches it exactly once. It is
installed only when a probe at import shows that each call of the SDK's function leaves the pickler changed
again; with a fixed SDK nothing is replaced.
"""

import functools
import pickle
import threading
from collections.abc import Callable
from typing import Any

from pulumi.dynamic import ResourceProvider, dynamic

SerializeProvider = Callable[[ResourceProvider], str]
# The pickler the SDK patches: ``pickle._Pickler``, which it also installs as ``pickle.Pickler`` during a call.
_PICKLER: type = pickle._Pickler
_Snapshot = tuple[Any, dict[str, Any]]


def _snapshot() -> _Snapshot:
    return pickle.Pickler, dict(vars(_PICKLER))


def _restore(snapshot: _Snapshot) -> None:
    pickler, attributes = snapshot
    pickle.Pickler = pickler  # type: ignore[misc]
    current = vars(_PICKLER)
    for name in current.keys() - attributes.keys():
        delattr(_PICKLER, name)
    for name, value in attributes.items():
        if current.get(name) is not value:
            setattr(_PICKLER, name, value)


def leaves_pickler_patched(serialize: SerializeProvider) -> bool:
    """Whether each call of ``serialize`` leaves the pickler different from how the previous call left it (the
    SDK bug), probed with two calls. If so, the pickler is put back as it was before the probe; if not, it is
    left as ``serialize`` keeps it (a fixed SDK may patch it once and rely on that)."""
    before = _snapshot()
    serialize(ResourceProvider())
    after_first = _snapshot()
    serialize(ResourceProvider())
    if _snapshot() == after_first:
        return False
    _restore(before)
    return True


def restoring_pickler(serialize: SerializeProvider) -> SerializeProvider:
    """``serialize``, putting the pickler back as it found it after each call (one call at a time)."""
    lock = threading.RLock()

    @functools.wraps(serialize)
    def serialize_provider(provider: ResourceProvider) -> str:
        with lock:
            before = _snapshot()
            try:
                return serialize(provider)
            finally:
                _restore(before)

    return serialize_provider


def install() -> None:
    """Replace the SDK's ``serialize_provider`` (which ``dynamic.Resource`` looks up at each construction) with
    one that restores the pickler, if and only if the SDK's leaves it patched."""
    if leaves_pickler_patched(dynamic.serialize_provider):
        dynamic.serialize_provider = restoring_pickler(dynamic.serialize_provider)


install()
