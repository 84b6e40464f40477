"""``alisms plan``: every change a deployment of an account file would make to the live account.

Actions follow the resources' own diff rules (``pulumi_alisms.inputs``: the providers answer the engine with
the same functions), so ``alisms plan`` and ``pulumi preview`` agree on what replaces and what updates in
place. Live contacts, qualifications, signatures, templates and registrations that the file does not declare are
deletions (Rejected and Expired registrations hold nothing and are never listed); settings the file leaves out
are never deleted. A qualification's personal data is not in the file: it is taken as declared, as are the
fields the account does not report (a qualification's documents, a signature's source).
In console mode the registrations are the records file's, whose company, website, use case and samples are
unknown and taken as declared; their notes say what to do in Alibaba's console.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pulumi_alisms.api.contacts import Contact
from pulumi_alisms.api.qualifications import QualificationRecord
from pulumi_alisms.api.sender_ids import Registration
from pulumi_alisms.api.signatures import SignatureSummary
from pulumi_alisms.api.templates import TemplateSummary
from pulumi_alisms.inputs import qualification, signature
from pulumi_alisms.inputs.message_template import MessageTemplateInputs
from pulumi_alisms.inputs.qualification import QualificationEntry
from pulumi_alisms.inputs.sender_id import AMENDABLE_FIELDS as SENDER_AMENDABLE_FIELDS
from pulumi_alisms.inputs.sender_id import LOCAL_FIELDS as SENDER_LOCAL_FIELDS
from pulumi_alisms.inputs.sender_id import SenderIdEntry
from pulumi_alisms.inputs.signature import SignatureEntry
from pulumi_alisms.kinds import KINDS, Kind, Setting
from pulumi_alisms.rules.statuses import CLOSED_REGISTRATION_STATUSES, RegistrationStatus, ReviewStatus
from pulumi_alisms.spec.live import LiveAccount, sender_label
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.pairing import Pairing, pair, unpaired

Action = Literal["create", "update", "replace", "delete"]


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


def plan(spec: AccountSpec, live: LiveAccount) -> list[Change]:
    """Every change a deployment of ``spec`` would make to the account, kind by kind, in file order."""
    return changes(spec, live, pair(spec, live))


def changes(spec: AccountSpec, live: LiveAccount, pairing: Pairing) -> list[Change]:
    """The plan for ``spec`` with its entries paired as ``pairing`` says."""
    found: list[Change | None] = []
    for kind in KINDS:
        if isinstance(kind.pairing, Setting):
            found += _setting_changes(kind, kind.pairing, spec, live)
            continue
        declared = kind.entries(spec)
        if kind.name == "Signature":
            declared = {key: _with_qualification_id(entry, pairing) for key, entry in declared.items()}
        paired = pairing[kind.name]
        change, deletion = _LISTED_CHANGES[kind.name]
        found += [change(kind, key, declared[key], live_object, live) for key, live_object in paired.items()]
        found += [deletion(kind, live_object) for live_object in unpaired(live.listed(kind), paired.values())]
    return [change for change in found if change is not None]


def _diffed(
    kind: Kind,
    olds: dict[str, Any],
    news: dict[str, Any],
    *,
    key: str,
    id_: str,
    label: str,
    status: str | None = None,
    notes: Sequence[str] = (),
) -> Change | None:
    """The change the kind's diff rules find between the live values (olds) and the declared inputs (news)."""
    diff = kind.diff(olds, news)
    if not diff.changes:
        return None
    replaces = set(diff.replaces)
    fields = tuple(FieldChange(name, olds.get(name), news.get(name), name in replaces) for name in diff.changed)
    return Change("replace" if replaces else "update", kind.report_kind, key, id_, label, status, fields, tuple(notes))


def _created(kind: Kind, key: str, label: str, news: Mapping[str, Any], notes: Sequence[str] = ()) -> Change:
    fields = tuple(FieldChange(name, None, value, False) for name, value in news.items() if value not in (None, []))
    return Change("create", kind.report_kind, key, None, label, None, fields, tuple(notes))


def _setting_changes(kind: Kind, setting: Setting, spec: AccountSpec, live: LiveAccount) -> list[Change | None]:
    values = live.setting_values(kind)
    found = []
    for key, entry in kind.entries(spec).items():
        id_ = setting.id_of(key, entry)
        label = setting.label.format(id=id_)
        found.append(_diffed(kind, values[id_], kind.entry_inputs(key, entry), key=key, id_=id_, label=label))
    return found


# Listed kinds: the change of one entry (with its live counterpart, if any) and the deletion of an undeclared
# live object. Each compares the live values with the declared inputs by the kind's own diff rules.


