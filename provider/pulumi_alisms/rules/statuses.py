"""The one status vocabulary: review states as every layer (emulator, client, resources, spec, CLI) names them.

Resources report these PascalCase values as ``status``; the wire keeps Alibaba's own encodings, which
each side translates at its edge.
"""

from enum import StrEnum


class RegistrationStatus(StrEnum):
    """A SenderID registration's review state (this project's contract, docs/api.md)."""

    SUBMITTED = "Submitted"
    DOCUMENTS_TO_BE_RENDERED = "DocumentsToBeRendered"
    DOCUMENTS_RENDERED = "DocumentsRendered"
    UNDER_REVIEW = "UnderReview"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    EXPIRED = "Expired"
    AWAITING_CONSOLE_REGISTRATION = "AwaitingConsoleRegistration"
    """Console mode (docs/console-mode.md): declared, not yet recorded as submitted in Alibaba's console. A
    ``SenderId`` resource's status only, never an account's: open (not closed), and not sendable (only
    ``Approved`` is)."""


CLOSED_REGISTRATION_STATUSES: frozenset[RegistrationStatus] = frozenset(
    {RegistrationStatus.REJECTED, RegistrationStatus.EXPIRED}
)
"""Registrations that no longer count as the account's sender ID for their country."""


class ReviewStatus(StrEnum):
    """A template's (and, for the mainland, a signature's or qualification's) review state."""

    UNDER_REVIEW = "UnderReview"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    CANCELLED = "Cancelled"
    MATERIALS_REQUIRED = "MaterialsRequired"  # a qualification whose documents must be supplemented (NOT_FINISH)
    UNKNOWN = "Unknown"


class CarrierRegistrationStatus(StrEnum):
    """A mainland signature's real-name registration with one carrier, after its approval.

    GetSmsSign ``SignIspRegisterDetailList[].RegisterStatus`` on the wire: -2, -1, 0, 1, 2, 3 in this order.
    """

    NOT_REGISTERED = "NotRegistered"
    REGISTERING = "Registering"
    FAILED = "Failed"
    PENDING_VERIFICATION = "PendingVerification"
    EXPIRED = "Expired"
    REGISTERED = "Registered"


SENDABLE_CARRIER_STATUSES: frozenset[CarrierRegistrationStatus] = frozenset(
    {CarrierRegistrationStatus.PENDING_VERIFICATION, CarrierRegistrationStatus.REGISTERED}
)
"""Carrier registrations under which a signature's messages are delivered."""
