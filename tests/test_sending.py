"""International sending: destination countries, SenderID enforcement, thresholds, alerts, frequency limits."""

from datetime import UTC, datetime

import pytest
from alibabacloud_dysmsapi20180501 import models as sdk_models
from alibabacloud_dysmsapi20180501.client import Client as SdkClient
from hypothesis import given
from hypothesis import strategies as st

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.backends.sending import count_segments
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.countries import ISO_COUNTRY_CODES, country_rules
from pulumi_alisms.rules.phone_numbers import CALLING_CODES, COUNTRY_NAMES, parse_phone_number
from support import sdk_config

UK = "447700900123"  # no SenderID registration needed
UK_OTHER = "447700900456"
MALAYSIA = "60123456789"  # registration required, no documents


def register(account: AccountClient, country: str, sender_id: str) -> str:
    """Submit a SenderID registration (instant review settles it on the next read)."""
    ack = account.sender_ids.submit(
        country=country,
        sender_id=sender_id,
        company_name="Acme Payments Sdn Bhd",
        use_case="otp",
        sample_templates=["Your Acme code is 123456."],
    )
    return ack.registration_id


def refused(call: object, *args: object, **kwargs: object) -> AliSmsApiError:
    """The error a call fails with."""
    assert callable(call)
    with pytest.raises(AliSmsApiError) as caught:
        call(*args, **kwargs)
    return caught.value


def advance_to_hour(store: Store, hour: int) -> None:
    """Move the emulator clock forward to the next HH:30 UTC."""
    now = datetime.fromtimestamp(clock.now(store), UTC)
    seconds = ((hour - now.hour) % 24) * 3600 + (30 - now.minute) * 60 - now.second
    clock.advance(store, seconds % 86400)


# --- phone numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("6281234567890", "ID"),
        ("+6281234567890", "ID"),
        ("14155550100", "US"),
        ("8613800000000", "CN"),
        ("85291234567", "HK"),
        ("85362812345", "MO"),
        ("886912345678", "TW"),
        ("79161234567", "RU"),
        ("77011234567", "KZ"),
        ("971501234567", "AE"),
        ("447700900123", "GB"),
    ],
)
def test_number_country_by_longest_calling_code(number: str, country: str) -> None:
    parsed = parse_phone_number(number)
    assert parsed is not None
    assert parsed.country == country
    assert parsed.digits == number.removeprefix("+")


@pytest.mark.parametrize(
    "number", ["", "+", "abc", "62-812345", "0081234567", "8001234567", "6212", "1" * 16, "٦٢٨١٢٣٤٥٦٧"]
)
def test_malformed_or_unknown_numbers_have_no_country(number: str) -> None:
    assert parse_phone_number(number) is None


def test_every_country_with_sender_id_rules_has_a_calling_code() -> None:
    covered = set(CALLING_CODES.values())
    every = [country_rules(code) for code in ISO_COUNTRY_CODES]
    special = {rules.code for rules in every if rules is not None and rules.registration != "optional"}
    assert special - covered == set()
    assert covered <= set(COUNTRY_NAMES) and covered <= ISO_COUNTRY_CODES


@given(st.text(alphabet="0123456789+", max_size=20))
def test_any_digit_string_parses_without_raising(text: str) -> None:
    parsed = parse_phone_number(text)
    if parsed is not None:
        assert parsed.digits.startswith(parsed.calling_code)
        assert CALLING_CODES[parsed.calling_code] == parsed.country


@given(st.text(max_size=20))
def test_any_text_parses_without_raising(text: str) -> None:
    parse_phone_number(text)


# --- segments -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters take two septets
        ("€" * 81, 2),
        ("你" * 70, 1),
        ("你" * 71, 2),
        ("你" * 134, 2),
        ("你" * 135, 3),
        ("a" * 69 + "😀", 2),  # an emoji is two UCS-2 units
    ],
)
def test_segments(text: str, segments: int) -> None:
    assert count_segments(text) == segments


# --- SenderID enforcement -------------------------------------------------------------------------------------


def test_registration_country_needs_an_approved_sender_id(account: AccountClient) -> None:
    error = refused(account.sending.send, MALAYSIA, "ACMEPAY", "Your code is 123456", "otp")
    assert error.code == "isv.SENDER_ID_NOT_REGISTERED"
    assert "MY" in error.message and "ACMEPAY" in error.message
    assert refused(account.sending.send, MALAYSIA, None, "Your code is 123456").code == "isv.SENDER_ID_NOT_REGISTERED"

    register(account, "MY", "ACMEPAY")
    sent = account.sending.send(MALAYSIA, "ACMEPAY", "Your code is 123456", "otp")
    assert (sent.to, sent.country, sent.segments) == (MALAYSIA, "MY", 1)
    record = account.sending.query(sent.message_id)
    assert (record.status, record.message, record.country) == ("sent", "Your code is 123456", "MY")
    # An approval is for one country only.
    assert refused(account.sending.send, "6281234567890", "ACMEPAY", "Hi").code == "isv.SENDER_ID_NOT_REGISTERED"