def _contact_change(kind: Kind, key: str, entry: Any, found: Contact | None, _live: LiveAccount) -> Change | None:
    news = kind.entry_inputs(key, entry)
    news["alerts"] = sorted(news["alerts"])
    if found is None:
        return _created(kind, key, news["name"], news)
    olds = {"name": found.name, "phone": found.phone, "email": found.email, "alerts": sorted(found.alerts)}
    notes = ["a verification code is sent to the new phone"] if found.phone != news["phone"] else []
    return _diffed(kind, olds, news, key=key, id_=str(found.contact_id), label=found.name, notes=notes)


def _deleted_contact(kind: Kind, contact: Contact) -> Change:
    return Change("delete", kind.report_kind, None, str(contact.contact_id), contact.name)


def _template_change(
    kind: Kind, key: str, entry: MessageTemplateInputs, found: TemplateSummary | None, live: LiveAccount
) -> Change | None:
    news = kind.entry_inputs(key, entry)
    if found is None:
        return _created(kind, key, entry.name, news)
    detail = live.template_details.get(found.template_code)
    olds = {
        "name": found.name,
        "type": found.type,
        "content": found.content,
        "status": found.status,
        # Unknown without details: taken as declared (see spec.live).
        "remark": detail.remark if detail else news["remark"],
        "intl_type": detail.intl_type if detail else news["intl_type"],
        "signature": detail.signature if detail else news.get("signature"),
        "template_rule": detail.template_rule if detail else news.get("template_rule"),
    }
    change = _diffed(kind, olds, news, key=key, id_=found.template_code, label=found.name, status=found.status)
    if change is None:
        return None
    if change.action == "update":  # only a rejected template updates in place
        note = f"rejected ({found.status_reason or 'no reason given'}): amended and resubmitted for review"
    elif found.status == ReviewStatus.REJECTED:
        note = "type and intl_type cannot be amended: a new template is submitted for review"
    else:
        note = "Alibaba Cloud amends only rejected templates: a new one is submitted for review"
    return replace(change, notes=(note,))


def _deleted_template(kind: Kind, template: TemplateSummary) -> Change:
    notes = (
        ("under review: Alibaba Cloud deletes a template only once its review ends",)
        if template.status == ReviewStatus.UNDER_REVIEW
        else ()
    )
    return Change("delete", kind.report_kind, None, template.template_code, template.name, template.status, (), notes)


def _sender_change(
    kind: Kind, key: str, entry: SenderIdEntry, found: Registration | None, live: LiveAccount
) -> Change | None:
    news = kind.entry_inputs(key, entry)
    if found is None:
        created = [f"the registration {entry.import_id} to import is not in the account"] if entry.import_id else []
        if live.console:
            created.append(f"console mode: `pulumi up` prints what to enter in Alibaba's console; record the outcome "
                         f"in {live.console_records or 'a records file (alisms:consoleRecords)'}")  # fmt: skip
        identity = {name: news[name] for name in ("country", *SENDER_AMENDABLE_FIELDS)}
        return _created(kind, key, sender_label(entry), identity, created)
    source = news if found.recorded else found.latest_fields()  # a console record holds no details: as declared
    olds = {
        "country": found.country,
        **{name: source[name] for name in SENDER_AMENDABLE_FIELDS},
        **{name: news[name] for name in SENDER_LOCAL_FIELDS},  # local to the deployment, not in the account
        "status": found.status,
        "console_request": {} if found.recorded else None,  # as a console mode resource's state has one
    }
    notes: list[str] = []
    if found.status == RegistrationStatus.EXPIRED:
        notes.append("Expired: resubmit it in Alibaba's console" if found.recorded else "Expired: resubmitted")
    if found.status == RegistrationStatus.DOCUMENTS_RENDERED and news["documents"]:
        notes.append(f"upload {len(news['documents'])} document(s)")
    change = _diffed(kind, olds, news, key=key, id_=found.registration_id, label=sender_label(found),
                     status=found.status, notes=notes)  # fmt: skip
    if change is None or found.status != RegistrationStatus.APPROVED:
        return change
    if found.pending_status is not None:
        reason = f": {found.pending_reason}" if found.pending_reason else ""
        notes.append(f"amendment version {found.pending_version} {found.pending_status}{reason}")
    if change.action == "replace":
        notes.append("a new sender ID is a new registration: it is submitted, then the approved one is deleted")
        if news["deletion_protection"]:
            notes.append("deletion_protection is on: set it to false to let the approved registration go")
    elif any(field.field in SENDER_AMENDABLE_FIELDS for field in change.fields):
        notes.append("approved: an amendment is submitted for review; the approved version keeps serving until "
                     "the amendment is approved")  # fmt: skip
    return replace(change, notes=tuple(notes))


