"""The comparison engine behind ``alisms plan`` and ``alisms drift``: an account file against the live account.

Reading. The account is read with list calls only, every family at once on a thread pool:
QuerySmsTemplateList and ListSenderIdRegistrations page by page, QueryContactsListNew, and one query per
biz type for thresholds and frequency limits, plus QueryPrevLimitNew. An account with 1000 sender IDs costs
10 registration pages, not 1000 reads.

QuerySmsTemplateList does not carry a template's ``remark`` or ``intl_type``. Rather than one GetSmsTemplate
per template in the account, the engine fetches details only for templates that an entry of the file
matched and that declare a ``remark`` or an ``intl_type`` (the only ones whose comparison needs them), so
the cost follows the file, never the size of the account. A live remark on a template whose entry declares
none is therefore not reported. ``alisms export`` asks for every template's details: it must write them.

Matching (each live object serves one entry at most): contacts by name; thresholds by biz type; frequency
limits (by their biz type) and fraud protection as singletons; templates by name, preferring the same type,
then the same content, then the newest; sender IDs by ``import`` id when the entry gives one, else by
(country, sender ID) among registrations that are not Rejected or Expired, the newest first.

Actions follow the resources' own ``diff`` (the providers' diff methods decide), so ``alisms plan`` and
``pulumi preview`` agree on what replaces and what updates in place. Live contacts, templates and live
registrations that the file does not declare are deletions in a plan and "unmanaged" in a drift report;
undeclared settings (thresholds, frequency limits, fraud protection) are never deleted, and are reported as
unmanaged when they hold anything but the vendor defaults. Rejected and Expired registrations hold nothing:
a drift report lists them, with those waiting for documents, as needing attention.
"""

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, TypeVar, get_args

from pulumi.dynamic import ResourceProvider

from pulumi_alisms.api import sender_ids as sender_ids_api
from pulumi_alisms.api import templates as templates_api
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.contacts import Contact
from pulumi_alisms.api.fraud import FraudLimits
from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.api.sender_ids import Registration
from pulumi_alisms.api.templates import Template, TemplateSummary
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.resources._base import changed_fields
from pulumi_alisms.resources.alert_contact import INPUT_FIELDS as CONTACT_FIELDS
from pulumi_alisms.resources.alert_contact import AlertContactProvider
from pulumi_alisms.resources.fraud_protection import FRAUD_FIELDS, FraudProtectionProvider
from pulumi_alisms.resources.message_template import AMENDABLE_FIELDS as TEMPLATE_AMENDABLE_FIELDS
from pulumi_alisms.resources.message_template import REPLACE_FIELDS as TEMPLATE_REPLACE_FIELDS
from pulumi_alisms.resources.message_template import MessageTemplateInputs, MessageTemplateProvider
from pulumi_alisms.resources.send_frequency_limit import FREQUENCY_FIELDS, SendFrequencyLimitProvider
from pulumi_alisms.resources.sender_id import AMENDABLE_FIELDS as SENDER_AMENDABLE_FIELDS
from pulumi_alisms.resources.sender_id import LOCAL_FIELDS as SENDER_LOCAL_FIELDS
from pulumi_alisms.resources.sender_id import SenderIdProvider
from pulumi_alisms.resources.suspension_threshold import LIMIT_FIELDS, SuspensionThresholdProvider
from pulumi_alisms.rules.limits import DEFAULT_FREQUENCY, BizType
from pulumi_alisms.rules.statuses import ReviewStatus
from pulumi_alisms.spec.models import AccountSpec, SenderIdSpec

Action = Literal["create", "update", "replace", "delete"]
Progress = Callable[[str], None]
BIZ_TYPES: tuple[BizType, ...] = get_args(BizType)
# Registrations that no longer hold their sender ID (the same one may be registered again).
CLOSED_STATUSES: tuple[str, ...] = ("Rejected", "Expired")
ATTENTION_STATUSES: tuple[str, ...] = ("Rejected", "Expired", "DocumentsRendered")
READ_WORKERS = 8
_DAY_SECONDS = 86_400
_D = TypeVar("_D")
_L = TypeVar("_L")


