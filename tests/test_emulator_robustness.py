"""The emulator under hostile input and concurrent writers: never a 500, never a lost write."""

import json
import multiprocessing
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_alisms.api.account import open_account
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.api.signing import Credentials
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.routes import ROUTES
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from support import assert_clean_error, run_cli

OPERATIONS = sorted(ROUTES)
PARAMETER_NAMES = sorted(
    {"TemplateCode", "TemplateName", "TemplateContent", "TemplateType", "IntlType", "Remark", "PageIndex", "PageSize",
     "PageNo", "Id", "Ids", "Name", "Phone", "Email", "OpenSendWarning", "VerificationCode", "Target", "VerifyType",
     "BizType", "DailyWarningLimit", "DailyHaltLimit", "MonthlyWarningLimit", "MonthlyHaltLimit", "MinuteLimit",
     "HourLimit", "DailyLimit", "IncreaseRate", "SuccessRate", "PackageWarningLimit", "Country", "SenderId",
     "CompanyName", "Website", "UseCase", "BusinessInfo", "SampleTemplates", "ClientToken", "RegistrationId",
     "Documents", "Status", "To", "From", "Message", "Type", "TemplateParam", "MessageId", "ValidityPeriod",
     "SampleTemplates.1", "SampleTemplates.\u00b2", "SampleTemplates." + "9" * 30}
)  # fmt: skip
# Integers int() refuses although str.isdigit() accepts them, or that no column can hold.
UNRULY_INTEGERS = ["9" * 30, "-" + "9" * 30, "9" * 5000, "\u00b2", "1_000", "\u0663", "2147483648"]
values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", "0", "1", "2", "3", "-1", "null", "[]", "{}", '["a"]', '[{"Type":"x"}]', "ID", "RU", "SG",
                     "otp", "true", "1e309", "NaN", "+8613800000000", "sr-000000000000", "SMS_000000000",
                     *UNRULY_INTEGERS, " 7", "1,\u00b2", "1," + "9" * 30]),
    st.lists(st.text(max_size=10), max_size=3).map(json.dumps),
)  # fmt: skip


def _client(store: Store) -> RpcClient:
    transport = httpx.WSGITransport(app=EmulatorApp(store))
    return RpcClient(
        "http://embedded.alisms", Credentials(DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET), transport=transport
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operation=st.sampled_from(OPERATIONS), params=st.dictionaries(st.sampled_from(PARAMETER_NAMES), values))
def test_arbitrary_parameters_never_cause_a_server_error(store: Store, operation: tuple[str, str],
                                                         params: dict[str, Any]) -> None:  # fmt: skip
    version, action = operation
    client = _client(store)
    try:
        client.call(version, action, params, idempotent=False)
    except AliSmsApiError as error:
        # Business errors are HTTP 200: Dysmsapi 2017-05-25's ``isv.*``, 2018-05-01's international codes (no prefix).
        business = error.http_status == 200 and re.fullmatch(r"(isv\.)?[A-Z_]+", error.code) is not None
        assert 400 <= error.http_status < 500 or business, error
        assert error.code and error.message
        assert error.code != "InternalError"
    finally:
        client.close()


@pytest.mark.parametrize(
    "value",
    UNRULY_INTEGERS,
    ids=["30 nines", "-30 nines", "5000 nines", "superscript two", "underscore", "arabic-indic three", "2**31"],
)
@pytest.mark.parametrize(
    ("version", "action", "name"),
    [("2017-06-20", "ListSenderIdRegistrations", "PageNo"), ("2017-06-20", "SaveContactsNew", "Id"),
     ("2017-06-20", "DeleteContactsNew", "Ids"), ("2017-05-25", "QuerySmsTemplateList", "PageIndex")],
)  # fmt: skip
def test_unruly_integers_are_invalid_parameters(store: Store, version: str, action: str, name: str, value: str) -> None:
    client = _client(store)
    with pytest.raises(AliSmsApiError) as refused:
        client.call(version, action, {name: value, "Name": "a", "Phone": "+8613800000000", "Email": "a@b.co"},
                    idempotent=False)  # fmt: skip
    client.close()
    assert (refused.value.http_status, refused.value.code) == (400, f"InvalidParameter.{name}")


def test_the_clock_stays_where_times_can_be_written(state_file: Path) -> None:
    refused = run_cli("emulator", "advance", "3000000d", "--state-file", state_file)
    assert_clean_error(refused, "within 100 years of real time")
    assert run_cli("emulator", "advance", "36500d", "--state-file", state_file).returncode == 0
    client = _client(Store(state_file))
    assert client.call("2017-06-20", "QueryWarningThresholdNew", {"BizType": "2"}, idempotent=True)["BizType"] == "2"
    client.close()


def test_a_clock_offset_stored_out_of_range_still_answers(store: Store) -> None:
    store.set_setting("clock_offset", repr(3_000_000 * 86_400.0))  # what an unbounded advance used to store
    answer = httpx.Client(transport=httpx.WSGITransport(app=EmulatorApp(store))).post("http://embedded.alisms/")
    assert answer.json()["Code"] == "MissingParameter.Signature"
    assert int(answer.headers["date"].split()[3]) < 2200


def _write_contacts(state_file: str, worker: int, count: int) -> None:
    client = open_account(AccountSettings(state_file=state_file))
    for index in range(count):
        client.contacts.save(name=f"w{worker}-{index}", phone=f"+86138{worker:02d}{index:06d}",
                             email=f"w{worker}-{index}@example.com", alerts=["send_volume"])  # fmt: skip
    client.close()


def test_two_processes_writing_the_same_state_file_lose_nothing(tmp_path: Path) -> None:
    state_file = str(tmp_path / "shared.db")
    Store(state_file)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_contacts, args=(state_file, worker, 40)) for worker in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    with sqlite3.connect(state_file) as db:
        names = {row[0] for row in db.execute("SELECT name FROM contacts")}
    assert names == {f"w{worker}-{index}" for worker in range(2) for index in range(40)}
