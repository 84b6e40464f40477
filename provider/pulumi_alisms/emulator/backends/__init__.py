"""Per-family backends: each owns its tables (its ``SCHEMA``) and its state machine.

``SCHEMAS`` holds every family's CREATE statements; :class:`~pulumi_alisms.emulator.store.Store` runs them.
"""

from pulumi_alisms.emulator.backends import (
    authorization_letters,
    mainland_sending,
    qualifications,
    signatures,
    uploads,
)

SCHEMAS: tuple[str, ...] = tuple(
    family.SCHEMA for family in (uploads, qualifications, authorization_letters, signatures, mainland_sending)
)
