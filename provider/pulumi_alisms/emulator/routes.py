"""The operation table: (Version, Action) -> handler, gathered from the API family modules."""

from pulumi_alisms.emulator import (
    contacts,
    fraud,
    frequency,
    quota,
    responses,
    sender_ids,
    sending,
    templates,
    thresholds,
)
from pulumi_alisms.emulator.context import Handler

FAMILIES = (templates, contacts, thresholds, frequency, fraud, quota, sending, sender_ids, *responses.MODULES)

ROUTES: dict[tuple[str, str], Handler] = {
    (family.VERSION, action): handler for family in FAMILIES for action, handler in family.OPERATIONS.items()
}
ACTIONS: frozenset[str] = frozenset(action for _, action in ROUTES)
