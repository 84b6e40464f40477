"""Administrative operations on an emulator account: the review desk, the clock, the outbox and call counters,
and the template states only the console makes (a cancelled review, a digital-SMS template).

``alisms emulator`` and tests use them on a :class:`Store` directly, not over the wire. A reviewer's
decision is final for the object it names: the automatic review does not revisit it. Mainland qualifications
and signatures are decided by ``mainland_admin``.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from pulumi_alisms.emulator import clock, mainland_admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID
from pulumi_alisms.emulator.backends import sender_ids, templates
from pulumi_alisms.emulator.backends.outbox import OutboxBackend
from pulumi_alisms.emulator.backends.sender_ids import Registration, SenderIdsBackend
from pulumi_alisms.emulator.backends.templates import Template, TemplatesBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.params import Params
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.rules.statuses import RegistrationStatus

REGISTRATION_PREFIX = sender_ids.ID_PREFIX
TEMPLATE_PREFIX = templates.CODE_PREFIX
REGISTRATION = "registration"
# What ``--kind`` accepts -> how the review desk names the kind in its decisions.
_KIND_NAMES: dict[str, str] = {REGISTRATION: sender_ids.KIND, templates.KIND: templates.KIND,
                               **{kind: kind for kind in mainland_admin.KINDS}}  # fmt: skip
KINDS: tuple[str, ...] = tuple(_KIND_NAMES)
DIGITAL_SMS_TYPE = 7  # OuterTemplateType of a digital (multimedia) SMS template, made in the console only
_DURATION = re.compile(r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}


class UnknownObjectError(LookupError):
    """No SenderID registration or template with this id in the account."""

    def __init__(self, object_id: str, account: str) -> None:
        if object_id.startswith(REGISTRATION_PREFIX):
            message = f"no SenderID registration {object_id} in account {account}"
        elif object_id.startswith(TEMPLATE_PREFIX):
            message = f"no template {object_id} in account {account}"
        else:
            message = (f"{object_id!r} is neither a SenderID registration id ({REGISTRATION_PREFIX}...) "
                       f"nor a template code ({TEMPLATE_PREFIX}...), nor a qualification id or signature name in "
                       f"account {account}")  # fmt: skip
        super().__init__(message)
        self.object_id = object_id
        self.account = account


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one object, as recorded."""

    kind: str  # "SenderID registration" | "template" | "qualification" | "signature"
    object_id: str
    account: str
    label: str  # what the object is, for people: "MYBRAND for GB", a template's name
    status: str
    reason: str | None

    @property
    def verdict(self) -> str:
        """``approved`` or ``rejected``."""
        return "approved" if self.reason is None else "rejected"

    def __str__(self) -> str:
        text = f"{self.verdict} {self.kind} {self.object_id} ({self.label}) in account {self.account}"
        text += f": status {self.status}"
        return text if self.reason is None else f"{text} (reason: {self.reason})"


def approve(store: Store, object_id: str, account: str = DEV_ACCESS_KEY_ID, kind: str | None = None) -> Decision:
    """Approve a SenderID registration (``sr-...``), a template (``SMS_...``), a qualification (group id) or a
    signature (name) now; ``kind`` (one of ``KINDS``) is inferred when omitted."""
    return _decide(store, object_id, account, None, kind)


def reject(
    store: Store, object_id: str, reason: str, account: str = DEV_ACCESS_KEY_ID, kind: str | None = None
) -> Decision:
    """Reject an object (as :func:`approve` finds it) now, with the reason the account owner will read."""
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    return _decide(store, object_id, account, reason.strip(), kind)


def cancel_template(store: Store, code: str, account: str = DEV_ACCESS_KEY_ID) -> Template:
    """Cancel a template's review, as its owner can in the console (TemplateStatus 10, AUDIT_SATE_CANCEL)."""
    with _operation(store, account) as ctx:
        cancelled = TemplatesBackend(ctx).cancel(code)
    if cancelled is None:
        raise UnknownObjectError(code, account)
    return cancelled


