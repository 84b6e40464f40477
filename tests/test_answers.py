"""An answer that lacks a field the client reads, or carries it with the wrong type, fails as one
``InvalidResponse`` line naming the action and the field, never a KeyError or ValueError traceback."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.config import RetryPolicy
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.errors import AliSmsApiError

FULL = {
    "QueryFlowLimitNew": {"MinuteLimit": 1, "HourLimit": 5, "DailyLimit": 10},
    "QueryPrevLimitNew": {"HourLimit": 100, "IncreaseRate": 50, "SuccessRate": 10, "Switch": "off"},
    "QueryContactsListNew": {"List": [{"Id": 7, "Name": "SRE", "Phone": "+8613800000000", "Email": "a@b.c"}]},
}


def account_answering(answers: dict[str, dict[str, Any]]) -> AccountClient:
    """An account whose service answers each action with ``answers[action]`` (and RequestId, Code OK)."""

    def handle(request: httpx.Request) -> httpx.Response:
        action = request.headers["x-acs-action"]
        return httpx.Response(200, json={"RequestId": "r-1", "Code": "OK", **answers[action]})

    retry = RetryPolicy(max_attempts=1)
    return AccountClient(RpcClient("http://fake", Credentials("id", "secret"), transport=httpx.MockTransport(handle),
                                   retry=retry))  # fmt: skip


READS: dict[str, Callable[[AccountClient], object]] = {
    "QueryFlowLimitNew": lambda account: account.frequency.get("international"),
    "QueryPrevLimitNew": lambda account: account.fraud.get(),
    "QueryContactsListNew": lambda account: account.contacts.list(),
}


def without(answer: dict[str, Any], field: str) -> dict[str, Any]:
    if field in answer:
        return {name: value for name, value in answer.items() if name != field}
    return {"List": [without(item, field) for item in answer["List"]]}


def with_value(answer: dict[str, Any], field: str, value: object) -> dict[str, Any]:
    if field in answer:
        return {**answer, field: value}
    return {"List": [with_value(item, field, value) for item in answer["List"]]}


def test_complete_answers_are_read() -> None:
    account = account_answering(FULL)
    assert account.frequency.get("international").per_minute == 1
    assert account.contacts.list()[0].contact_id == 7


MISSING = [("QueryFlowLimitNew", "MinuteLimit"), ("QueryFlowLimitNew", "DailyLimit"),
           ("QueryPrevLimitNew", "SuccessRate"), ("QueryContactsListNew", "Id")]  # fmt: skip


@pytest.mark.parametrize(("action", "field"), MISSING)
def test_an_answer_without_a_field_fails_in_one_line_naming_it(action: str, field: str) -> None:
    account = account_answering({**FULL, action: without(FULL[action], field)})
    with pytest.raises(AliSmsApiError) as raised:
        READS[action](account)
    error = raised.value
    assert (error.action, error.code) == (action, "InvalidResponse")
    assert f"{action} answered without {field}" in str(error) and "\n" not in str(error)


@pytest.mark.parametrize("value", ["many", None, [1], {"n": 1}, True, 1.5])
def test_a_field_of_the_wrong_type_fails_in_one_line_naming_it(value: object) -> None:
    account = account_answering(
        {**FULL, "QueryFlowLimitNew": with_value(FULL["QueryFlowLimitNew"], "MinuteLimit", value)}
    )
    with pytest.raises(AliSmsApiError) as raised:
        account.frequency.get("international")
    assert raised.value.code == "InvalidResponse"
    assert "QueryFlowLimitNew answered MinuteLimit that is not an integer" in str(raised.value)
    assert "\n" not in str(raised.value)