@dataclass(frozen=True)
class LiveAccount:
    """What the managed kinds hold in the account. Lists are oldest first, as the list calls answer."""

    contacts: tuple[Contact, ...]
    thresholds: Mapping[str, WarningThreshold]  # by biz type
    frequency: Mapping[str, FrequencyLimit]  # by biz type
    fraud: FraudLimits | None
    templates: tuple[TemplateSummary, ...]
    registrations: tuple[Registration, ...]
    template_details: Mapping[str, Template] = field(default_factory=dict)  # by code; see the module docstring
    read_at: datetime | None = None  # the account's clock when it was read (the emulator's may run ahead)

    @property
    def object_count(self) -> int:
        """Contacts, templates and registrations in the account."""
        return len(self.contacts) + len(self.templates) + len(self.registrations)


@dataclass(frozen=True)
class FieldChange:
    """One field of an object: the live value, the declared value, and whether the change forces a replacement."""

    field: str
    old: Any
    new: Any
    replaces: bool


@dataclass(frozen=True)
class Change:
    """What a deployment of the file would do to one object.

    ``key`` is the file's key (``None`` for a deletion); ``id`` the live id (template code, registration id,
    contact id, biz type), ``None`` for a creation; ``status`` the live review status, when it has one.
    """

    action: Action
    kind: str
    key: str | None
    id: str | None
    label: str
    status: str | None = None
    fields: tuple[FieldChange, ...] = ()
    notes: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class _Pairing:
    """Each file entry's live counterpart (``None``: not in the account)."""

    contacts: dict[str, Contact | None]
    templates: dict[str, TemplateSummary | None]
    sender_ids: dict[str, Registration | None]


def read_account(
    account: AccountClient, *, details_for: AccountSpec | None, progress: Progress | None = None
) -> LiveAccount:
    """Read the live account with list calls; template details for what ``details_for`` needs (``None``: all).

    ``progress`` receives a line after every full page of templates or sender IDs (that is, on big accounts).
    """
    report = progress or (lambda _line: None)
    with ThreadPoolExecutor(max_workers=READ_WORKERS) as pool:
        templates = pool.submit(
            _read_pages, account.templates.iter_all(), "templates", templates_api.MAX_PAGE_SIZE, report
        )
        registrations = pool.submit(
            _read_pages, account.sender_ids.iter_all(), "sender IDs", sender_ids_api.MAX_PAGE_SIZE, report
        )
        contacts = pool.submit(account.contacts.list)
        thresholds = {biz: pool.submit(account.thresholds.get, biz) for biz in BIZ_TYPES}
        frequency = {biz: pool.submit(account.frequency.get, biz) for biz in BIZ_TYPES}
        fraud = pool.submit(account.fraud.get)
        live = LiveAccount(
            contacts=tuple(contacts.result()),
            thresholds={biz: future.result() for biz, future in thresholds.items()},
            frequency={biz: future.result() for biz, future in frequency.items()},
            fraud=fraud.result(),
            templates=tuple(templates.result()),
            registrations=tuple(registrations.result()),
        )
        codes = _codes_needing_details(details_for, live)
        details = list(pool.map(account.templates.get, codes))
    details_by_code = {t.template_code: t for t in details if t is not None}
    return replace(live, template_details=details_by_code, read_at=account.rpc.server_now())


def _read_pages(items: Iterator[_L], noun: str, page_size: int, report: Progress) -> list[_L]:
    found: list[_L] = []
    for item in items:
        found.append(item)
        if len(found) % page_size == 0:
            report(f"read {len(found)} {noun}...")
    return found


def _codes_needing_details(spec: AccountSpec | None, live: LiveAccount) -> list[str]:
    if spec is None:
        return [template.template_code for template in live.templates]
    paired = _pair_templates(spec.templates, live.templates)
    return [
        found.template_code
        for key, found in paired.items()
        if found is not None and (spec.templates[key].remark is not None or spec.templates[key].intl_type is not None)
    ]


def plan(spec: AccountSpec, live: LiveAccount) -> list[Change]:
    """Every change a deployment of ``spec`` would make to the account, kind by kind, in file order."""
    return _changes(spec, live, _pair(spec, live))


def drift(spec: AccountSpec, live: LiveAccount, now: datetime) -> DriftReport:
    """The plan's differences, the account's undeclared objects and settings, and registrations needing
    attention; ``now`` (timezone-aware) counts the days left to upload documents."""
    pairing = _pair(spec, live)
    changes = _changes(spec, live, pairing)
    unmanaged = [
        Unmanaged(change.kind, str(change.id), change.label, change.status, "; ".join(change.notes))
        for change in changes
        if change.action == "delete"
    ]
    unmanaged += _unmanaged_settings(spec, live)
    keys = {found.registration_id: key for key, found in pairing.sender_ids.items() if found is not None}
    attention = [
        _attention(registration, keys.get(registration.registration_id), spec, now)
        for registration in live.registrations
        if registration.status in ATTENTION_STATUSES
    ]
    return DriftReport(
        tuple(change for change in changes if change.action != "delete"), tuple(unmanaged), tuple(attention)
    )


