"""The live account as an account file (``alisms export``): adopt an existing account into GitOps.

Keys come from names, slugified and made unique (``Login code`` -> ``login-code``, ``login-code-2``); a
sender ID's key is its sender ID and country (``acmepay-id``). Sample templates are written as text (the
file writer turns a sample equal to an exported template's content into that template's key). Sender IDs
carry ``import: <registration id>`` so that a deployment adopts them instead of registering again.

Qualifications carry ``import: <qualification id>`` and none of their personal data (``SmsAccount`` takes it
as secrets) nor documents (adopted as they are); a signature names its qualification by key when that is
exported too. The account does not report a signature's source: it is written from what the signature shows
(``trademark`` with a trademark, ``app`` with an ICP record, else ``company``), with a note to check it.

Not exported, each with a note: Rejected and Expired registrations (they hold nothing; ``alisms drift``
lists them), per-number limits at the vendor defaults, the domestic ones when the international ones are
exported too (an account file holds one ``frequency_limits``), and uploaded documents (the account keeps
no file to point at).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pulumi_alisms.rules.limits import DEFAULT_FREQUENCY
from pulumi_alisms.rules.statuses import CLOSED_REGISTRATION_STATUSES
from pulumi_alisms.rules.templates import TEMPLATE_TYPE_CODES
from pulumi_alisms.spec.live import LiveAccount, sender_label
from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.references import NAME

PREFERRED_FREQUENCY_BIZ_TYPE = "international"
_NOT_NAME = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Export:
    """The account file's content, and what was left out or needs a person's eye, one sentence each."""

    spec: AccountSpec
    notes: tuple[str, ...]


def export_account(live: LiveAccount) -> Export:
    """An account file that declares what ``live`` holds (read with ``details_for=None``: every template's
    details), so that ``alisms plan`` shows no changes for it."""
    notes: list[str] = []
    data: dict[str, object] = {"version": 1}
    contact_keys = _keys((contact.name, str(contact.contact_id)) for contact in live.contacts)
    data["contacts"] = {
        key: {"name": contact.name, "phone": contact.phone, "email": contact.email, "alerts": sorted(contact.alerts)}
        for key, contact in zip(contact_keys, live.contacts, strict=True)
    }
    data["thresholds"] = {
        biz: values
        for biz, limits in live.thresholds.items()
        if (values := limits.model_dump(exclude={"biz_type"}, exclude_none=True))
    }
    customized = {
        biz: values
        for biz, limit in live.frequency_limits.items()
        if (values := limit.model_dump(exclude={"biz_type"})) != DEFAULT_FREQUENCY
    }
    for biz in sorted(customized, key=lambda biz: biz != PREFERRED_FREQUENCY_BIZ_TYPE):
        if "frequency_limits" not in data:
            data["frequency_limits"] = {"biz_type": biz, **customized[biz]}
        else:
            notes.append(
                f"{biz} per-number limits {customized[biz]} not exported: an account file holds one frequency_limits"
            )
    if live.fraud is not None:
        data["fraud_protection"] = live.fraud.model_dump()
    foreign = [t for t in live.templates if t.type not in TEMPLATE_TYPE_CODES]  # e.g. digital SMS, made in the console
    notes.extend(f"template {t.template_code} ({t.name}) not exported: an account file cannot declare type {t.type}"
                 for t in foreign)  # fmt: skip
    templates = [t for t in live.templates if t.template_code in live.template_details and t not in foreign]
    template_keys = _keys((t.name, t.template_code) for t in templates)
    data["templates"] = {
        key: live.template_details[t.template_code].model_dump(
            include={"name", "type", "content", "remark", "intl_type", "signature", "template_rule"}, exclude_none=True
        )
        for key, t in zip(template_keys, templates, strict=True)
    }
    qualification_keys = _export_qualifications(live, data)
    _export_signatures(live, data, qualification_keys, notes)
    contents = {t.content for t in templates}
    registrations = []
    for registration in live.sender_ids:
        if registration.status in CLOSED_REGISTRATION_STATUSES:
            reason = f": {registration.status_reason}" if registration.status_reason else ""
            notes.append(
                f"{registration.registration_id} ({sender_label(registration)}) not exported: "
                f"{registration.status}{reason}"
            )
            continue
        if registration.recorded:
            notes.append(f"{registration.registration_id} ({sender_label(registration)}) not exported: a console "
                         "record holds no company, use case or sample templates")  # fmt: skip
            continue
        registrations.append(registration)
        for sample in registration.sample_templates:
            if NAME.fullmatch(sample) and sample not in contents:
                notes.append(
                    f"{registration.registration_id} ({sender_label(registration)}): the sample {sample!r} "
                    "is a single word, which an account file reads as a template key: edit it"
                )
    sender_keys = _keys((f"{r.sender_id}-{r.country}", r.registration_id) for r in registrations)
    data["sender_ids"] = {
        key: {
            "country": r.country,
            "sender_id": r.sender_id,
            "company_name": r.company_name,
            "website": r.website,
            "use_case": r.use_case,
            "sample_templates": list(r.sample_templates),
            "import": r.registration_id,
        }
        for key, r in zip(sender_keys, registrations, strict=True)
    }
    return Export(AccountSpec.model_validate(data), tuple(notes))


_QUALIFICATION_FIELDS = ("name", "company_name", "company_type", "organization_code", "business_license_validity",
                         "legal_person_id_type", "legal_person_id_validity", "admin_id_type", "admin_id_validity",
                         "use_by_self", "share", "remark")  # fmt: skip
_SIGNATURE_FIELDS = ("remark", "apply_scene", "authorization_letter_id", "trademark_id", "app_icp_record_id")


def _export_qualifications(live: LiveAccount, data: dict[str, object]) -> dict[int, str]:
    """The ``qualifications`` section (no personal data); the key of each exported qualification, by id."""
    exported = [live.qualification_details[q.qualification_id] for q in live.qualifications
                if q.qualification_id in live.qualification_details]  # fmt: skip
    keys = _keys((q.name, str(q.qualification_id)) for q in exported)
    data["qualifications"] = {
        key: {**q.model_dump(include=set(_QUALIFICATION_FIELDS), exclude_none=True), "import": str(q.qualification_id)}
        for key, q in zip(keys, exported, strict=True)
    }
    return {q.qualification_id: key for key, q in zip(keys, exported, strict=True)}


def _export_signatures(
    live: LiveAccount, data: dict[str, object], qualification_keys: dict[int, str], notes: list[str]
) -> None:
    """The ``signatures`` section, naming qualifications by key where they are exported too."""
    exported = [live.signature_details[s.name] for s in live.signatures if s.name in live.signature_details]
    entries: dict[str, dict[str, object]] = {}
    for key, found in zip(_keys((s.name, f"signature-{n}") for n, s in enumerate(exported, 1)), exported, strict=True):
        source = "trademark" if found.trademark_id else "app" if found.app_icp_record_id else "company"
        notes.append(f"signature {found.name}: the account does not report its source, exported as {source}: "
                     "check it")  # fmt: skip
        entry: dict[str, object] = {"name": found.name, "source": source}
        if found.qualification_id is not None and found.qualification_id in qualification_keys:
            entry["qualification"] = qualification_keys[found.qualification_id]
        else:
            entry["qualification_id"] = found.qualification_id
        if found.type is not None:
            entry["type"] = found.type
        if found.third_party:
            entry["third_party"] = True
        entry.update(found.model_dump(include=set(_SIGNATURE_FIELDS), exclude_none=True))
        entries[key] = entry
    data["signatures"] = entries


def slug(text: str) -> str:
    """A file key from a name: lowercase Latin letters and digits, other runs of characters as ``-``."""
    return _NOT_NAME.sub("-", text.lower()).strip("-")


def _keys(names: Iterable[tuple[str, str]]) -> list[str]:
    """A unique key per (name, fallback id) pair, in order; the id stands in for a name with no Latin letters."""
    taken: set[str] = set()
    keys = []
    for name, fallback in names:
        base = slug(name) or slug(fallback)
        key, number = base, 1
        while key in taken:
            number += 1
            key = f"{base}-{number}"
        taken.add(key)
        keys.append(key)
    return keys
