"""Per-family backends, as moto's ``models.py``: each owns its tables and state machine.

A backend is constructed from the operation's :class:`~pulumi_alisms.emulator.context.Context`
(``TemplatesBackend(ctx)``) and is the only code that reads or writes its tables. Each module's
``SCHEMA`` holds its ``CREATE TABLE``/``CREATE INDEX`` statements; :data:`SCHEMAS` lists them all for
:class:`~pulumi_alisms.emulator.store.Store` to create. A new family adds its module here.
"""

from pulumi_alisms.emulator.backends import (
    authorization_letters,
    contacts,
    fraud,
    frequency,
    mainland_sending,
    outbox,
    qualifications,
    quota,
    sender_ids,
    sending,
    signatures,
    templates,
    thresholds,
    uploads,
)

SCHEMAS: tuple[str, ...] = tuple(
    family.SCHEMA
    for family in (templates, contacts, thresholds, frequency, fraud, quota, sender_ids, sending, outbox, uploads,
                   qualifications, authorization_letters, signatures, mainland_sending)
)  # fmt: skip
