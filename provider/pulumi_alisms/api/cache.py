"""The one list cache: per process, per API family.

A **snapshot** of the family's list is shared by reads (refresh) so that N reads cost about N / page size list
calls instead of N gets. Rules, in order of importance:

- A write through this process (decorate the method with :func:`invalidates`) drops the family's snapshot
  when it returns or raises, and a listing that was running meanwhile is not kept.
- A snapshot is used for at most ``max_age`` seconds after its listing started (``ALISMS_LIST_CACHE_SECONDS``,
  resolved in ``AccountSettings``; default 30; 0 disables the snapshot).
- An id that is not in the snapshot is a miss, never "deleted": :meth:`ListCache.lookup` falls back to a
  direct get.
- Each entry answers one read: a refresh reads every object once, and a second read of the same object
  in this process (a later refresh, a test after an out-of-band change) asks the service again.
- Single flight: concurrent readers wait for one listing instead of each listing; each family has its
  own lock, held only to look at or install the snapshot, never across a call.
- A listing that fails installs an empty snapshot, so reads fall back to direct gets (which report their
  own errors) until it ages out.

The **first listing** is the family as this process first saw it, for creates that adopt an object an
interrupted earlier run left behind (such an object predates the process, so one listing serves every create
of the run). Writes do not refresh it; each of its entries is claimed by at most one create, and a create
:meth:`ListCache.hold`-s what it made, so that another create of the process does not take it as another run's.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

DEFAULT_MAX_AGE = 30.0
JOIN_TIMEOUT = 60.0  # a reader waits this long for another reader's listing, then reads directly
log = logging.getLogger("pulumi_alisms.api")

K = TypeVar("K")
V = TypeVar("V")
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _Flight(Generic[K, V]):
    """One listing in progress, and the readers waiting for it."""

    generation: int
    done: threading.Event = field(default_factory=threading.Event)
    entries: dict[K, V] = field(default_factory=dict)


class ListCache(Generic[K, V]):
    """The listings of one family, keyed by id; ``list_all`` returns every entry by id."""

    def __init__(self, list_all: Callable[[], Mapping[K, V]], max_age: float = DEFAULT_MAX_AGE,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.max_age = max_age
        self._list_all = list_all
        self._clock = clock
        self._lock = threading.Lock()
        self._generation = 0
        self._entries: dict[K, V] | None = None
        self._taken_at = 0.0
        self._flight: _Flight[K, V] | None = None
        self._first_lock = threading.Lock()  # held across the first listing: concurrent creates wait for it
        self._first: dict[K, V] | None = None
        self._held: set[K] = set()  # claimed or made by a create of this process

    def take(self, key: K) -> V | None:
        """The entry from a fresh snapshot (listing first if there is none), removed from it: each entry answers
        one read. ``None`` on a miss, and always when the snapshot is disabled (``max_age`` 0)."""
        if self.max_age <= 0:
            return None
        entries = self._snapshot()
        with self._lock:
            return entries.pop(key, None)

    @overload
    def lookup(self, key: K, get: Callable[[K], V | None]) -> V | None: ...

    @overload
    def lookup(self, key: K, get: Callable[[K], R | None], complete: Callable[[V], R | None]) -> R | None: ...

    def lookup(self, key: K, get: Callable[[K], Any], complete: Callable[[V], Any] | None = None) -> Any:
        """One object: the snapshot's entry (:meth:`take`), made into the answer by ``complete`` when given;
        a direct ``get(key)`` on a miss or when ``complete`` returns ``None`` (the entry is not exact enough)."""
        taken = self.take(key)
        found = taken if taken is None or complete is None else complete(taken)
        return found if found is not None else get(key)

    def first_listing(self) -> list[V]:
        """Every entry as this process first listed the family (one listing per process; writes do not refresh
        it), without those already :meth:`claim`-ed. A failed listing raises and is tried again next time."""
        with self._first_lock:
            if self._first is None:
                self._first = dict(self._list_all())
            return list(self._first.values())

    def claim(self, key: K) -> bool:
        """Take ``key`` out of the first listing; ``False`` if it is not there (claimed already), so that two
        creates never adopt the same object."""
        with self._first_lock:
            if self._first is None or key not in self._first:
                return False
            del self._first[key]
            self._held.add(key)
            return True

    def hold(self, key: K) -> None:
        """Record that a create of this process owns ``key`` (it made or adopted it)."""
        with self._first_lock:
            self._held.add(key)

    def held(self, key: K) -> bool:
        """Whether a create of this process claimed or :meth:`hold`-s ``key``."""
        with self._first_lock:
            return key in self._held

    def invalidate(self) -> None:
        """Drop the snapshot; a listing running now will not be kept."""
        with self._lock:
            self._generation += 1
            self._entries = None

    def _snapshot(self) -> dict[K, V]:
        with self._lock:
            if self._entries is not None and self._clock() - self._taken_at < self.max_age:
                return self._entries
            flight = self._flight
            leading = flight is None or flight.generation != self._generation
            if flight is None or leading:  # none running, or one that started before the last write
                flight = self._flight = _Flight(self._generation)
        if not leading:
            return flight.entries if flight.done.wait(JOIN_TIMEOUT) else {}
        started = self._clock()
        try:
            flight.entries = dict(self._list_all())
        except Exception as error:  # reads fall back to direct gets, which report their own errors
            log.warning("listing for the read cache failed (%s); reading objects one by one", error)
        finally:
            with self._lock:
                if self._flight is flight:
                    self._flight = None
                if flight.generation == self._generation:
                    self._entries, self._taken_at = flight.entries, started
            flight.done.set()
        return flight.entries


class HasListCache(Protocol):
    """An API family with a list cache."""

    list_cache: ListCache[Any, Any]


S = TypeVar("S", bound=HasListCache)


def invalidates(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Mark a write: the family's snapshot is dropped when the method returns or raises."""

    @functools.wraps(method)
    def write(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        finally:
            self.list_cache.invalidate()

    return write