def sender_label(registration: Registration | SenderIdSpec) -> str:
    """How people name a registration: ``ACMEPAY for ID``."""
    return f"{registration.sender_id} for {registration.country}"


def _changes(spec: AccountSpec, live: LiveAccount, pairing: _Pairing) -> list[Change]:
    changes: list[Change | None] = []
    changes += [_contact_change(key, spec.contacts[key].model_dump(), found) for key, found in pairing.contacts.items()]
    changes += [_deleted_contact(contact) for contact in _unpaired(live.contacts, pairing.contacts.values())]
    changes += [
        _threshold_change(biz, limits.model_dump(), live.thresholds[biz]) for biz, limits in spec.thresholds.items()
    ]
    if spec.frequency_limits is not None:
        declared = spec.frequency_limits.model_dump()
        changes.append(_frequency_change(declared, live.frequency[declared["biz_type"]]))
    if spec.fraud_protection is not None:
        changes.append(_fraud_change(spec.fraud_protection.model_dump(), live.fraud))
    changes += [
        _template_change(key, spec.templates[key], found, live.template_details)
        for key, found in pairing.templates.items()
    ]
    changes += [_deleted_template(template) for template in _unpaired(live.templates, pairing.templates.values())]
    changes += [_sender_change(key, spec, found) for key, found in pairing.sender_ids.items()]
    changes += [
        _deleted_registration(registration)
        for registration in _unpaired(live.registrations, pairing.sender_ids.values())
        if registration.status not in CLOSED_STATUSES
    ]
    return [change for change in changes if change is not None]


# Pairing


def _pair(spec: AccountSpec, live: LiveAccount) -> _Pairing:
    contacts = _pair_entries(
        spec.contacts,
        live.contacts,
        [
            lambda want, have: (want.name, want.phone, want.email) == (have.name, have.phone, have.email),
            lambda want, have: want.name == have.name,
        ],
    )
    return _Pairing(
        contacts, _pair_templates(spec.templates, live.templates), _pair_sender_ids(spec.sender_ids, live.registrations)
    )


def _pair_templates(
    declared: Mapping[str, MessageTemplateInputs], live: Sequence[TemplateSummary]
) -> dict[str, TemplateSummary | None]:
    return _pair_entries(
        declared,
        live,
        [
            lambda want, have: (want.name, want.type, want.content) == (have.name, have.type, have.content),
            lambda want, have: (want.name, want.type) == (have.name, have.type),
            lambda want, have: want.name == have.name,
        ],
    )


def _pair_sender_ids(
    declared: Mapping[str, SenderIdSpec], live: Sequence[Registration]
) -> dict[str, Registration | None]:
    return _pair_entries(
        declared,
        live,
        [
            lambda want, have: want.import_id == have.registration_id,
            lambda want, have: (
                want.import_id is None
                and have.status not in CLOSED_STATUSES
                and (want.country, want.sender_id) == (have.country, have.sender_id)
            ),
        ],
    )


def _pair_entries(
    declared: Mapping[str, _D], live: Sequence[_L], rules: Sequence[Callable[[_D, _L], bool]]
) -> dict[str, _L | None]:
    """Strongest rule first, each pass gives every unpaired entry the newest unpaired live object it accepts."""
    paired: dict[str, _L] = {}
    taken: set[int] = set()
    for rule in rules:
        for key, wanted in declared.items():
            if key in paired:
                continue
            index = next((i for i in reversed(range(len(live))) if i not in taken and rule(wanted, live[i])), None)
            if index is not None:
                paired[key] = live[index]
                taken.add(index)
    return {key: paired.get(key) for key in declared}


def _unpaired(live: Iterable[_L], paired: Iterable[_L | None]) -> list[_L]:
    used = {id(item) for item in paired if item is not None}
    return [item for item in live if id(item) not in used]


# Changes, one kind at a time. Each compares the live values (olds) and the declared inputs (news) with the
# resource provider's own diff.


