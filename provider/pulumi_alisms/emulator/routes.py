"""The operation table: (Version, Action) -> handler, gathered from the responses modules.

A new API family adds its ``responses`` module to :data:`FAMILIES` (and its backend's ``SCHEMA`` to
:data:`pulumi_alisms.emulator.backends.SCHEMAS`).
"""

from pulumi_alisms.emulator.context import Handler
from pulumi_alisms.emulator.responses import (
    contacts,
    fraud,
    frequency,
    quota,
    sender_ids,
    sending,
    templates,
    thresholds,
)

FAMILIES = (templates, contacts, thresholds, frequency, fraud, quota, sending, sender_ids)

ROUTES: dict[tuple[str, str], Handler] = {
    (family.VERSION, action): handler for family in FAMILIES for action, handler in family.OPERATIONS.items()
}
ACTIONS: frozenset[str] = frozenset(action for _, action in ROUTES)
