"""``alisms drift``: the live account against an account file, for scheduled checks.

A drift report holds the plan's differences for declared objects, the account's undeclared objects (the
plan's deletions) and undeclared settings that hold anything but the vendor defaults, and objects that need
attention, declared or not, each with its next action (``rules.next_action``): registrations that are
Rejected, Expired, waiting for documents, or any other whose next step is the user's; qualifications and
signatures whose next step is the user's (Rejected, Cancelled, documents to supplement); approved signatures
waiting for carrier registration (sends fail until a carrier registers them); and approvals that lapsed: a
qualification no longer approved while approved signatures still stand on it, and those signatures.
In console mode the registrations are those of the records file
(``api.console_registrations``), reported the same way.
"""

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pulumi_alisms.api.qualifications import QualificationRecord
from pulumi_alisms.api.sender_ids import Registration
from pulumi_alisms.api.signatures import Signature, SignatureSummary
from pulumi_alisms.kinds import KINDS, Setting
from pulumi_alisms.rules.next_action import NextAction, NextStep, next_step
from pulumi_alisms.rules.statuses import CLOSED_REGISTRATION_STATUSES, RegistrationStatus, ReviewStatus
from pulumi_alisms.spec.changes import Change, changes
from pulumi_alisms.spec.live import LiveAccount, sender_label
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.pairing import Pairing, pair

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
    """An object that needs attention (see the module docstring); ``key`` is its file key, if declared.
    ``country``, ``sender_id``, ``documents_due_at`` and ``days_left`` are a registration's."""

    kind: str
    id: str
    key: str | None
    label: str
    status: str
    reason: str | None
    detail: str
    next_action: NextAction
    next_action_due_at: str | None
    country: str | None = None
    sender_id: str | None = None
    documents_due_at: str | None = None
    days_left: int | None = None


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
    attention = _mainland_attention(live, _keys(pairing, "Qualification", lambda q: q.qualification_id),
                                    _keys(pairing, "Signature", lambda s: s.name))  # fmt: skip
    keys = _keys(pairing, "SenderId", lambda r: r.registration_id)
    for registration in live.sender_ids:
        key = keys.get(registration.registration_id)
        declared = key is not None and bool(spec.sender_ids[key].documents)
        step = registration.next_step(documents_declared=declared)
        if registration.status in ATTENTION_STATUSES or step.by_user:
            attention.append(_attention(registration, key, step, now))
    return DriftReport(
        tuple(change for change in planned if change.action != "delete"), tuple(unmanaged), tuple(attention)
    )


def _keys(pairing: Pairing, kind: str, id_of: Callable[[Any], Hashable]) -> dict[Hashable, str]:
    """The file key of each paired live object, by its id."""
    return {id_of(found): key for key, found in pairing[kind].items() if found is not None}


def _mainland_attention(
    live: LiveAccount, qualification_keys: Mapping[Hashable, str], signature_keys: Mapping[Hashable, str]
) -> list[Attention]:
    """Qualifications and signatures that need attention (the module docstring says which)."""
    lapsed: dict[int, QualificationRecord] = {
        q.qualification_id: q for q in live.qualifications if q.status != ReviewStatus.APPROVED
    }
    standing: dict[int, list[str]] = {}  # a lapsed qualification -> the approved signatures on it
    for name, detail in live.signature_details.items():
        if detail.approved and detail.qualification_id in lapsed:
            standing.setdefault(detail.qualification_id, []).append(name)
    found: list[Attention] = []
    for qualification in live.qualifications:
        step = next_step(qualification.status)
        on_it = standing.get(qualification.qualification_id, [])
        if not (step.by_user or on_it):
            continue
        text = _review_detail(qualification.status, qualification.status_reason, step)
        if on_it:
            text = f"approval lapsed ({text}); approved signatures still stand on it: {', '.join(on_it)}"
        found.append(Attention("qualification", str(qualification.qualification_id),
                               qualification_keys.get(qualification.qualification_id), qualification.name,
                               qualification.status, qualification.status_reason, text, step.action,
                               None))  # fmt: skip
    for summary in live.signatures:
        found += _signature_attention(summary, live.signature_details.get(summary.name), lapsed,
                                      signature_keys.get(summary.name))  # fmt: skip
    return found


def _signature_attention(
    summary: SignatureSummary, detail: Signature | None, lapsed: Mapping[int, QualificationRecord], key: str | None
) -> list[Attention]:
    step = next_step(
        summary.status,
        registered=detail is None or detail.registered,
        carrier_refused=detail is not None and detail.carrier_refused,
    )
    qualification = lapsed.get(detail.qualification_id) if detail and detail.qualification_id is not None else None
    if summary.approved and qualification is not None:  # the lapse is the signature's next step
        step = next_step(qualification.status)
        text = (f"its qualification {qualification.qualification_id} ({qualification.name}) is no longer approved: "
                f"{qualification.status}; {step.advice}")  # fmt: skip
    elif step.action == "wait_for_carrier_registration" and detail is not None:
        carriers = ", ".join(f"{entry.carrier} {entry.status}" for entry in detail.carrier_registration)
        text = f"approved, {step.advice}; sends fail with PORT_NOT_REGISTERED until then"
        text += f" (carriers: {carriers})" if carriers else ""
    elif step.by_user:
        text = _review_detail(summary.status, summary.status_reason, step)
    else:
        return []
    return [Attention("signature", summary.name, key, summary.name, summary.status, summary.status_reason, text,
                      step.action, None)]  # fmt: skip


def _review_detail(status: str, reason: str | None, step: NextStep) -> str:
    if status == ReviewStatus.REJECTED:
        return f"rejected: {reason or 'no reason given'}"
    return f"{status}: {step.advice}"


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


def _amendment_rejected(registration: Registration) -> bool:
    return registration.status == RegistrationStatus.APPROVED and (
        registration.pending_status == RegistrationStatus.REJECTED
    )


def _attention(registration: Registration, key: str | None, step: NextStep, now: datetime) -> Attention:
    due = registration.documents_due_at
    days_left = None
    if _amendment_rejected(registration):
        reason = registration.pending_reason or "no reason given"
        detail = f"amendment version {registration.pending_version} rejected: {reason}; the approved version serves"
    elif registration.status == RegistrationStatus.REJECTED:
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
        kind="sender_id",
        id=registration.registration_id,
        key=key,
        label=sender_label(registration),
        status=registration.status,
        reason=registration.status_reason,
        detail=detail,
        next_action=step.action,
        next_action_due_at=_stamp(step.due_at),
        country=registration.country,
        sender_id=registration.sender_id,
        documents_due_at=_stamp(due),
        days_left=days_left,
    )


def _stamp(value: datetime | None) -> str | None:
    return f"{value:%Y-%m-%dT%H:%M:%SZ}" if value is not None else None