def test_a_rejected_sender_id_cannot_send(account: AccountClient, store: Store) -> None:
    registration_id = register(account, "MY", "ACMEPAY")
    admin.reject(store, registration_id, "brand not verified")
    assert refused(account.sending.send, MALAYSIA, "ACMEPAY", "Hi").code == "isv.SENDER_ID_NOT_REGISTERED"


def test_optional_country_sends_without_registration(account: AccountClient) -> None:
    sent = account.sending.send("+" + UK, "Acme", "Hello " * 30)
    assert (sent.to, sent.country, sent.segments) == (UK, "GB", 2)


def test_unknown_destination_and_mainland_refused(account: AccountClient) -> None:
    assert refused(account.sending.send, "999123456789", None, "Hi").code == "isv.MOBILE_NUMBER_ILLEGAL"
    error = refused(account.sending.send, "8613800000000", None, "Hi")
    assert error.code == "isv.MAINLAND_NOT_SUPPORTED"


def test_parameter_problems_are_http_400(account: AccountClient) -> None:
    error = refused(account.sending.send, UK, "A sender id too long", "Hi")
    assert (error.code, error.http_status) == ("InvalidParameter.From", 400)
    assert refused(account.sending.send, UK, None, "").code == "MissingParameter.Message"


# --- thresholds -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (WarningThreshold(biz_type="international", daily_suspend=3), "isv.DAY_LIMIT_CONTROL"),
        (WarningThreshold(biz_type="international", monthly_suspend=3), "isv.MONTH_LIMIT_CONTROL"),
    ],
)
def test_halt_threshold_suspends_sending(account: AccountClient, limits: WarningThreshold, code: str) -> None:
    account.thresholds.set(limits)
    for _ in range(3):
        account.sending.send(UK, "Acme", "Your order shipped")
    error = refused(account.sending.send, UK_OTHER, "Acme", "Your order shipped")
    assert error.code == code
    assert "suspension threshold 3 reached" in error.message
    # The refused message is not counted, and raising the limit resumes sending.
    assert account.thresholds.get_with_usage("international")[1].daily_total == 3
    account.thresholds.set(WarningThreshold(biz_type="international", daily_suspend=4, monthly_suspend=4))
    account.sending.send(UK_OTHER, "Acme", "Your order shipped")


def test_warning_threshold_alerts_contacts_once_per_day(account: AccountClient, store: Store) -> None:
    account.contacts.save("Ops", "+6591234567", "ops@example.com", ["send_volume"])
    account.contacts.save("Finance", "+6591234568", "finance@example.com", ["package_quota"])
    account.thresholds.set(WarningThreshold(biz_type="international", daily_warning=2, daily_suspend=10))

    def volume_alerts() -> list[tuple[str, str]]:
        return [(row["channel"], row["recipient"]) for row in admin.outbox(store) if "volume" in row["subject"]]

    account.sending.send(UK, "Acme", "one")
    assert volume_alerts() == []
    account.sending.send(UK, "Acme", "two")
    assert volume_alerts() == [("sms", "+6591234567"), ("email", "ops@example.com")]
    assert "daily warning threshold of 2" in admin.outbox(store)[-1]["body"]
    account.sending.send(UK, "Acme", "three")
    assert len(volume_alerts()) == 2

    clock.advance(store, 86400)
    account.sending.send(UK, "Acme", "one")
    account.sending.send(UK, "Acme", "two")
    assert len(volume_alerts()) == 4


# --- per-number frequency -----------------------------------------------------------------------------------------


def test_otp_per_number_frequency(account: AccountClient, store: Store) -> None:
    account.sending.send(UK, "Acme", "Code 1111", "otp")
    error = refused(account.sending.send, UK, "Acme", "Code 2222", "otp")
    assert error.code == "isv.BUSINESS_LIMIT_CONTROL"
    assert "per-minute" in error.message
    account.sending.send(UK_OTHER, "Acme", "Code 3333", "otp")
    account.sending.send(UK, "Acme", "Your parcel is on its way")  # notifications have their own limit

    clock.advance(store, 61)
    account.sending.send(UK, "Acme", "Code 2222", "otp")


