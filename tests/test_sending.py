"""Sending (Dysmsapi 2018-05-01): destination countries, SenderIDs abroad and signatures to the mainland,
thresholds, alerts, per-number limits, the promotional ban in mainland time, batches, fraud prevention.

No test depends on the wall clock: every time-dependent rule runs at an hour the test sets on the
emulator's clock.
"""

import json
from datetime import UTC, datetime

import pytest
from alibabacloud_dysmsapi20180501 import models as sdk_models
from alibabacloud_dysmsapi20180501.client import Client as SdkClient
from hypothesis import given
from hypothesis import strategies as st

import mainland_helpers
from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.fraud import FraudLimits
from pulumi_alisms.api.frequency import FrequencyLimit
from pulumi_alisms.api.thresholds import WarningThreshold
from pulumi_alisms.emulator import admin, clock
from pulumi_alisms.emulator.backends.sending import count_segments
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.countries import ISO_COUNTRY_CODES, country_rules
from pulumi_alisms.rules.phone_numbers import CALLING_CODES, COUNTRY_NAMES, parse_phone_number
from pulumi_alisms.rules.sending import MAINLAND_TIME
from pulumi_alisms.rules.templates import TemplateKind
from support import sdk_config

UK = "447700900123"  # no SenderID registration needed
UK_OTHER = "447700900456"
MALAYSIA = "60123456789"  # registration required, no documents
MAINLAND = "8613800138000"
MAINLAND_OTHER = "8613900139000"


def mainland_template(account: AccountClient, kind: TemplateKind, content: str) -> str:
    """A Chinese-mainland template bound to the ``signed`` fixture's signature, with a rule for its variables."""
    return account.templates.create(f"{kind} template", kind, content, details=mainland_helpers.mainland(content, kind))


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
    """Move the emulator clock forward to the next HH:30 mainland time (UTC+8)."""
    now = datetime.fromtimestamp(clock.now(store), UTC).astimezone(MAINLAND_TIME)
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
    assert error.code == "INVALID_SENDERID"
    assert "MY" in error.message and "ACMEPAY" in error.message
    assert refused(account.sending.send, MALAYSIA, None, "Your code is 123456").code == "INVALID_SENDERID"

    register(account, "MY", "ACMEPAY")
    sent = account.sending.send(MALAYSIA, "ACMEPAY", "Your code is 123456", "otp")
    assert (sent.to, sent.country, sent.segments) == (MALAYSIA, "MY", 1)
    record = account.sending.query(sent.message_id)
    assert (record.status, record.message, record.country) == ("sent", "Your code is 123456", "MY")
    # An approval is for one country only.
    assert refused(account.sending.send, "6281234567890", "ACMEPAY", "Hi").code == "INVALID_SENDERID"


def test_a_rejected_sender_id_cannot_send(account: AccountClient, store: Store) -> None:
    registration_id = register(account, "MY", "ACMEPAY")
    admin.reject(store, registration_id, "brand not verified")
    assert refused(account.sending.send, MALAYSIA, "ACMEPAY", "Hi").code == "INVALID_SENDERID"


def test_optional_country_sends_without_registration(account: AccountClient) -> None:
    sent = account.sending.send("+" + UK, "Acme", "Hello " * 30)
    assert (sent.to, sent.country, sent.segments) == (UK, "GB", 2)


def test_unknown_destination_and_mainland_refused(account: AccountClient) -> None:
    assert refused(account.sending.send, "999123456789", None, "Hi").code == "MOBILE_NUMBER_ILLEGAL"
    error = refused(account.sending.send, MAINLAND, None, "Hi")
    assert (error.code, error.http_status) == ("NOT_SUPPORTED_COUNTRY", 200)
    assert "SendMessageWithTemplate" in error.message


@pytest.mark.parametrize("sender", ["AcmePayments", "Acme Pay", "Acme&Co", "Acme.Pay", "ACME-PAY", "Acme_Pay!"])
def test_from_is_letters_and_digits_only(account: AccountClient, sender: str) -> None:
    error = refused(account.sending.send, UK, sender, "Hi")
    assert (error.code, error.http_status) == ("INVALID_SENDERID", 200)


