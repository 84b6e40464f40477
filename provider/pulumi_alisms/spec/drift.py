"""``alisms drift``: the live account against an account file, for scheduled checks.

A drift report holds the plan's differences for declared objects, the account's undeclared objects (the
plan's deletions) and undeclared settings that hold anything but the vendor defaults, and registrations
that need attention, declared or not: Rejected, Expired, waiting for documents, and any other whose next step
is the user's (``rules.next_action``), each with that next action.
In console mode the registrations are those of the records file
(``api.console_registrations``), reported the same way.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pulumi_alisms.api.sender_ids import Registration
from pulumi_alisms.kinds import KINDS, Setting
from pulumi_alisms.rules.next_action import NextAction, NextStep, next_step
from pulumi_alisms.rules.statuses import CLOSED_REGISTRATION_STATUSES, RegistrationStatus
from pulumi_alisms.spec.changes import Change, changes
from pulumi_alisms.spec.live import LiveAccount
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.pairing import pair

ATTENTION_STATUSES = CLOSED_REGISTRATION_STATUSES | {RegistrationStatus.DOCUMENTS_RENDERED}
_DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Unmanaged:
    """An object or setting in the account that the file does not declare."""

    kind: str
    id: str
    label: str
    status: str | None
    detail: str


@dataclass(frozen=True)
class Attention:
    """A registration that is Rejected, Expired or waiting for documents; ``key`` is its file key, if declared."""

    id: str
    key: str | None
    country: str
    sender_id: str
    status: str
    reason: str | None
    documents_due_at: str | None
    days_left: int | None
    detail: str
    next_action: NextAction
    next_action_due_at: str | None


@dataclass(frozen=True)
class DriftReport:
    """Declared objects that differ from the account, undeclared objects, and registrations needing attention."""

    changes: tuple[Change, ...]
    unmanaged: tuple[Unmanaged, ...]
    attention: tuple[Attention, ...]

    @property
    def clean(self) -> bool:
        """Whether there is nothing to report."""
        return not (self.changes or self.unmanaged or self.attention)


def drift(spec: AccountSpec, live: LiveAccount, now: datetime) -> DriftReport:
    """The plan's differences, the account's undeclared objects and settings, and registrations needing
    attention; ``now`` (timezone-aware) counts the days left to upload documents."""
    pairing = pair(spec, live)
    planned = changes(spec, live, pairing)
    unmanaged = [
        Unmanaged(change.kind, str(change.id), change.label, change.status, "; ".join(change.notes))
        for change in planned
        if change.action == "delete"
    ]
    unmanaged += _unmanaged_settings(spec, live)
    keys = {found.registration_id: key for key, found in pairing["SenderId"].items() if found is not None}
    attention = []
    for registration in live.sender_ids:
        key = keys.get(registration.registration_id)
        declared = key is not None and bool(spec.sender_ids[key].documents)
        step = next_step(registration.status, documents_declared=declared,
                         documents_due_at=registration.documents_due_at, country=registration.country)  # fmt: skip
        if registration.status in ATTENTION_STATUSES or step.by_user:
            attention.append(_attention(registration, key, step, now))
    return DriftReport(
        tuple(change for change in planned if change.action != "delete"), tuple(unmanaged), tuple(attention)
    )


def _unmanaged_settings(spec: AccountSpec, live: LiveAccount) -> list[Unmanaged]:
    found: list[Unmanaged] = []
    for kind in KINDS:
        setting = kind.pairing
        if not isinstance(setting, Setting):
            continue
        declared = {setting.id_of(key, entry) for key, entry in kind.entries(spec).items()}
        for id_, current in live.setting_values(kind).items():
            values = {name: current[name] for name in setting.unset}
            if id_ not in declared and values != setting.unset:
                detail = _values({name: value for name, value in values.items() if value is not None})
                found.append(Unmanaged(kind.report_kind, id_, setting.label.format(id=id_), None, detail))
    return found


def _values(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} {value}" for name, value in values.items())


def _attention(registration: Registration, key: str | None, step: NextStep, now: datetime) -> Attention:
    due = registration.documents_due_at
    days_left = None
    if registration.status == RegistrationStatus.REJECTED:
        detail = f"rejected: {registration.status_reason or 'no reason given'}"
    elif registration.status == RegistrationStatus.EXPIRED:
        detail = registration.status_reason or "expired"
    elif registration.status == RegistrationStatus.DOCUMENTS_RENDERED:
        detail = "waiting for documents"
        if due is not None:
            days_left = max(0, math.ceil((due - now).total_seconds() / _DAY_SECONDS))
            detail += f", due {due:%Y-%m-%d} ({days_left} day{'s' if days_left != 1 else ''} left)"
        if step.action == "upload_documents" and step.by_user:
            detail += "; the file declares no documents to upload"
    else:
        detail = step.advice
    return Attention(
        id=registration.registration_id,
        key=key,
        country=registration.country,
        sender_id=registration.sender_id,
        status=registration.status,
        reason=registration.status_reason,
        documents_due_at=_stamp(due),
        days_left=days_left,
        detail=detail,
        next_action=step.action,
        next_action_due_at=_stamp(step.due_at),
    )


def _stamp(value: datetime | None) -> str | None:
    return f"{value:%Y-%m-%dT%H:%M:%SZ}" if value is not None else None