def _diffed(
    provider: ResourceProvider,
    fields: Sequence[str],
    olds: dict[str, Any],
    news: dict[str, Any],
    *,
    kind: str,
    key: str,
    id_: str,
    label: str,
    status: str | None = None,
    notes: Sequence[str] = (),
) -> Change | None:
    result = provider.diff(id_, olds, news)
    if not result.changes:
        return None
    replaces = set(result.replaces or ())
    changed = tuple(
        FieldChange(name, olds.get(name), news.get(name), name in replaces)
        for name in changed_fields(olds, news, fields)
    )
    return Change("replace" if replaces else "update", kind, key, id_, label, status, changed, tuple(notes))


def _created(kind: str, key: str, label: str, news: Mapping[str, Any], notes: Sequence[str] = ()) -> Change:
    fields = tuple(FieldChange(name, None, value, False) for name, value in news.items() if value not in (None, []))
    return Change("create", kind, key, None, label, None, fields, tuple(notes))


def _contact_change(key: str, declared: dict[str, Any], found: Contact | None) -> Change | None:
    news = {**declared, "alerts": sorted(declared["alerts"])}
    if found is None:
        return _created("contact", key, declared["name"], news)
    olds = {"name": found.name, "phone": found.phone, "email": found.email, "alerts": sorted(found.alerts)}
    notes = ["a verification code is sent to the new phone"] if found.phone != news["phone"] else []
    return _diffed(
        AlertContactProvider(),
        CONTACT_FIELDS,
        olds,
        news,
        kind="contact",
        key=key,
        id_=str(found.contact_id),
        label=found.name,
        notes=notes,
    )


def _deleted_contact(contact: Contact) -> Change:
    return Change("delete", "contact", None, str(contact.contact_id), contact.name)


def _threshold_change(biz: str, declared: dict[str, Any], found: WarningThreshold) -> Change | None:
    fields = ("biz_type", *LIMIT_FIELDS)
    olds = {"biz_type": biz, **found.model_dump(include=set(LIMIT_FIELDS))}
    return _diffed(
        SuspensionThresholdProvider(),
        fields,
        olds,
        {"biz_type": biz, **declared},
        kind="threshold",
        key=biz,
        id_=biz,
        label=f"{biz} thresholds",
    )


def _frequency_change(declared: dict[str, Any], found: FrequencyLimit) -> Change | None:
    fields = ("biz_type", *FREQUENCY_FIELDS)
    olds = found.model_dump(include=set(fields))
    return _diffed(
        SendFrequencyLimitProvider(),
        fields,
        olds,
        declared,
        kind="frequency_limits",
        key="frequency_limits",
        id_=found.biz_type,
        label=f"{found.biz_type} per-number limits",
    )


def _fraud_change(declared: dict[str, Any], found: FraudLimits | None) -> Change | None:
    olds = found.model_dump() if found is not None else dict.fromkeys(FRAUD_FIELDS)
    return _diffed(
        FraudProtectionProvider(),
        FRAUD_FIELDS,
        olds,
        declared,
        kind="fraud_protection",
        key="fraud_protection",
        id_="fraud-protection",
        label="OTP abuse prevention",
    )


def _template_change(
    key: str, declared: MessageTemplateInputs, found: TemplateSummary | None, details: Mapping[str, Template]
) -> Change | None:
    news = declared.model_dump()
    if found is None:
        return _created("template", key, declared.name, news)
    detail = details.get(found.template_code)
    olds = {
        "name": found.name,
        "type": found.type,
        "content": found.content,
        "status": found.status,
        # Unknown without details: taken as declared (see the module docstring).
        "remark": detail.remark if detail else news["remark"],
        "intl_type": detail.intl_type if detail else news["intl_type"],
    }
    fields = (*TEMPLATE_REPLACE_FIELDS, *TEMPLATE_AMENDABLE_FIELDS)
    change = _diffed(
        MessageTemplateProvider(),
        fields,
        olds,
        news,
        kind="template",
        key=key,
        id_=found.template_code,
        label=found.name,
        status=found.status,
    )
    if change is None:
        return None
    if change.action == "update":  # only a rejected template updates in place
        note = f"rejected ({found.status_reason or 'no reason given'}): amended and resubmitted for review"
    elif found.status == ReviewStatus.REJECTED:
        note = "type and intl_type cannot be amended: a new template is submitted for review"
    else:
        note = "Alibaba Cloud amends only rejected templates: a new one is submitted for review"
    return replace(change, notes=(note,))


