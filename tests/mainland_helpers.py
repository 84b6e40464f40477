"""Shared steps of the Chinese-mainland tests: a qualification's documents and fields, phone codes from the outbox,
the Beijing clock, and a signature that is ready to send."""

import re
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.qualifications import BusinessLicense, QualificationDocuments, QualificationSubmission
from pulumi_alisms.api.signatures import SignatureRequest
from pulumi_alisms.api.templates import MainlandDetails
from pulumi_alisms.emulator import admin, clock, mainland_admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.rules.mainland import BEIJING
from pulumi_alisms.rules.templates import template_variables

ADMIN_PHONE = "13900001234"
COMPANY = "杭州示例科技有限公司"
CREDIT_CODE = "91330100MA2AXXXX1Y"
SIGNATURE = "示例科技"
OTP = "您的验证码为${code}。5分钟内有效。"
OTP_TEMPLATE_TEXT = "Your code is ${code}."
RECIPIENT = "13800138000"
# The qualification's personal data (secret fields): the legal person's and the administrator's.
PERSONAL = {"legal_person_name": "张三", "legal_person_id_number": "330100199001011234", "admin_name": "李四",
            "admin_id_number": "330100199202025678", "admin_phone": ADMIN_PHONE}  # fmt: skip


def latest_code(store: Store, phone: str = ADMIN_PHONE, account: str = DEV_ACCESS_KEY_ID) -> str:
    """The verification code of the last SMS the emulator sent to ``phone``."""
    messages = [m for m in admin.outbox(store, account) if m["channel"] == "sms" and m["recipient"] == phone]
    assert messages, f"no SMS to {phone} in the outbox"
    match = re.search(r"\b(\d{6})\b", messages[-1]["body"])
    assert match is not None
    return match.group(1)


def upload_documents(client: AccountClient) -> QualificationDocuments:
    """The administrator's ID document (both sides) and a business license, uploaded with the policy."""
    return QualificationDocuments(
        admin_id_front=client.uploads.upload_document("admin-front.jpg", b"\xff\xd8front", "image/jpeg"),
        admin_id_back=client.uploads.upload_document("admin-back.jpg", b"\xff\xd8back", "image/jpeg"),
        business_licenses=[
            BusinessLicense(
                key=client.uploads.upload_document("license.png", b"\x89PNGlicense"), type="businessLicense"
            )
        ],
    )


def submission(documents: QualificationDocuments, **changes: Any) -> QualificationSubmission:
    """A valid qualification of ``COMPANY``, with ``changes`` applied."""
    fields: dict[str, Any] = {
        "name": "ExampleTech",
        "company_name": COMPANY,
        "company_type": "COMPANY",
        "organization_code": CREDIT_CODE,
        "business_license_validity": "2020-01-01~2099-12-31",
        "legal_person_id_type": "identityCard",
        "legal_person_id_validity": "2020-01-01~2040-01-01",
        "admin_id_type": "identityCard",
        "admin_id_validity": "2020-01-01~2040-01-01",
        **{name: SecretStr(value) for name, value in PERSONAL.items()},
        "documents": documents,
    }
    return QualificationSubmission(**{**fields, **changes})


def submit_qualification(client: AccountClient, store: Store, **changes: Any) -> int:
    """Verify the administrator's phone, upload the documents and submit; the qualification's id."""
    client.qualifications.request_phone_code(ADMIN_PHONE)
    return client.qualifications.submit(submission(upload_documents(client), **changes), latest_code(store))


def advance_to_beijing_hour(store: Store, hour: int) -> None:
    """Move the emulator clock forward to the next HH:30 Beijing time."""
    now = datetime.fromtimestamp(clock.now(store), BEIJING)
    target = now.replace(hour=hour, minute=30, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    clock.advance(store, (target - now).total_seconds())


def ready_signature(client: AccountClient, store: Store, name: str = SIGNATURE, **request: Any) -> int:
    """An approved qualification and an approved, carrier-registered signature ``name``; the qualification id."""
    qualification_id = submit_qualification(client, store)
    admin.approve(store, str(qualification_id), kind="qualification")
    client.signatures.create(
        SignatureRequest(name=name, source="company", qualification_id=qualification_id, **request)
    )
    admin.approve(store, name, kind="signature")
    mainland_admin.register_carrier(store, name, DEV_ACCESS_KEY_ID)
    return qualification_id


def template_rule(content: str, kind: str = "otp") -> dict[str, str] | None:
    """A TemplateRule for the variables of ``content`` (Alibaba's example attributes), or ``None`` without any."""
    attribute = "numberCaptcha" if kind == "otp" else "other_number2"
    return {name: attribute for name in template_variables(content)} or None


def mainland(content: str, kind: str = "otp", signature: str | None = SIGNATURE) -> MainlandDetails:
    """What a Chinese-mainland template of ``content`` is created with: ``signature`` and a rule for its variables."""
    return MainlandDetails(related_sign_name=signature, template_rule=template_rule(content, kind))


def approved_template(
    client: AccountClient, store: Store, kind: str = "otp", content: str = OTP, signature: str | None = SIGNATURE
) -> str:
    """A template bound to ``signature``, approved; its code."""
    code = client.templates.create(f"{kind} template", kind, content, details=mainland(content, kind, signature))  # type: ignore[arg-type]
    admin.approve(store, code)
    return code