def test_configured_frequency_limit_applies(account: AccountClient, store: Store) -> None:
    account.frequency.set(FrequencyLimit(biz_type="international", per_minute=2, per_hour=3, per_day=10))
    account.sending.send(UK, "Acme", "Code 1", "otp")
    account.sending.send(UK, "Acme", "Code 2", "otp")
    assert "per-minute" in refused(account.sending.send, UK, "Acme", "Code 3", "otp").message
    clock.advance(store, 61)
    account.sending.send(UK, "Acme", "Code 3", "otp")
    assert "per-hour" in refused(account.sending.send, UK, "Acme", "Code 4", "otp").message


def test_promotional_messages_wait_for_daytime(account: AccountClient, store: Store) -> None:
    advance_to_hour(store, 21)
    assert refused(account.sending.send, UK, "Acme", "Sale!", "promotional").code == "isv.MARKETING_TIME_LIMIT"
    account.sending.send(UK, "Acme", "Code 1234", "otp")
    advance_to_hour(store, 9)
    account.sending.send(UK, "Acme", "Sale!", "promotional")


# --- templates ------------------------------------------------------------------------------------------------------


def test_send_with_template_fills_variables(account: AccountClient, store: Store) -> None:
    code = account.templates.create("login code", "international", "Your Acme code is ${code}.", intl_type=2)
    sent = account.sending.send_with_template(UK, "Acme", code, {"code": 482913})
    assert sent.country == "GB"
    assert account.sending.query(sent.message_id).message == "Your Acme code is 482913."
    # The template is an OTP template: OTP frequency limits apply.
    assert (
        refused(account.sending.send_with_template, UK, "Acme", code, {"code": 1}).code == "isv.BUSINESS_LIMIT_CONTROL"
    )

    error = refused(account.sending.send_with_template, UK_OTHER, "Acme", code, {"other": 1})
    assert error.code == "isv.TEMPLATE_MISSING_PARAMETERS"
    assert "${code}" in error.message


def test_send_with_template_needs_an_approved_template(account: AccountClient, store: Store) -> None:
    store.set_setting("review_speed", "realistic")
    advance_to_hour(store, 12)  # a promotional template: outside the quiet hours, whatever the wall clock says
    code = account.templates.create("notice", "international", "Your parcel has shipped.", intl_type=1)
    assert refused(account.sending.send_with_template, UK, "Acme", code, {}).code == "isv.SMS_TEMPLATE_ILLEGAL"
    admin.approve(store, code)
    account.sending.send_with_template(UK, "Acme", code, {})
    error = refused(account.sending.send_with_template, UK, "Acme", "SMS_404", {})
    assert (error.code, error.http_status) == ("isv.SMS_TEMPLATE_ILLEGAL", 404)


def test_query_unknown_message(account: AccountClient) -> None:
    error = refused(account.sending.query, "123")
    assert error.http_status == 404


# --- the official SDK ------------------------------------------------------------------------------------------------


def test_official_sdk_parses_answers(emulator: EmulatorServer, account: AccountClient) -> None:
    sdk = SdkClient(sdk_config(emulator.url))
    sent = sdk.send_message_to_globe(
        sdk_models.SendMessageToGlobeRequest(to=UK, from_="Acme", message="Hello from the SDK", type="NOTIFY")
    ).body
    assert (sent.response_code, sent.to, sent.from_, sent.segments) == ("OK", UK, "Acme", "1")
    assert sent.message_id and sent.request_id
    assert sent.number_detail.country == "United Kingdom"

    code = account.templates.create("login code", "international", "Code ${code}", intl_type=2)
    templated = sdk.send_message_with_template(
        sdk_models.SendMessageWithTemplateRequest(
            to=UK_OTHER, from_="Acme", template_code=code, template_param='{"code":"9911"}'
        )
    ).body
    assert (templated.response_code, templated.to, templated.segments) == ("OK", UK_OTHER, "1")

    report = sdk.query_message(sdk_models.QueryMessageRequest(message_id=templated.message_id)).body
    assert (report.response_code, report.status, report.message, report.to) == ("OK", "1", "Code 9911", UK_OTHER)
    assert report.send_date and report.receive_date
    assert report.number_detail.country == "United Kingdom"

    refusal = sdk.send_message_to_globe(
        sdk_models.SendMessageToGlobeRequest(to=MALAYSIA, from_="ACMEPAY", message="Hi")
    ).body
    assert refusal.response_code == "isv.SENDER_ID_NOT_REGISTERED"
    assert "MY" in refusal.response_description