def add_console_template(
    store: Store, name: str, content: str, template_type: int = DIGITAL_SMS_TYPE, account: str = DEV_ACCESS_KEY_ID
) -> Template:
    """Put an approved template of a kind the API cannot create (default: digital SMS, type 7) in the account."""
    if template_type in templates.TEMPLATE_KINDS_BY_CODE:
        raise ValueError(f"type {template_type} can be created with CreateSmsTemplate; choose another (7: digital)")
    with _operation(store, account) as ctx:
        return TemplatesBackend(ctx).add_unmanaged(name, template_type, content)


def _decide(store: Store, object_id: str, account: str, reason: str | None, kind: str | None) -> Decision:
    """Record the decision and notify the contacts who receive review results, in one transaction."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    decided: Registration | Template | mainland_admin.Decided | None = None
    with _operation(store, account) as ctx:
        kind = kind or _kind_of(ctx, object_id)
        if kind == REGISTRATION:
            decided = SenderIdsBackend(ctx).decide(object_id, reason)
        elif kind == templates.KIND:
            decided = TemplatesBackend(ctx).decide(object_id, reason)
        else:
            decided = mainland_admin.decide(ctx, kind, object_id, reason)
    if decided is None:
        raise UnknownObjectError(object_id, account)
    status = decided.status.review_status if isinstance(decided, Template) else decided.status
    label = _registration_version(decided, reason) if isinstance(decided, Registration) else decided.label
    return Decision(_KIND_NAMES[kind], object_id, account, label, status, reason)


def _registration_version(registration: Registration, reason: str | None) -> str:
    """A registration's label, naming the amendment the decision was on (the registration stays Approved)."""
    pending = registration.pending
    if reason is not None and pending is not None and pending.status == RegistrationStatus.REJECTED:
        return f"{registration.label}, amendment version {pending.version}"
    if reason is None and (registration.approved_version or 1) > 1:
        return f"{registration.label}, version {registration.approved_version}"
    return registration.label


def _kind_of(ctx: Context, object_id: str) -> str:
    if object_id.startswith(REGISTRATION_PREFIX):
        return REGISTRATION
    if object_id.startswith(TEMPLATE_PREFIX):
        return templates.KIND
    kind = mainland_admin.kind_of(ctx, object_id)
    if kind is None:
        raise UnknownObjectError(object_id, ctx.account)
    return kind


@contextmanager
def _operation(store: Store, account: str) -> Iterator[Context]:
    """An administrative operation on one account: a transaction at the emulator's clock."""
    with store.transaction() as db:
        yield Context(account=account, params=Params({}), db=db, now=clock.now(store), speed=clock.review_speed(store))


def parse_duration(text: str) -> int:
    """Seconds in a duration such as ``31d``, ``6h``, ``90m``, ``45s`` or ``1d12h`` (units in that order)."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not text.strip() or match is None:
        raise ValueError(
            f"{text!r} is not a duration: use numbers with units d, h, m, s (largest first), such as 31d, 6h or 1d12h"
        )
    return sum(int(value) * _UNIT_SECONDS[unit] for unit, value in match.groupdict().items() if value is not None)


def advance(store: Store, seconds: float) -> float:
    """Move the emulator's clock forward; returns the new emulator time (epoch seconds)."""
    clock.advance(store, seconds)
    return clock.now(store)


def set_review_speed(store: Store, speed: str) -> None:
    """Choose how long reviews take from now on (``instant``, ``fast`` or ``realistic``)."""
    if speed not in clock.REVIEW_SPEEDS:
        raise ValueError(f"unknown review speed {speed!r}: choose one of {', '.join(clock.REVIEW_SPEEDS)}")
    store.set_setting("review_speed", speed)


def outbox(store: Store, account: str | None = None) -> list[dict[str, Any]]:
    """Notifications delivered (SMS and email), oldest first, for one account or all (``None``)."""
    with _operation(store, DEV_ACCESS_KEY_ID if account is None else account) as ctx:
        notifications = OutboxBackend(ctx).notifications(every_account=account is None)
    return [{**asdict(sent), "created_at": clock.iso(sent.created_at)} for sent in notifications]


def stats(store: Store) -> dict[str, int]:
    """Authenticated calls per API action since the last reset, failed and faulted calls included."""
    return store.call_counts()


def reset_stats(store: Store) -> None:
    """Set every action's call counter back to zero."""
    store.reset_call_counts()
