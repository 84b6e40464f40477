"""Chinese-mainland templates carry their signature (RelatedSignName) and variable rule (TemplateRule):
``check`` refuses them missing, and the provider binds a template to a ``Signature`` resource and amends both."""

from mainland_helpers import OTP, SIGNATURE, submit_qualification
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.emulator import admin, mainland_admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.resources.message_template import MessageTemplateProvider
from pulumi_alisms.resources.signature import SignatureProvider
from pulumi_alisms.testing import ProviderHost, ResourceDriver, driver_for

RULE = {"code": "numberCaptcha"}


def test_check_requires_a_signature_and_a_rule_for_mainland_templates_only(host: ProviderHost) -> None:
    templates = driver_for(host, "MessageTemplate")
    _, failures = templates.check("login", {"name": "Login", "type": "otp", "content": OTP})
    assert {prop for prop, _ in failures} == {"signature", "template_rule"}
    assert any("RelatedSignName" in message for prop, message in failures if prop == "signature")
    _, plain = templates.check("notice", {"name": "Notice", "type": "notification", "content": "已发货。"})
    assert [prop for prop, _ in plain] == ["signature"]  # no variables: no rule needed
    _, wrong = templates.check("login", {"name": "Login", "type": "otp", "content": OTP, "signature": SIGNATURE,
                                         "template_rule": {"order": "other_number2"}})  # fmt: skip
    assert [prop for prop, _ in wrong] == ["template_rule"]
    _, international = templates.check("intl", {"name": "Intl", "type": "international", "intl_type": 2,
                                                "content": "Your code is ${code}."})  # fmt: skip
    assert international == []


def test_a_template_bound_to_a_signature_resource_records_and_amends_it(
    host: ProviderHost, live: AccountClient, module_store: Store
) -> None:
    qualification_id = submit_qualification(live, module_store)
    admin.approve(module_store, str(qualification_id))
    signatures = ResourceDriver(host, "Signature", SignatureProvider())
    signature_id, signature = signatures.up(
        "brand", {"name": SIGNATURE, "source": "company", "qualification_id": qualification_id}
    )
    mainland_admin.register_carrier(module_store, SIGNATURE, DEV_ACCESS_KEY_ID)

    templates = ResourceDriver(host, "MessageTemplate", MessageTemplateProvider())
    inputs = {"name": "Login", "type": "otp", "content": "码 ${code}, see bit.ly/x", "signature": signature["name"],
              "template_rule": RULE}  # fmt: skip
    code, state = templates.up("login", inputs)
    assert (state["signature"], state["template_rule"], state["status"]) == (signature_id, RULE, "Rejected")
    got = live.templates.get(code)
    assert got is not None and (got.signature, got.template_rule) == (SIGNATURE, RULE)

    fixed = {**inputs, "content": OTP, "template_rule": {"code": "characterWithNumber2"}}
    diff = templates.diff("login", code, state, fixed)
    assert diff.changes and diff.replaces == []  # rejected: amended in place
    amended = templates.update("login", code, state, fixed)
    assert (amended["status"], amended["template_rule"]) == ("Approved", {"code": "characterWithNumber2"})
    assert templates.diff("login", code, amended, {**fixed, "signature": "另一个签名"}).replaces == ["signature"]
    assert templates.diff("login", code, amended, fixed).changes is False
