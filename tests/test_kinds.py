"""Per resource kind of the registry (``pulumi_alisms.kinds``): the ``*Args`` a program writes, the ``*Inputs`` the
provider checks and the Outputs the resource declares agree (names, required fields, choices, types, documentation),
a create answers with exactly the declared outputs, and the account file has one section per kind."""

import ast
import dataclasses
import inspect
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest

from mainland_helpers import ADMIN_PHONE, COMPANY, CREDIT_CODE, latest_code, submit_qualification
from pulumi_alisms.api.account import open_account
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.kinds import KINDS, Kind
from pulumi_alisms.spec.models import AccountSpec

# The smallest inputs of each kind that an empty account accepts.
EXAMPLES: dict[str, dict[str, Any]] = {
    "AlertContact": {"name": "On-call", "phone": "+8613800000000", "email": "sre@example.com"},
    "SuspensionThreshold": {"biz_type": "international", "daily_suspend": 100},
    "SendFrequencyLimit": {},
    "FraudProtection": {"hourly_limit": 100, "increase_rate": 200, "success_rate": 50},
    "MessageTemplate": {"name": "Login", "type": "international", "intl_type": 2, "content": "Your code is ${code}."},
    "SenderId": {"country": "MY", "sender_id": "ACMEPAY", "company_name": "Acme", "use_case": "otp",
                 "sample_templates": ["Your Acme code is 482913."]},
    "Qualification": {"name": "ExampleTech", "company_name": COMPANY, "organization_code": CREDIT_CODE,
                      "business_license_validity": "2020-01-01~2099-12-31", "legal_person_name": "张三",
                      "legal_person_id_number": "330100199001011234",
                      "legal_person_id_validity": "2020-01-01~2040-01-01",
                      "admin_name": "李四", "admin_id_number": "330100199202025678",
                      "admin_id_validity": "2020-01-01~2040-01-01", "admin_phone": ADMIN_PHONE,
                      "documents": [{"type": "admin_id_front", "path": "front.jpg"},
                                    {"type": "admin_id_back", "path": "back.jpg"}]},
    "Signature": {"name": "示例科技", "source": "company", "qualification_id": 0},
}  # fmt: skip
SCALARS = (str, int, bool)
by_name = pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])


def outputs_of(kind: Kind) -> dict[str, Any]:
    """The resource class's own ``pulumi.Output`` annotations."""
    return dict(vars(kind.resource_class())["__annotations__"])


def literals(annotation: Any) -> set[tuple[Any, ...]]:
    """The choices of every ``Literal`` inside an annotation (through Input, Output, Optional, lists)."""
    if get_origin(annotation) is Literal:
        return {get_args(annotation)}
    return {choices for arg in get_args(annotation) for choices in literals(arg)}


def plain_scalar(annotation: Any) -> type | None:
    """``str``/``int``/``bool`` when the annotation is one of them (optionally ``| None``), else ``None``."""
    options = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(options) == 1:
        annotation = options[0]
    return annotation if annotation in SCALARS else None


def mentions(annotation: Any, scalar: type) -> bool:
    return annotation is scalar or any(mentions(arg, scalar) for arg in get_args(annotation))


def undocumented(cls: type) -> list[str]:
    """The annotated attributes of ``cls`` that no docstring follows."""
    (node,) = [n for n in ast.parse(inspect.getsource(cls)).body if isinstance(n, ast.ClassDef)]
    missing = []
    for statement, following in zip(node.body, [*node.body[1:], None], strict=True):
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            documented = isinstance(following, ast.Expr) and isinstance(getattr(following, "value", None), ast.Constant)
            if not documented:
                missing.append(statement.target.id)
    return missing


def test_every_kind_has_an_example() -> None:
    assert set(EXAMPLES) == {kind.name for kind in KINDS}


@by_name
def test_args_and_inputs_have_the_same_fields_and_required_fields(kind: Kind) -> None:
    args = {field.name: field for field in dataclasses.fields(kind.args_class())}
    inputs = kind.inputs_model.model_fields

    assert set(args) == set(inputs)
    required_args = {name for name, field in args.items() if field.default is dataclasses.MISSING}
    assert required_args == {name for name, field in inputs.items() if field.is_required()}


@by_name
def test_outputs_declare_every_input_with_its_choices_and_type(kind: Kind) -> None:
    args = {field.name: field.type for field in dataclasses.fields(kind.args_class())}
    outputs = outputs_of(kind)

    for name, field in kind.inputs_model.model_fields.items():
        assert name in outputs, f"{kind.name}.{name} is an input but not an Output"
        choices = literals(field.annotation)
        assert literals(args[name]) == choices, f"{kind.name}Args.{name}"
        assert literals(outputs[name]) == choices, f"{kind.name}.{name}"
        scalar = plain_scalar(field.annotation)
        if scalar is not None:
            assert mentions(args[name], scalar) and mentions(outputs[name], scalar), f"{kind.name}.{name}: {scalar}"


@by_name
def test_every_arg_and_every_output_is_documented(kind: Kind) -> None:
    assert undocumented(kind.args_class()) == []
    assert undocumented(kind.resource_class()) == []


@by_name
def test_a_create_answers_with_exactly_the_declared_outputs(
    kind: Kind, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALISMS_ENDPOINT", "embedded")
    monkeypatch.setenv("ALISMS_STATE_FILE", str(tmp_path / "account.db"))
    monkeypatch.chdir(tmp_path)
    provider = kind.provider_class()()
    kind.args_class()(**EXAMPLES[kind.name])  # what a program writes is accepted as it is

    checked = provider.check({}, {**EXAMPLES[kind.name], **mainland_prerequisites(kind, tmp_path)})
    assert checked.failures == []
    created = provider.create(checked.inputs)

    assert set(created.outs) == set(outputs_of(kind))


def mainland_prerequisites(kind: Kind, tmp_path: Path) -> dict[str, Any]:
    """What a mainland example needs from the account first: a texted code and document files for a
    qualification, an approved qualification for a signature."""
    if kind.name not in ("Qualification", "Signature"):
        return {}
    store = Store(tmp_path / "account.db")
    store.set_setting("review_speed", "instant")
    client = open_account(AccountSettings(state_file=store.path))
    try:
        if kind.name == "Signature":
            qualification_id = submit_qualification(client, store)
            admin.approve(store, str(qualification_id), kind="qualification")
            return {"qualification_id": qualification_id}
        for name in ("front.jpg", "back.jpg"):
            (tmp_path / name).write_bytes(b"\xff\xd8" + name.encode())
        client.qualifications.request_phone_code(ADMIN_PHONE)
        return {"certify_code": latest_code(store)}
    finally:
        client.close()


def test_the_account_file_has_one_section_per_kind_with_its_entry_model() -> None:
    fields = AccountSpec.model_fields

    assert list(fields) == ["version", *(kind.section for kind in KINDS), "console_records"]
    for kind in KINDS:
        annotation = fields[kind.section].annotation
        entry = get_args(annotation)[-1] if kind.layout != "single" else get_args(annotation)[0]
        assert entry is kind.entry_model, kind.section