def test_a_missing_message_is_http_400(account: AccountClient) -> None:
    assert refused(account.sending.send, UK, None, "").code == "MissingParameter.Message"


# --- thresholds -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (WarningThreshold(biz_type="international", daily_suspend=3), "DAY_LIMIT_CONTROL"),
        (WarningThreshold(biz_type="international", monthly_suspend=3), "MONTH_LIMIT_CONTROL"),
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


def test_international_numbers_take_20_messages_a_day_of_any_kind(account: AccountClient, store: Store) -> None:
    # Not the mainland's OTP limits: two codes within a minute go out.
    account.sending.send(UK, "Acme", "Code 1111", "otp")
    account.sending.send(UK, "Acme", "Code 2222", "otp")
    for index in range(18):
        account.sending.send(UK, "Acme", f"Update {index}", "promotional" if index % 2 else None)
    error = refused(account.sending.send, UK, "Acme", "One too many")
    assert error.code == "BUSINESS_LIMIT_CONTROL_DAY"
    assert "20" in error.message
    account.sending.send(UK_OTHER, "Acme", "Another number has its own count")
    clock.advance(store, 86401)
    account.sending.send(UK, "Acme", "A day later")


def test_configured_frequency_limit_applies(account: AccountClient, store: Store) -> None:
    account.frequency.set(FrequencyLimit(biz_type="international", per_minute=2, per_hour=3, per_day=10))
    account.sending.send(UK, "Acme", "Code 1", "otp")
    account.sending.send(UK, "Acme", "Code 2", "otp")
    error = refused(account.sending.send, UK, "Acme", "Code 3", "otp")
    assert error.code == "BUSINESS_LIMIT_CONTROL_MINUTE"
    assert "per-minute" in error.message
    clock.advance(store, 61)
    account.sending.send(UK, "Acme", "Code 3", "otp")
    assert refused(account.sending.send, UK, "Acme", "Code 4", "otp").code == "BUSINESS_LIMIT_CONTROL_HOUR"


def test_mainland_otp_per_number_frequency(account: AccountClient, store: Store, signed: str) -> None:
    code = mainland_template(account, "otp", "Your code is ${code}.")
    account.sending.send_with_template(MAINLAND, signed, code, {"code": 1111})
    error = refused(account.sending.send_with_template, MAINLAND, signed, code, {"code": 2222})
    assert error.code == "BUSINESS_LIMIT_CONTROL_MINUTE"
    account.sending.send_with_template(MAINLAND_OTHER, signed, code, {"code": 3333})
    clock.advance(store, 61)
    account.sending.send_with_template(MAINLAND, signed, code, {"code": 2222})


def test_mainland_notifications_take_50_a_day(account: AccountClient, signed: str) -> None:
    code = mainland_template(account, "notification", "Your parcel has shipped.")
    for _ in range(50):
        account.sending.send_with_template(MAINLAND, signed, code, {})
    assert refused(account.sending.send_with_template, MAINLAND, signed, code, {}).code == "BUSINESS_LIMIT_CONTROL_DAY"


@pytest.mark.parametrize(("hour", "allowed"), [(7, False), (8, True), (12, True), (19, True), (20, False), (23, False)])
def test_mainland_promotions_wait_for_daytime_in_mainland_time(
    account: AccountClient, store: Store, signed: str, hour: int, allowed: bool
) -> None:
    code = mainland_template(account, "promotional", "Spring sale: everything 20% off.")
    advance_to_hour(store, hour)  # HH:30 UTC+8, so 08:30 is 00:30 UTC and 20:30 is 12:30 UTC
    if allowed:
        account.sending.send_with_template(MAINLAND, signed, code, {})
    else:
        error = refused(account.sending.send_with_template, MAINLAND, signed, code, {})
        assert error.code == "MARKETING_TIME_LIMIT"
        assert "UTC+8" in error.message
    account.sending.send_with_template(MAINLAND_OTHER, signed, mainland_template(account, "otp", "Code ${code}"),
                                       {"code": 1})  # other kinds go out at any hour  # fmt: skip