def _deleted_template(template: TemplateSummary) -> Change:
    notes = (
        ("under review: Alibaba Cloud deletes a template only once its review ends",)
        if template.status == ReviewStatus.UNDER_REVIEW
        else ()
    )
    return Change("delete", "template", None, template.template_code, template.name, template.status, (), notes)


def _sender_change(key: str, spec: AccountSpec, found: Registration | None) -> Change | None:
    entry = spec.sender_ids[key]
    news = spec.sender_id_inputs(key)
    if found is None:
        missing = [f"the registration {entry.import_id} to import is not in the account"] if entry.import_id else []
        identity = {name: news[name] for name in ("country", *SENDER_AMENDABLE_FIELDS)}
        return _created("sender_id", key, sender_label(entry), identity, missing)
    olds = {
        "country": found.country,
        **{name: getattr(found, name) for name in SENDER_AMENDABLE_FIELDS},
        **{name: news[name] for name in SENDER_LOCAL_FIELDS},  # local to the deployment, not in the account
        "status": found.status,
    }
    notes: list[str] = []
    if found.status == "Expired":
        notes.append("Expired: resubmitted")
    if found.status == "DocumentsRendered" and news["documents"]:
        notes.append(f"upload {len(news['documents'])} document(s)")
    change = _diffed(
        SenderIdProvider(),
        ("country", *SENDER_AMENDABLE_FIELDS),
        olds,
        news,
        kind="sender_id",
        key=key,
        id_=found.registration_id,
        label=sender_label(found),
        status=found.status,
        notes=notes,
    )
    if change is not None and change.action == "replace" and found.status == "Approved":
        notes.append("an approved registration cannot be amended: a new one is submitted")
        if news["deletion_protection"]:
            notes.append("deletion_protection is on: set it to false to let the approved registration go")
        change = replace(change, notes=tuple(notes))
    return change


def _deleted_registration(registration: Registration) -> Change:
    notes = ("approved",) if registration.status == "Approved" else ()
    return Change(
        "delete",
        "sender_id",
        None,
        registration.registration_id,
        sender_label(registration),
        registration.status,
        (),
        notes,
    )


# Drift only


def _unmanaged_settings(spec: AccountSpec, live: LiveAccount) -> list[Unmanaged]:
    found: list[Unmanaged] = []
    for biz, limits in live.thresholds.items():
        values = limits.model_dump(include=set(LIMIT_FIELDS), exclude_none=True)
        if biz not in spec.thresholds and values:
            found.append(Unmanaged("threshold", biz, f"{biz} thresholds", None, _values(values)))
    declared_biz = spec.frequency_limits.biz_type if spec.frequency_limits is not None else None
    for biz, limit in live.frequency.items():
        values = limit.model_dump(include=set(FREQUENCY_FIELDS))
        if biz != declared_biz and values != DEFAULT_FREQUENCY:
            found.append(Unmanaged("frequency_limits", biz, f"{biz} per-number limits", None, _values(values)))
    if spec.fraud_protection is None and live.fraud is not None:
        found.append(
            Unmanaged(
                "fraud_protection", "fraud-protection", "OTP abuse prevention", None, _values(live.fraud.model_dump())
            )
        )
    return found


def _values(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} {value}" for name, value in values.items())


def _attention(registration: Registration, key: str | None, spec: AccountSpec, now: datetime) -> Attention:
    due = registration.documents_due_at
    days_left = None
    if registration.status == "Rejected":
        detail = f"rejected: {registration.status_reason or 'no reason given'}"
    elif registration.status == "Expired":
        detail = registration.status_reason or "expired"
    else:
        detail = "waiting for documents"
        if due is not None:
            days_left = max(0, math.ceil((due - now).total_seconds() / _DAY_SECONDS))
            detail += f", due {due:%Y-%m-%d} ({days_left} day{'s' if days_left != 1 else ''} left)"
        if key is None or not spec.sender_ids[key].documents:
            detail += "; the file declares no documents to upload"
    return Attention(
        id=registration.registration_id,
        key=key,
        country=registration.country,
        sender_id=registration.sender_id,
        status=registration.status,
        reason=registration.status_reason,
        documents_due_at=f"{due:%Y-%m-%dT%H:%M:%SZ}" if due is not None else None,
        days_left=days_left,
        detail=detail,
    )
