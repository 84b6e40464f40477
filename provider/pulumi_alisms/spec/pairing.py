"""Which live object each entry of an account file stands for, by the rules of its kind (``pulumi_alisms.kinds``).

Contacts pair by name, phone and email, then by name; templates by name, type and content, then name and
type, then name; sender IDs by ``import`` id when the entry gives one, else by (country, sender ID) among
registrations that are not Rejected or Expired. Each live object serves one entry at most, the newest first.
Thresholds, frequency limits and fraud protection are settings: an entry names its setting by id.

Each rule indexes the live objects by its key once, so pairing is linear in the number of objects.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi_alisms.kinds import KINDS, Kind, Listed

if TYPE_CHECKING:
    from pulumi_alisms.spec.live import LiveAccount
    from pulumi_alisms.spec.models import AccountSpec

_L = TypeVar("_L")
Pairing = dict[str, dict[str, Any]]
"""Kind name -> entry key -> the paired live object, ``None`` when the account has none (listed kinds only)."""


def pair(spec: "AccountSpec", live: "LiveAccount") -> Pairing:
    """Every entry of every listed kind with its live counterpart."""
    return {
        kind.name: pair_entries(kind, kind.entries(spec), live.listed(kind))
        for kind in KINDS
        if isinstance(kind.pairing, Listed)
    }


def pair_entries(kind: Kind, declared: Mapping[str, Any], live: Sequence[_L]) -> dict[str, _L | None]:
    """Strongest rule first, each pass gives every unpaired entry the newest unpaired live object it accepts."""
    assert isinstance(kind.pairing, Listed), f"{kind.name} is a setting: its entries name their setting by id"
    paired: dict[str, _L] = {}
    taken: set[int] = set()
    for rule in kind.pairing.rules:
        by_key: dict[Hashable, list[int]] = {}  # oldest first, so the newest is popped first
        for index, item in enumerate(live):
            live_key = rule.live_key(item)
            if index not in taken and live_key is not None:
                by_key.setdefault(live_key, []).append(index)
        for key, wanted in declared.items():
            entry_key = rule.entry_key(wanted)
            candidates = by_key.get(entry_key) if key not in paired and entry_key is not None else None
            if candidates:
                index = candidates.pop()
                paired[key] = live[index]
                taken.add(index)
    return {key: paired.get(key) for key in declared}


def unpaired(live: Iterable[_L], paired: Iterable[_L | None]) -> list[_L]:
    """The live objects no entry stands for."""
    used = {id(item) for item in paired if item is not None}
    return [item for item in live if id(item) not in used]