def _deleted_registration(kind: Kind, registration: Registration) -> Change | None:
    if registration.status in CLOSED_REGISTRATION_STATUSES:
        return None  # it holds nothing
    notes: tuple[str, ...] = ("approved",) if registration.status == RegistrationStatus.APPROVED else ()
    if registration.recorded:
        notes += ("recorded from the console: no API withdraws it, do so in Alibaba's console",)
    return Change("delete", kind.report_kind, None, registration.registration_id, sender_label(registration),
                  registration.status, (), notes)  # fmt: skip


def _qualification_change(
    kind: Kind, key: str, entry: QualificationEntry, found: QualificationRecord | None, live: LiveAccount
) -> Change | None:
    news = kind.entry_inputs(key, entry)
    if found is None:
        note = "a verification code is texted to the administrator's phone: SmsAccount needs it as certify_code"
        return _created(kind, key, entry.name, news, [note])
    detail = live.qualification_details.get(found.qualification_id)
    reported = ("company_name", "company_type", "organization_code", "business_license_validity",
                "legal_person_id_type", "legal_person_id_validity", "admin_id_type", "admin_id_validity",
                "use_by_self", "share")  # fmt: skip
    olds = {name: news[name] for name in (*reported, *qualification.LOCAL_FIELDS)}  # unknown: as declared
    if detail is not None:
        olds.update({name: value for name in reported if (value := getattr(detail, name)) is not None})
        olds["remark"] = detail.remark
    else:
        olds["remark"] = news["remark"]
    olds.update(name=found.name, status=found.status)  # documents are not reported: never compared (as imported)
    change = _diffed(kind, olds, news, key=key, id_=str(found.qualification_id), label=found.name,
                     status=found.status)  # fmt: skip
    if change is None:
        return None
    if change.action == "replace":
        note = "company type, organization code, use and sharing cannot be amended: it is deleted and submitted again"
    else:
        note = "amended and resubmitted for review, with a fresh verification code (certify_code)"
    return replace(change, notes=(note,))


def _deleted_qualification(kind: Kind, found: QualificationRecord) -> Change:
    notes = ("approved",) if found.status == ReviewStatus.APPROVED else ()
    return Change("delete", kind.report_kind, None, str(found.qualification_id), found.name, found.status, (), notes)


def _with_qualification_id(entry: SignatureEntry, pairing: Pairing) -> SignatureEntry:
    """A signature entry naming a qualification by key, with that qualification's live id (if it exists)."""
    if entry.qualification is None:
        return entry
    found = pairing["Qualification"].get(entry.qualification)
    return entry.model_copy(update={"qualification_id": None if found is None else found.qualification_id})


def _signature_change(
    kind: Kind, key: str, entry: SignatureEntry, found: SignatureSummary | None, live: LiveAccount
) -> Change | None:
    news = kind.entry_inputs(key, entry)
    if found is None:
        pending = entry.qualification is not None and entry.qualification_id is None
        notes = [f"once qualifications.{entry.qualification} is created and approved"] if pending else []
        return _created(kind, key, entry.name, news, notes)
    detail = live.signature_details.get(found.name)
    olds = {name: news[name] for name in (*signature.AMENDABLE_FIELDS, *signature.LOCAL_FIELDS)}  # as declared
    olds.update(name=found.name, status=found.status, qualification_id=news["qualification_id"])
    if found.type is not None:
        olds["type"] = found.type
    if detail is not None:  # the source is never reported: as declared
        olds.update({name: getattr(detail, name) for name in ("qualification_id", "remark", "apply_scene",
                     "third_party", "authorization_letter_id", "trademark_id", "app_icp_record_id")})  # fmt: skip
    change = _diffed(kind, olds, news, key=key, id_=found.name, label=found.name, status=found.status)
    if change is None:
        return None
    if change.action == "update":
        note = ("rejected: amended and resubmitted for review" if found.status == ReviewStatus.REJECTED
                else "bound to another qualification: carrier registration starts again")  # fmt: skip
    else:
        note = "Alibaba Cloud amends only rejected signatures: it is deleted and submitted again"
    return replace(change, notes=(note,))


def _deleted_signature(kind: Kind, found: SignatureSummary) -> Change:
    notes = ("approved",) if found.approved else ()
    return Change("delete", kind.report_kind, None, found.name, found.name, found.status, (), notes)


_ChangeBuilder = Callable[[Kind, str, Any, Any, LiveAccount], Change | None]
_DeletionBuilder = Callable[[Kind, Any], Change | None]
_LISTED_CHANGES: dict[str, tuple[_ChangeBuilder, _DeletionBuilder]] = {
    "AlertContact": (_contact_change, _deleted_contact),
    "Qualification": (_qualification_change, _deleted_qualification),
    "Signature": (_signature_change, _deleted_signature),
    "MessageTemplate": (_template_change, _deleted_template),
    "SenderId": (_sender_change, _deleted_registration),
}
"""Per listed kind (``pulumi_alisms.kinds``): its change and deletion builders, which add the kind's notes."""