def test_promotions_abroad_are_not_held_to_the_mainland_ban(account: AccountClient, store: Store) -> None:
    advance_to_hour(store, 23)
    account.sending.send(UK, "Acme", "Sale!", "promotional")


# --- templates to the mainland ------------------------------------------------------------------------------------


def test_send_with_template_fills_variables(account: AccountClient, signed: str) -> None:
    code = mainland_template(account, "otp", "您的验证码是${code}。")
    sent = account.sending.send_with_template(MAINLAND, signed, code, {"code": 482913})
    assert sent.country == "CN"
    assert account.sending.query(sent.message_id).message == "您的验证码是482913。"

    error = refused(account.sending.send_with_template, MAINLAND_OTHER, signed, code, {"other": 1})
    assert error.code == "CONTENT_MISSING_PARAMETERS"
    assert "${code}" in error.message


def test_send_with_template_needs_an_approved_mainland_template(
    account: AccountClient, store: Store, signed: str
) -> None:
    store.set_setting("review_speed", "realistic")
    code = mainland_template(account, "notification", "Your parcel has shipped.")
    assert refused(account.sending.send_with_template, MAINLAND, signed, code, {}).code == "SMS_CONTENT_CODE_ILLEGAL"
    admin.approve(store, code)
    account.sending.send_with_template(MAINLAND, signed, code, {})
    error = refused(account.sending.send_with_template, MAINLAND, signed, "SMS_404", {})
    assert (error.code, error.http_status) == ("SMS_CONTENT_CODE_ILLEGAL", 200)
    abroad = account.templates.create("intl", "international", "Your parcel has shipped.", intl_type=0)
    assert refused(account.sending.send_with_template, MAINLAND, signed, abroad, {}).code == "SMS_CONTENT_CODE_ILLEGAL"


def test_send_with_template_sends_only_to_the_mainland(account: AccountClient, signed: str) -> None:
    code = mainland_template(account, "notification", "Your parcel has shipped.")
    error = refused(account.sending.send_with_template, UK, signed, code, {})
    assert error.code == "NOT_SUPPORTED_COUNTRY"
    assert "SendMessageToGlobe" in error.message


def test_send_with_template_needs_an_approved_signature(account: AccountClient, store: Store, signed: str) -> None:
    code = mainland_template(account, "notification", "Your parcel has shipped.")
    admin.approve(store, code)
    error = refused(account.sending.send_with_template, MAINLAND, "无此签名", code, {})
    assert (error.code, error.http_status) == ("SMS_SIGN_NAME_ILLEGAL", 200)
    account.sending.send_with_template(MAINLAND, signed, code, {})


def test_query_unknown_message(account: AccountClient) -> None:
    error = refused(account.sending.query, "123")
    assert error.http_status == 404


# --- batches ---------------------------------------------------------------------------------------------------------


def test_batch_sends_to_each_number_and_lists_the_refused(account: AccountClient) -> None:
    result = account.sending.send_batch([UK, "+" + UK_OTHER, MAINLAND, "999123456789", MALAYSIA], "Acme", "Hello")
    assert result.sent_count == 2 == len(result.message_ids)
    assert result.failed == [MAINLAND, "999123456789", MALAYSIA]  # the mainland, no country, no SenderID
    assert [account.sending.query(mid).to for mid in result.message_ids] == [UK, UK_OTHER]


def test_batch_of_more_than_1000_numbers(account: AccountClient, emulator: EmulatorServer) -> None:
    numbers = [f"4477009{index:05d}" for index in range(1001)]
    with pytest.raises(ValueError, match="at most 1000 numbers"):
        account.sending.send_batch(numbers, "Acme", "Hello")
    sdk = SdkClient(sdk_config(emulator.url))
    answer = sdk.batch_send_message_to_globe(
        sdk_models.BatchSendMessageToGlobeRequest(to=json.dumps(numbers), from_="Acme", message="Hello")
    ).body
    assert answer.response_code == "MOBILE_COUNT_OVER_LIMIT"
    assert account.sending.send_batch(numbers[:1000], "Acme", "Hello").sent_count == 1000


