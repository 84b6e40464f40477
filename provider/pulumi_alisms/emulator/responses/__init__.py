"""Per-family operation handlers: each module has ``VERSION`` and ``OPERATIONS`` (action -> handler).

Handlers parse ``ctx.params``, call their family's backend and render the answer; ``emulator/routes.py``
gathers ``MODULES``.
"""

from pulumi_alisms.emulator.responses import (
    authorization_letters,
    mainland_sending,
    qualifications,
    signatures,
    uploads,
)

MODULES = (uploads, qualifications, authorization_letters, signatures, mainland_sending)
