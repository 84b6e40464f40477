"""What a person reads when a resource operation fails: the constructor forms, and errors through the real
dynamic-provider host (``python -m pulumi.dynamic`` sends the engine ``traceback.format_exc()``)."""

import dataclasses
import inspect
import typing
from typing import Any

import pytest

from pulumi_alisms.emulator import admin
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.kinds import KINDS, Kind
from pulumi_alisms.resources._base import constructor_args
from pulumi_alisms.resources.message_template import MessageTemplateArgs
from pulumi_alisms.testing import ProviderHost, ProviderHostError, driver_for, without

REFUSED_SENDER = {"country": "MY", "sender_id": "SMS", "company_name": "Acme", "use_case": "otp",
                  "sample_templates": ["Your code is 1234"], "wait_for": "approved", "wait_timeout": 30}  # fmt: skip


def test_a_vendor_refusal_reaches_the_engine_as_one_line_with_the_shortest_traceback(
    host: ProviderHost, module_store: Store
) -> None:
    admin.set_review_speed(module_store, "instant")
    with pytest.raises(ProviderHostError) as raised:
        driver_for(host, "SenderId").up("refused", REFUSED_SENDER)

    details = str(raised.value).strip().splitlines()
    assert details[-1].startswith("pulumi_alisms.resources._base.OperationFailed: SenderId create failed: ")
    assert "Rejected" in details[-1]
    assert not any("During handling" in line or "direct cause" in line for line in details)
    frames = [line for line in details if line.lstrip().startswith("File ")]
    assert len(frames) <= 3, details  # the host's wrapper and Create, then the provider method


def test_constructor_fields_as_keywords_build_the_same_args_as_an_args_object() -> None:
    keywords: dict[str, Any] = {"name": "Login", "type": "otp", "content": "Code ${code}"}

    given, opts = constructor_args(MessageTemplateArgs, (), keywords)

    assert given == MessageTemplateArgs(**keywords) and opts is None
    with pytest.raises(TypeError, match="contnt"):
        constructor_args(MessageTemplateArgs, (), {**keywords, "contnt": "x"})
    with pytest.raises(TypeError, match="not both"):
        constructor_args(MessageTemplateArgs, (MessageTemplateArgs(**keywords),), {"name": "x"})


MISSING_IDS = [("SenderId", "sr-000000000000"), ("MessageTemplate", "SMS_000000000"), ("AlertContact", "999999")]


@pytest.mark.parametrize(("type_name", "missing_id"), MISSING_IDS)
def test_reading_a_missing_id_returns_no_id_so_an_import_fails(
    host: ProviderHost, type_name: str, missing_id: str
) -> None:
    # An import's Read carries only the program's inputs (with the serialized provider), no state.
    found, outputs, _ = driver_for(host, type_name).read("adopted", missing_id, {}, inputs={})

    assert (found, without(outputs)) == ("", {})  # the host adds only the serialized provider


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_the_keyword_constructor_names_exactly_the_args_fields(kind: Kind) -> None:
    """The typed keyword form (an overload per resource) cannot drift from its ``*Args`` dataclass."""
    _, keyword_form = typing.get_overloads(kind.resource_class().__init__)

    keywords = [name for name, parameter in inspect.signature(keyword_form).parameters.items()
                if parameter.kind is inspect.Parameter.KEYWORD_ONLY]  # fmt: skip
    assert keywords == [field.name for field in dataclasses.fields(kind.args_class())]


@pytest.mark.parametrize("bad_id", ["abc", "12x", "", "-5", "\uff11\uff12"])
@pytest.mark.parametrize("method", ["read", "delete"])
def test_an_alert_contact_id_that_is_not_a_number_fails_in_one_line_naming_it(
    host: ProviderHost, bad_id: str, method: str
) -> None:
    contacts = driver_for(host, "AlertContact")
    with pytest.raises(ProviderHostError) as raised:
        if method == "read":  # a refresh, or an import with import_="abc"
            contacts.read("imported", bad_id, {}, inputs={})
        else:
            contacts.delete("imported", bad_id, {})

    details = str(raised.value).strip().splitlines()
    assert details[-1].startswith("pulumi_alisms.resources._base.OperationFailed: AlertContact "), details
    assert f"alert contact id {bad_id!r} is not a contact id" in details[-1]
    assert not any("ValueError" in line for line in details), details
