"""The operation table: (Version, Action) -> handler, gathered from the responses modules.

A new API family adds its ``responses`` module to :data:`FAMILIES` (and its backend's ``SCHEMA`` to
:data:`pulumi_alisms.emulator.backends.SCHEMAS`).
"""

from pulumi_alisms.emulator.context import Handler
from pulumi_alisms.emulator.responses import (
    authorization_letters,
    contacts,
    fraud,
    frequency,
    mainland_sending,
    qualifications,
    quota,
    sender_ids,
    sending,
    signatures,
    templates,
    thresholds,
    uploads,
)

FAMILIES = (templates, contacts, thresholds, frequency, fraud, quota, sending, sender_ids, uploads, qualifications,
            authorization_letters, signatures, mainland_sending)  # fmt: skip

ROUTES: dict[tuple[str, str], Handler] = {
    (family.VERSION, action): handler for family in FAMILIES for action, handler in family.OPERATIONS.items()
}
ACTIONS: frozenset[str] = frozenset(action for _, action in ROUTES)
