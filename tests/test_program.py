"""What programs declare, observed under ``pulumi.runtime.set_mocks``: resource types, names, inputs and
options as the engine would receive them, for the resources used directly, for ``SmsAccount`` built
from examples/gitops/account.yaml, and for the examples/gitops program itself.

The mock monitor records each raw ``RegisterResourceRequest`` (the gRPC message the engine gets), so
options that ``MockResourceArgs`` does not carry (parent, additional secret outputs) are observed as sent.
"""

import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from pulumi_alisms import (
    AlertContact,
    AlertContactArgs,
    FraudProtection,
    FraudProtectionArgs,
    MessageTemplate,
    MessageTemplateArgs,
    SenderId,
    SenderIdArgs,
    SendFrequencyLimit,
    SendFrequencyLimitArgs,
    SmsAccount,
    SuspensionThreshold,
    SuspensionThresholdArgs,
)
from pulumi_alisms.spec import SpecError
from pulumi_alisms.testing import ProviderHost, driver_for, without
from support import run_under_mocks

ROOT = Path(__file__).resolve().parent.parent
GITOPS = ROOT / "examples" / "gitops"
PROJECT, STACK = "pulumi-alisms", "prod"
COMPONENT_TYPE = "alisms:index:SmsAccount"
# Outputs a live account would answer with, so Outputs that programs export resolve.
FAKE_OUTPUTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "SenderId": lambda name: {"registration_id": f"sr-{name}", "status": "DocumentsToBeRendered"},
    "MessageTemplate": lambda name: {"template_code": f"SMS_{name}", "status": "UnderReview"},
    "AlertContact": lambda name: {"contact_id": f"c-{name}", "verified": False},
}


def dynamic(resource: str) -> str:
    """The type token of one of this package's dynamic resources."""
    return f"pulumi-python:dynamic/alisms:{resource}"