# --- fraud prevention ------------------------------------------------------------------------------------------------


def test_fraud_prevention_limits_apply_only_while_switched_on(account: AccountClient) -> None:
    account.fraud.set(FraudLimits(hourly_limit=2, increase_rate=100, success_rate=10))
    numbers = [f"4477009{index:05d}" for index in range(4)]
    for number in numbers[:3]:  # off by default: three codes in an hour go out
        account.sending.send(number, "Acme", "Code 1", "otp")
    account.fraud.set_enabled(True)
    assert account.fraud.is_enabled()
    error = refused(account.sending.send, numbers[3], "Acme", "Code 1", "otp")
    assert error.code == "SMS_SECURITY_INTERCEPTED"
    account.sending.send(numbers[3], "Acme", "Not a code")  # prevention is for verification codes
    account.fraud.set_enabled(False)
    assert not account.fraud.is_enabled()
    account.sending.send(numbers[3], "Acme", "Code 1", "otp")


# --- the official SDK ------------------------------------------------------------------------------------------------


def test_official_sdk_parses_answers(emulator: EmulatorServer, account: AccountClient, signed: str) -> None:
    sdk = SdkClient(sdk_config(emulator.url))
    sent = sdk.send_message_to_globe(
        sdk_models.SendMessageToGlobeRequest(to=UK, from_="Acme", message="Hello from the SDK", type="NOTIFY")
    ).body
    assert (sent.response_code, sent.to, sent.from_, sent.segments) == ("OK", UK, "Acme", "1")
    assert sent.message_id and sent.request_id
    assert sent.number_detail.country == "United Kingdom"

    code = mainland_template(account, "otp", "Code ${code}")
    templated = sdk.send_message_with_template(
        sdk_models.SendMessageWithTemplateRequest(
            to=MAINLAND, from_=signed, template_code=code, template_param='{"code":"9911"}'
        )
    ).body
    assert (templated.response_code, templated.to, templated.segments) == ("OK", MAINLAND, "1")

    report = sdk.query_message(sdk_models.QueryMessageRequest(message_id=templated.message_id)).body
    assert (report.response_code, report.status, report.message, report.to) == ("OK", "1", "Code 9911", MAINLAND)
    assert report.send_date and report.receive_date
    assert report.number_detail.country == "China"

    refusal = sdk.send_message_to_globe(
        sdk_models.SendMessageToGlobeRequest(to=MALAYSIA, from_="ACMEPAY", message="Hi")
    ).body
    assert refusal.response_code == "INVALID_SENDERID"
    assert "MY" in refusal.response_description


def test_official_sdk_batch_round_trip(emulator: EmulatorServer, account: AccountClient) -> None:
    sdk = SdkClient(sdk_config(emulator.url))
    answer = sdk.batch_send_message_to_globe(
        sdk_models.BatchSendMessageToGlobeRequest(
            to=json.dumps([UK, UK_OTHER, MAINLAND]), from_="Acme", message="Hello from the SDK", type="NOTIFY",
            task_id="campaign-1", validity_period=3600,
        )
    ).body  # fmt: skip
    assert (answer.response_code, answer.from_, answer.success_count) == ("OK", "Acme", "2")
    assert answer.request_id
    assert json.loads(answer.failed_list) == [MAINLAND]
    message_ids = json.loads(answer.message_id_list)
    reports = [sdk.query_message(sdk_models.QueryMessageRequest(message_id=mid)).body for mid in message_ids]
    assert [(r.to, r.message, r.status) for r in reports] == [
        (UK, "Hello from the SDK", "1"),
        (UK_OTHER, "Hello from the SDK", "1"),
    ]
