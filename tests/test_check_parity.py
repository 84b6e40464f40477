"""``check`` refuses what the account refuses: every parameter rule the emulator applies at create has its
counterpart in the inputs' ``input_problems``, from the same function in ``rules/``.

The text tables (``rules.*.*_TEXT``) are the data the emulator refuses by; the tests iterate them, so a rule
added to a table is tested on both sides, and a field the emulator maps but check does not read fails here.
"""

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.fraud import FraudLimits
from pulumi_alisms.api.signatures import SignatureRequest
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator.responses import sender_ids as sender_id_responses
from pulumi_alisms.emulator.responses import signatures as signature_responses
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.inputs import (
    alert_contact,
    fraud_protection,
    message_template,
    sender_id,
    signature,
    suspension_threshold,
)
from pulumi_alisms.rules import contacts, limits, sender_ids, signatures, templates
from pulumi_alisms.rules.text import TextRule
from support import check_refuses

SENDER: dict[str, Any] = {"country": "GB", "sender_id": "ACMEPAY", "company_name": "Acme Pay Ltd", "website": "https://acme.example",
          "use_case": "otp", "sample_templates": ["Your Acme code is 482913."]}  # fmt: skip
SIGNATURE: dict[str, Any] = {"name": "阿里云短信", "source": "website", "qualification_id": 1, "apply_scene": "https://acme.example",
             "remark": "login codes"}  # fmt: skip


def bad_values(rule: TextRule) -> list[str]:
    """What a text rule refuses, derived from the rule itself."""
    values = ["a\x00b", "a\x1b[8mb", "a\u202eb", *([] if rule.multiline else ["a\nb"])]
    if rule.max_length is not None:
        values.append("x" * (rule.max_length + 1))
    if rule.non_blank:
        values.append("   ")
    return values


def refuses_parameter(call: Callable[[], object], parameter: str) -> bool:
    """Whether the emulator refuses the call for ``parameter`` (``InvalidParameter.<name>``, ``MissingParameter.``
    for a blank required one, or a NUL anywhere)."""
    with pytest.raises(AliSmsApiError) as caught:
        call()
    error = caught.value
    return error.code.endswith(f"Parameter.{parameter}") or f'"{parameter}"' in error.message


TABLES = [
    ("SenderId", sender_ids.REGISTRATION_TEXT, sender_id_responses.TEXT_PARAMETERS),
    ("Signature", signatures.SIGNATURE_TEXT, signature_responses.TEXT_PARAMETERS),
]


@pytest.mark.parametrize(("kind", "table", "parameters"), TABLES, ids=[kind for kind, *_ in TABLES])
def test_the_emulator_maps_every_rule_of_its_text_table(kind: str, table: dict[str, TextRule],
                                                        parameters: dict[str, str]) -> None:  # fmt: skip
    assert set(parameters) == set(table), kind


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, rule in sender_ids.REGISTRATION_TEXT.items() for value in bad_values(rule)],
)
def test_check_refuses_every_registration_text_the_emulator_refuses(
    account: AccountClient, field: str, value: str
) -> None:
    values = {**SENDER, field: value}
    parameter = sender_id_responses.TEXT_PARAMETERS[field]
    assert refuses_parameter(lambda: account.sender_ids.submit(**values), parameter)
    assert check_refuses(sender_id.SenderIdInputs, sender_id.input_problems, values, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, rule in signatures.SIGNATURE_TEXT.items() for value in bad_values(rule)],
)
def test_check_refuses_every_signature_text_the_emulator_refuses(
    account: AccountClient, field: str, value: str
) -> None:
    values = {**SIGNATURE, field: value}
    parameter = signature_responses.TEXT_PARAMETERS[field]
    assert refuses_parameter(lambda: account.signatures.create(SignatureRequest(**values)), parameter)
    assert check_refuses(signature.SignatureInputs, signature.input_problems, values, field)


def test_a_document_type_the_upload_refuses_is_refused_by_check(tmp_path: Any) -> None:
    document = tmp_path / "licence.pdf"
    document.write_bytes(b"%PDF")
    for value in bad_values(sender_ids.DOCUMENT_TYPE):
        values = {**SENDER, "documents": [{"type": value, "path": str(document)}]}
        assert check_refuses(sender_id.SenderIdInputs, sender_id.input_problems, values, "documents"), value