@dataclass
class Declared:
    """One resource registration, as the engine would receive it."""

    type: str
    name: str
    urn: str
    parent: str
    import_id: str
    additional_secret_outputs: list[str]
    inputs: dict[str, Any]


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = FAKE_OUTPUTS.get(args.typ.rsplit(":", 1)[-1], lambda _: {})(args.name)
        return args.resource_id or f"{args.name}-id", {**args.inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, keeping every registration request and every component's registered outputs."""

    def __init__(self) -> None:
        super().__init__(_Mocks())
        self.declared: list[Declared] = []
        self.outputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.declared.append(Declared(
                type=request.type, name=request.name, urn=response.urn, parent=request.parent,
                import_id=request.importId, additional_secret_outputs=list(request.additionalSecretOutputs),
                inputs=dict(rpc.deserialize_properties(request.object)),
            ))  # fmt: skip
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        self.outputs[request.urn] = dict(rpc.deserialize_properties(request.outputs))
        return super().RegisterResourceOutputs(request)

    def named(self, name: str) -> Declared:
        """The registration of the resource called ``name``."""
        (found,) = [declared for declared in self.declared if declared.name == name]
        return found


def run_program(program: Callable[[], object], config: dict[str, str] | None = None,
                secret_keys: list[str] | None = None) -> RecordingMonitor:  # fmt: skip
    """Run ``program`` under mocks until every registration has been sent, recording what the engine receives."""
    monitor = RecordingMonitor()
    run_under_mocks(program, monitor, project=PROJECT, stack=STACK, config=config, secret_keys=secret_keys)
    return monitor


def is_secret(value: Any) -> bool:
    """Whether a deserialized property arrived as a secret."""
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


def plain(value: Any) -> Any:
    """A deserialized property without its secret wrapper, as the provider receives it."""
    return value["value"] if is_secret(value) else value


def declared_inputs(declared: Declared) -> dict[str, Any]:
    """The inputs without the serialized provider and without unset (None) placeholders for outputs."""
    return {key: value for key, value in without(declared.inputs).items() if value is not None}


# --- the resources used directly -------------------------------------------------------------------------


def test_each_resource_declares_its_type_token_and_inputs() -> None:
    def program() -> None:
        SenderId("acme-id", SenderIdArgs(
            country="ID", sender_id="ACMEPAY", company_name="Acme Pay Ltd", website="https://acme.example",
            use_case="otp", sample_templates=["Your Acme code is 482913."],
            documents=[{"type": "business_license", "path": "documents/business-license.pdf"}],
        ))  # fmt: skip
        MessageTemplate("login-code", MessageTemplateArgs(
            name="Login code", type="international", intl_type=2, content="Your Acme code is ${code}."))  # fmt: skip
        SuspensionThreshold("limits", SuspensionThresholdArgs(biz_type="international", daily_suspend=10000))
        AlertContact("oncall", AlertContactArgs(
            name="On-call SRE", phone="+8613800000000", email="sre@example.com", alerts=["send_volume"],
            verification_code=pulumi.Output.secret("123456"),
        ))  # fmt: skip
        SendFrequencyLimit("frequency", SendFrequencyLimitArgs(per_minute=1, per_hour=5, per_day=10))
        FraudProtection("fraud", FraudProtectionArgs(hourly_limit=2000, increase_rate=300, success_rate=40))

    monitor = run_program(program)

    assert {(d.name, d.type) for d in monitor.declared} == {
        ("acme-id", dynamic("SenderId")), ("login-code", dynamic("MessageTemplate")),
        ("limits", dynamic("SuspensionThreshold")), ("oncall", dynamic("AlertContact")),
        ("frequency", dynamic("SendFrequencyLimit")), ("fraud", dynamic("FraudProtection")),
    }  # fmt: skip
    assert declared_inputs(monitor.named("acme-id")) == {
        "country": "ID", "sender_id": "ACMEPAY", "company_name": "Acme Pay Ltd", "website": "https://acme.example",
        "use_case": "otp", "sample_templates": ["Your Acme code is 482913."],
        "documents": [{"type": "business_license", "path": "documents/business-license.pdf"}],
    }  # fmt: skip
    assert declared_inputs(monitor.named("login-code")) == {
        "name": "Login code",
        "type": "international",
        "intl_type": 2,
        "content": "Your Acme code is ${code}.",
    }
    assert declared_inputs(monitor.named("limits")) == {"biz_type": "international", "daily_suspend": 10000}
    assert declared_inputs(monitor.named("frequency")) == {"per_minute": 1, "per_hour": 5, "per_day": 10}
    assert declared_inputs(monitor.named("fraud")) == {
        "hourly_limit": 2000, "increase_rate": 300, "success_rate": 40, "enabled": True,
    }  # fmt: skip
    # Every resource carries its provider, serialized, for the provider host to run.
    assert all(d.inputs["__provider"] for d in monitor.declared)


def test_alert_contact_asks_the_engine_to_keep_personal_data_secret() -> None:
    def program() -> None:
        AlertContact("oncall", AlertContactArgs(
            name="On-call SRE", phone="+8613800000000", email="sre@example.com",
            verification_code=pulumi.Output.secret("123456"),
        ))  # fmt: skip

    contact = run_program(program).named("oncall")

    assert set(contact.additional_secret_outputs) >= {"phone", "email", "verification_code"}
    assert is_secret(contact.inputs["verification_code"])
    assert contact.inputs["verification_code"]["value"] == "123456"


# --- SmsAccount over examples/gitops/account.yaml ---------------------------------------------------------

GITOPS_CHILDREN = {
    ("prod-contact-oncall", "AlertContact"), ("prod-contact-compliance", "AlertContact"),
    ("prod-threshold-international", "SuspensionThreshold"), ("prod-threshold-domestic", "SuspensionThreshold"),
    ("prod-frequency", "SendFrequencyLimit"), ("prod-fraud", "FraudProtection"),
    ("prod-template-login-code", "MessageTemplate"), ("prod-template-payment-receipt", "MessageTemplate"),
    ("prod-template-weekend-cashback", "MessageTemplate"),
    ("prod-sender-indonesia", "SenderId"), ("prod-sender-philippines", "SenderId"),
    ("prod-sender-thailand-promo", "SenderId"), ("prod-sender-malaysia", "SenderId"),
}  # fmt: skip


@pytest.fixture(scope="module")
def gitops() -> RecordingMonitor:
    """``SmsAccount("prod", spec=<examples/gitops/account.yaml>)``, declared from the repository root."""
    return run_program(lambda: SmsAccount("prod", spec=GITOPS / "account.yaml"))


def test_sms_account_declares_one_child_per_key_under_the_component(gitops: RecordingMonitor) -> None:
    (component,) = [d for d in gitops.declared if d.type == COMPONENT_TYPE]
    children = [d for d in gitops.declared if d is not component]

    assert component.name == "prod"
    assert {(d.name, d.type) for d in children} == {(name, dynamic(kind)) for name, kind in GITOPS_CHILDREN}
    assert {d.parent for d in children} == {component.urn}
    assert all(f"{COMPONENT_TYPE}$pulumi-python:dynamic/alisms:" in d.urn for d in children)


def test_sms_account_passes_the_file_values_as_inputs(gitops: RecordingMonitor) -> None:
    templates = yaml.safe_load((GITOPS / "account.yaml").read_text())["templates"]

    indonesia = declared_inputs(gitops.named("prod-sender-indonesia"))
    # A sample naming a template key is submitted as that template's content; literal samples stay.
    assert indonesia["sample_templates"] == [
        templates["login-code"]["content"],
        "Your Acme code is 482913. It expires in 5 minutes. Never share it.",
    ]
    assert declared_inputs(gitops.named("prod-sender-philippines"))["sample_templates"] == [
        templates["payment-receipt"]["content"]
    ]
    # Document paths are resolved against the file's directory, so the provider finds them from here.
    assert [Path(document["path"]).resolve() for document in indonesia["documents"]] == [
        GITOPS / "documents" / "business-license.pdf",
        GITOPS / "documents" / "authorization-letter.pdf",
    ]
    assert declared_inputs(gitops.named("prod-threshold-international")) == {
        "biz_type": "international", "daily_warning": 8000, "daily_suspend": 10000,
        "monthly_warning": 200000, "monthly_suspend": 250000,
    }  # fmt: skip
    assert declared_inputs(gitops.named("prod-template-login-code"))["content"] == templates["login-code"]["content"]
    assert declared_inputs(gitops.named("prod-fraud")) == {"enabled": True, "hourly_limit": 2000,
                                                          "increase_rate": 300, "success_rate": 40}  # fmt: skip
    assert "verification_code" not in declared_inputs(gitops.named("prod-contact-oncall"))


def test_sender_ids_are_protected_unless_the_file_says_otherwise(gitops: RecordingMonitor) -> None:
    protection = {d.name: d.inputs["deletion_protection"] for d in gitops.declared if d.type == dynamic("SenderId")}

    assert protection == {"prod-sender-indonesia": True, "prod-sender-philippines": True,
                          "prod-sender-thailand-promo": False, "prod-sender-malaysia": True}  # fmt: skip


def test_an_import_entry_adopts_the_registration_instead_of_submitting_it(gitops: RecordingMonitor) -> None:
    spec = yaml.safe_load((GITOPS / "account.yaml").read_text())
    spec["sender_ids"]["malaysia"]["import"] = "sr-4d2a9c7e1b05"
    spec["sender_ids"] = {"malaysia": spec["sender_ids"]["malaysia"]}
    adopted = run_program(lambda: SmsAccount("prod", spec=spec))

    assert {d.name: d.import_id for d in adopted.declared if d.import_id} == {"prod-sender-malaysia": "sr-4d2a9c7e1b05"}
    assert "import" not in adopted.named("prod-sender-malaysia").inputs
    assert not any(d.import_id for d in gitops.declared)


def test_sms_account_registers_status_and_code_maps(gitops: RecordingMonitor) -> None:
    (component,) = [d for d in gitops.declared if d.type == COMPONENT_TYPE]

    outputs = gitops.outputs[component.urn]

    assert outputs["template_codes"] == {
        "login-code": "SMS_prod-template-login-code", "payment-receipt": "SMS_prod-template-payment-receipt",
        "weekend-cashback": "SMS_prod-template-weekend-cashback",
    }  # fmt: skip
    assert outputs["sender_statuses"] == dict.fromkeys(
        ("indonesia", "philippines", "thailand-promo", "malaysia"), "DocumentsToBeRendered"
    )
    assert outputs["registration_ids"]["indonesia"] == "sr-prod-sender-indonesia"


def test_sms_account_without_sender_ids_or_templates_registers_empty_maps() -> None:
    monitor = run_program(lambda: SmsAccount("small", spec={"version": 1, "fraud_protection": {
        "hourly_limit": 100, "increase_rate": 200, "success_rate": 50}}))  # fmt: skip

    (component,) = [d for d in monitor.declared if d.type == COMPONENT_TYPE]
    assert [d.name for d in monitor.declared if d is not component] == ["small-fraud"]
    assert monitor.outputs[component.urn] == {"sender_statuses": {}, "registration_ids": {}, "template_codes": {}}


# --- invalid input -----------------------------------------------------------------------------------------


def test_an_invalid_file_raises_with_every_problem_before_declaring_anything(tmp_path: Path) -> None:
    spec = tmp_path / "account.yaml"
    spec.write_text(
        "version: 1\n"
        "contacts:\n"
        "  oncall: {name: On-call, phone: 'not a phone', email: sre@example.com}\n"
        "thresholds:\n"
        "  international: {daily_warning: 900, daily_suspend: 100}\n"
        "sender_ids:\n"
        "  russia:\n"
        "    country: RU\n"
        "    sender_id: ACMEPAYMENTSLTD\n"
        "    company_name: Acme Pay Ltd\n"
        "    use_case: otp\n"
        "    sample_templates: [Your code is 1234.]\n"
    )
    errors: list[SpecError] = []

    def program() -> None:
        try:
            SmsAccount("prod", spec=str(spec))
        except SpecError as error:
            errors.append(error)

    monitor = run_program(program)

    (error,) = errors
    lines = str(error).splitlines()
    for where, field in [(3, "phone"), (5, "daily_warning"), (8, "country"), (9, "sender_id")]:
        assert any(line.startswith(f"{spec}:{where}:") and field in line for line in lines), (where, field, lines)
    assert monitor.declared == []


def test_verification_codes_for_undeclared_contacts_are_refused() -> None:
    with pytest.raises(ValueError, match="verification_codes for contacts the account file does not declare: oncal"):
        run_program(lambda: SmsAccount("prod", spec=GITOPS / "account.yaml", verification_codes={"oncal": "123456"}))


# --- the examples/gitops program -----------------------------------------------------------------------------


@pytest.fixture
def gitops_program(monkeypatch: pytest.MonkeyPatch) -> RecordingMonitor:
    """The examples/gitops program, run from its directory (Pulumi's working directory for it), with the on-call
    contact's verification code in stack config as a secret."""
    monkeypatch.chdir(GITOPS)
    key = f"{PROJECT}:oncallVerificationCode"
    return run_program(lambda: runpy.run_path(str(GITOPS / "__main__.py"), run_name="__main__"),
                       config={key: "482913"}, secret_keys=[key])  # fmt: skip


def test_the_gitops_program_declares_the_account_file(gitops_program: RecordingMonitor) -> None:
    children = {(d.name, d.type) for d in gitops_program.declared if d.type != COMPONENT_TYPE}

    assert children == {(name, dynamic(kind)) for name, kind in GITOPS_CHILDREN}
    oncall = gitops_program.named("prod-contact-oncall").inputs
    assert is_secret(oncall["verification_code"]) and oncall["verification_code"]["value"] == "482913"
    assert gitops_program.named("prod-contact-compliance").inputs.get("verification_code") is None


def test_the_gitops_program_passes_the_providers_checks(gitops_program: RecordingMonitor, tmp_path: Path) -> None:
    """What `pulumi preview` does first: every declared input passes its provider's Check (documents included,
    from the directory the provider runs in)."""
    host = ProviderHost(str(GITOPS))
    try:
        host.configure({"alisms:endpoint": "embedded", "alisms:stateFile": str(tmp_path / "account.db")})
        failures = []
        for declared in gitops_program.declared:
            if declared.type == COMPONENT_TYPE:
                continue
            kind = declared.type.rsplit(":", 1)[-1]
            inputs = {key: plain(value) for key, value in without(declared.inputs).items()}
            _, found = driver_for(host, kind).check(declared.name, inputs)
            failures += [(declared.name, *failure) for failure in found]
    finally:
        host.close()

    assert failures == []


def test_the_repository_root_runs_the_gitops_program_as_the_same_project() -> None:
    root_project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    gitops_project = yaml.safe_load((GITOPS / "Pulumi.yaml").read_text())

    assert root_project["name"] == gitops_project["name"] == PROJECT
    assert (ROOT / root_project["main"]).resolve() == GITOPS
    assert (ROOT / root_project["stackConfigDir"]).resolve() == GITOPS
    assert (GITOPS / f"Pulumi.{STACK}.yaml").is_file()
    # `virtualenv` is relative to each Pulumi.yaml: both name this repository's .venv.
    venvs = {(ROOT / root_project["runtime"]["options"]["virtualenv"]).resolve(),
             (GITOPS / gitops_project["runtime"]["options"]["virtualenv"]).resolve()}  # fmt: skip
    assert venvs == {ROOT / ".venv"}
