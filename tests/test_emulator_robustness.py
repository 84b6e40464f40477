"""The emulator under hostile input and concurrent writers: never a 500, never a lost write."""

import json
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import httpx
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

OPERATIONS = sorted(ROUTES)
PARAMETER_NAMES = sorted(
    {"TemplateCode", "TemplateName", "TemplateContent", "TemplateType", "IntlType", "Remark", "PageIndex", "PageSize",
     "PageNo", "Id", "Ids", "Name", "Phone", "Email", "OpenSendWarning", "VerificationCode", "Target", "VerifyType",
     "BizType", "DailyWarningLimit", "DailyHaltLimit", "MonthlyWarningLimit", "MonthlyHaltLimit", "MinuteLimit",
     "HourLimit", "DailyLimit", "IncreaseRate", "SuccessRate", "PackageWarningLimit", "Country", "SenderId",
     "CompanyName", "Website", "UseCase", "BusinessInfo", "SampleTemplates", "ClientToken", "RegistrationId",
     "Documents", "Status", "To", "From", "Message", "Type", "TemplateParam", "MessageId", "ValidityPeriod"}
)  # fmt: skip
values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", "0", "1", "2", "3", "-1", "null", "[]", "{}", '["a"]', '[{"Type":"x"}]', "ID", "RU", "SG",
                     "otp", "true", "1e309", "NaN", "+8613800000000", "sr-000000000000", "SMS_000000000"]),
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
        assert 400 <= error.http_status < 500 or (error.http_status == 200 and error.code.startswith("isv.")), error
        assert error.code and error.message
        assert error.code != "InternalError"
    finally:
        client.close()


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