# Rules the emulator applies through a shared rules/ function, one refused value each, from the rules' constants.
SHARED: list[tuple[str, dict[str, Any], str]] = [
    ("template", {"name": "x" * (templates.MAX_NAME_LENGTH + 1)}, "name"),
    ("template", {"name": "Welcome\x1b[8m"}, "name"),
    ("template", {"remark": "x" * (templates.MAX_REMARK_LENGTH + 1)}, "remark"),
    ("template", {"remark": "a\u202eb"}, "remark"),
    ("template", {"content": "x" * (templates.MAX_CONTENT_LENGTH + 1)}, "content"),
    ("template", {"content": "Code ${code}\x1b[1A"}, "content"),
    ("contact", {"name": "x" * (contacts.MAX_CONTACT_NAME_LENGTH + 1)}, "name"),
    ("contact", {"name": "SRE\x00"}, "name"),
    ("sender_id", {"sender_id": "ACME\x00"}, "sender_id"),
    ("sender_id", {"sample_templates": ["Code 1\x1b[8m"]}, "sample_templates"),
    ("threshold", {"daily_suspend": limits.MAX_LIMIT + 1}, "daily_suspend"),
    ("fraud", {"hourly_limit": limits.MAX_LIMIT + 1}, "hourly_limit"),
    ("signature", {"name": "阿里\x1b云"}, "name"),
]
TEMPLATE: dict[str, Any] = {"name": "Login code", "type": "otp", "content": "Your code is ${code}.", "remark": "login"}
CONTACT: dict[str, Any] = {"name": "On-call SRE", "phone": "+8613800000000", "email": "sre@example.com"}
THRESHOLD: dict[str, Any] = {"biz_type": "international", "daily_warning": 1, "daily_suspend": 2, "monthly_warning": 3,
             "monthly_suspend": 2_000_000_000}  # fmt: skip
FRAUD: dict[str, Any] = {"hourly_limit": 100, "increase_rate": 50, "success_rate": 10}


def _create(account: AccountClient, kind: str, values: dict[str, Any]) -> Callable[[], object]:
    creators: dict[str, Callable[[], object]] = {
        "template": lambda: account.templates.create(
            values["name"], values["type"], values["content"], remark=values["remark"]
        ),
        "contact": lambda: account.contacts.save(**values, alerts=[]),
        "sender_id": lambda: account.sender_ids.submit(**values),
        "threshold": lambda: account.thresholds.set(WarningThreshold(**values)),
        "fraud": lambda: account.fraud.set(FraudLimits(**values)),
        "signature": lambda: account.signatures.create(SignatureRequest(**values)),
    }
    return creators[kind]


_CHECKS: dict[str, tuple[type[BaseModel], Callable[[Any], list[Any]], dict[str, Any]]] = {
    "template": (message_template.MessageTemplateInputs, message_template.input_problems, TEMPLATE),
    "contact": (alert_contact.AlertContactInputs, alert_contact.input_problems, CONTACT),
    "sender_id": (sender_id.SenderIdInputs, sender_id.input_problems, SENDER),
    "threshold": (
        suspension_threshold.SuspensionThresholdInputs,
        suspension_threshold.input_problems,
        {**THRESHOLD, "monthly_suspend": 4},
    ),
    "fraud": (fraud_protection.FraudProtectionInputs, fraud_protection.input_problems, FRAUD),
    "signature": (signature.SignatureInputs, signature.input_problems, SIGNATURE),
}


@pytest.mark.parametrize(("kind", "change", "field"), SHARED, ids=[f"{k}-{f}-{i}" for i, (k, _, f) in
                                                                    enumerate(SHARED)])  # fmt: skip
def test_check_refuses_what_the_emulator_refuses_by_a_shared_rule(
    account: AccountClient, kind: str, change: dict[str, Any], field: str
) -> None:
    model, problems, base = _CHECKS[kind]
    values = {**base, **change}
    with pytest.raises(AliSmsApiError):
        _create(account, kind, values)()
    assert check_refuses(model, problems, values, field)
    _create(account, kind, base)  # the base values alone are fine on both sides
    assert check_refuses(model, problems, base, field) is False
