"""Chinese-mainland workflow through our client (embedded and over HTTP): qualification -> signature -> carrier
registration -> template bound to the signature -> sending; rejections, resubmission, the review desk."""

from datetime import datetime
from pathlib import Path

import pytest

from mainland_helpers import (
    ADMIN_PHONE,
    COMPANY,
    OTP,
    RECIPIENT,
    SIGNATURE,
    advance_to_beijing_hour,
    approved_template,
    latest_code,
    mainland,
    ready_signature,
    submission,
    submit_qualification,
    upload_documents,
)
from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.authorization_letters import AuthorizationLetterRequest
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.api.mainland_sending import BatchMessage
from pulumi_alisms.api.signatures import SignatureRequest
from pulumi_alisms.emulator import admin, clock, mainland_admin
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from pulumi_alisms.errors import AliSmsApiError
from pulumi_alisms.rules.mainland import BEIJING
from pulumi_alisms.rules.next_action import next_step
from pulumi_alisms.rules.statuses import CarrierRegistrationStatus, ReviewStatus
from support import FAST_RETRY, assert_clean_error, run_cli


@pytest.fixture(params=["account", "remote_account"])
def client(request: pytest.FixtureRequest) -> AccountClient:
    """Our client on the embedded account and on the standalone emulator over HTTP."""
    account: AccountClient = request.getfixturevalue(request.param)
    return account


def refused(call: object, *args: object, **kwargs: object) -> AliSmsApiError:
    """The error a call fails with."""
    assert callable(call)
    with pytest.raises(AliSmsApiError) as caught:
        call(*args, **kwargs)
    return caught.value


def today(store: Store) -> datetime:
    """The emulator's now, Beijing time."""
    return datetime.fromtimestamp(clock.now(store), BEIJING)


# --- the workflow of seed 004 -------------------------------------------------------------------------------


def test_the_mainland_workflow_runs_in_the_order_of_the_seed(client: AccountClient, store: Store) -> None:
    store.set_setting("review_speed", "realistic")  # nothing is decided until the review desk decides it
    advance_to_beijing_hour(store, 10)

    qualification_id = submit_qualification(client, store)
    pending = client.qualifications.get(qualification_id)
    assert pending is not None and (pending.status, pending.approved) == (ReviewStatus.UNDER_REVIEW, False)
    assert (
        refused(
            client.signatures.create,
            SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id),
        ).code
        == "InvalidQualification"
    )
    admin.approve(store, str(qualification_id))  # the kind is inferred from the id
    approved = client.qualifications.get(qualification_id)
    assert approved is not None and approved.status == ReviewStatus.APPROVED

    order_id = client.signatures.create(
        SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id, remark="Our company")
    )
    assert order_id.isdigit()
    reviewing = client.signatures.get(SIGNATURE)
    assert reviewing is not None and reviewing.status == ReviewStatus.UNDER_REVIEW and not reviewing.registered
    admin.approve(store, SIGNATURE)

    signature = client.signatures.get(SIGNATURE)
    assert signature is not None and signature.approved
    assert [(c.carrier, c.status) for c in signature.carrier_registration] == [
        ("mobile", CarrierRegistrationStatus.REGISTERING),
        ("unicom", CarrierRegistrationStatus.REGISTERING),
        ("telecom", CarrierRegistrationStatus.REGISTERING),
    ]
    template = approved_template(client, store)
    assert client.templates.get(template).signature == SIGNATURE  # type: ignore[union-attr]
    before = refused(client.mainland_sending.send, [RECIPIENT], SIGNATURE, template, {"code": "123456"})
    assert before.code == "PORT_NOT_REGISTERED" and before.http_status == 200

    mainland_admin.register_carrier(store, SIGNATURE, DEV_ACCESS_KEY_ID)
    registered = client.signatures.get(SIGNATURE)
    assert registered is not None and registered.registered
    assert {c.status for c in registered.carrier_registration} == {CarrierRegistrationStatus.REGISTERED}
    biz_id = client.mainland_sending.send([RECIPIENT], SIGNATURE, template, {"code": "123456"}, out_id="order-1")

    (detail,) = client.mainland_sending.details(RECIPIENT, today(store).date(), biz_id).items
    assert (detail.phone, detail.status, detail.template_code, detail.out_id) == (
        RECIPIENT,
        "sent",
        template,
        "order-1",
    )
    assert detail.content == f"【{SIGNATURE}】您的验证码为123456。5分钟内有效。"


def test_carrier_registration_completes_on_the_clock(client: AccountClient, store: Store) -> None:
    store.set_setting("review_speed", "fast")
    qualification_id = submit_qualification(client, store)
    clock.advance(store, 3)
    client.signatures.create(SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id))
    clock.advance(store, 3)
    approved = client.signatures.get(SIGNATURE)
    assert approved is not None and approved.approved and not approved.registered
    clock.advance(store, 5)
    registered = client.signatures.get(SIGNATURE)
    assert registered is not None and registered.registered
    assert all(entry.completed_at for entry in registered.carrier_registration)


def test_carriers_refuse_an_administrator_of_two_companies(client: AccountClient, store: Store) -> None:
    first = submit_qualification(client, store)
    submit_qualification(client, store, name="OtherCo", company_name="上海另一家公司")  # same administrator
    client.signatures.create(SignatureRequest(name=SIGNATURE, source="company", qualification_id=first))
    signature = client.signatures.get(SIGNATURE)
    assert signature is not None and signature.approved and not signature.registered
    assert {c.status for c in signature.carrier_registration} == {CarrierRegistrationStatus.FAILED}
    assert any("one administrator per company" in reason for reason in signature.carrier_registration[0].reasons)
    step = next_step(signature.status, registered=signature.registered, carrier_refused=signature.carrier_refused)
    assert (step.action, step.by_user) == ("fix_and_resubmit", True)  # nothing left to wait for


# --- rejection with a reason, and resubmission after a fix ------------------------------------------------


def test_an_expired_license_is_rejected_and_an_amendment_is_approved(client: AccountClient, store: Store) -> None:
    qualification_id = submit_qualification(client, store, business_license_validity="2010-01-01~2020-12-31")
    rejected = client.qualifications.get(qualification_id)
    assert rejected is not None and rejected.status == ReviewStatus.REJECTED
    assert rejected.status_reason is not None and "business license expired on 2020-12-31" in rejected.status_reason
    (record,) = client.qualifications.iter_all()
    assert (record.qualification_id, record.status_reason) == (qualification_id, rejected.status_reason)

    client.qualifications.request_phone_code(ADMIN_PHONE)
    fixed = submission(upload_documents(client), business_license_validity="2021-01-01~2099-12-31")
    client.qualifications.update(qualification_id, rejected.work_order_id, fixed, latest_code(store))
    amended = client.qualifications.get(qualification_id)
    assert amended is not None
    assert (amended.status, amended.business_license_validity) == (ReviewStatus.APPROVED, "2021-01-01~2099-12-31")
    assert amended.work_order_id != rejected.work_order_id


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("测试签名", "generic word '测试'"),
        ("Acme【SMS】", "contains symbols or spaces ('【', '】')"),
        ("环球贸易", "full name or an abbreviation of the qualification's company"),
    ],
)
def test_signatures_are_rejected_by_the_specification(
    client: AccountClient, store: Store, name: str, reason: str
) -> None:
    qualification_id = submit_qualification(client, store)
    client.signatures.create(SignatureRequest(name=name, source="company", qualification_id=qualification_id))
    signature = client.signatures.get(name)
    assert signature is not None and signature.status == ReviewStatus.REJECTED
    assert signature.status_reason is not None and reason in signature.status_reason
    (listed,) = client.signatures.iter_all()
    assert (listed.status, listed.status_reason) == (ReviewStatus.REJECTED, signature.status_reason)
    assert not signature.carrier_registration or not signature.registered


def test_a_rejected_signature_is_resubmitted_with_another_source(client: AccountClient, store: Store) -> None:
    qualification_id = submit_qualification(client, store)
    brand = SignatureRequest(name="星光", source="company", qualification_id=qualification_id)
    client.signatures.create(brand)
    assert client.signatures.get("星光").status == ReviewStatus.REJECTED  # type: ignore[union-attr]
    assert refused(client.signatures.update, brand.model_copy(update={"source": "trademark"})).code == (
        "MissingParameter.TrademarkId"
    )

    order_id = client.signatures.update(brand.model_copy(update={"source": "trademark", "trademark_id": 88}))
    resubmitted = client.signatures.get("星光")
    assert resubmitted is not None and resubmitted.approved and resubmitted.order_id == order_id
    assert refused(client.signatures.update, brand).code == "isv.ERROR_SIGN_NOT_MODIFY"


def test_a_third_party_signature_needs_an_authorization_letter(client: AccountClient, store: Store) -> None:
    qualification_id = submit_qualification(client, store, use_by_self=False)
    request = SignatureRequest(name="示例科技", source="company", qualification_id=qualification_id, third_party=True)
    client.signatures.create(request)
    rejected = client.signatures.get("示例科技")
    assert rejected is not None and "authorization letter" in (rejected.status_reason or "")

    letter_key = client.uploads.upload_document("letter.jpg", b"\xff\xd8letter")
    letter_id = client.authorization_letters.create(
        AuthorizationLetterRequest(
            name="ExampleLetter",
            letter_key=letter_key,
            signatures=["示例科技", "示例"],
            validity="2024-01-01~2099-12-31",
            authorizer=COMPANY,
            organization_code="91330100MA2AXXXX1Y",
            proxy="北京代理有限公司",
        )
    )
    client.signatures.update(request.model_copy(update={"authorization_letter_id": letter_id}))
    approved = client.signatures.get("示例科技")
    assert approved is not None and approved.approved and approved.authorization_letter_approved is True
    letter = client.authorization_letters.get(letter_id)
    assert letter is not None and (letter.state, letter.status) == ("PASSED", "VALID")
    assert letter.signatures == ["示例科技", "示例"]
    assert [item.letter_id for item in client.authorization_letters.query(signature="示例")] == [letter_id]


def test_own_use_signatures_need_own_use_qualifications(client: AccountClient, store: Store) -> None:
    qualification_id = submit_qualification(client, store, use_by_self=False)
    error = refused(
        client.signatures.create, SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id)
    )
    assert error.code == "ParameterMismatch.ThirdParty"


# --- templates bound to signatures ------------------------------------------------------------------------


def test_a_template_bound_to_an_unknown_signature_is_refused_as_alibaba_refuses_it(
    client: AccountClient, store: Store
) -> None:
    unknown = refused(client.templates.create, "Login", "otp", OTP, details=mainland(OTP, signature="无此签名"))
    assert (unknown.code, unknown.http_status) == ("SmsSignatureNotFound", 404)
    store.set_setting("review_speed", "realistic")
    qualification_id = submit_qualification(client, store)
    admin.approve(store, str(qualification_id))
    client.signatures.create(SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id))
    unapproved = refused(client.templates.create, "Login", "otp", OTP, details=mainland(OTP))
    assert (unapproved.code, unapproved.http_status) == ("AssocSignUnapproved", 400)
    assert client.templates.list_all() == []


# --- sending rules ------------------------------------------------------------------------------------------


def test_sending_checks_the_template_and_signature(client: AccountClient, store: Store) -> None:
    qualification_id = ready_signature(client, store)
    client.signatures.create(
        SignatureRequest(
            name="示例验证", source="trademark", trademark_id=42, type="otp", qualification_id=qualification_id
        )
    )
    notice = approved_template(client, store, "notification", "您的订单${order}已发货。", signature="示例验证")
    unbound = approved_template(client, store, "otp", OTP, signature="示例验证")  # not bound to SIGNATURE
    send = client.mainland_sending.send
    assert refused(send, [RECIPIENT], "无此签名", notice).code == "isv.SMS_SIGNATURE_ILLEGAL"
    # The signature a template is bound to is unrelated to the one a send uses (the SDK's RelatedSignName docs).
    assert send([RECIPIENT], SIGNATURE, unbound, {"code": "1"}).endswith("^0")
    mainland_admin.register_carrier(store, "示例验证", DEV_ACCESS_KEY_ID)
    assert refused(send, [RECIPIENT], "示例验证", notice, {"order": "1"}).code == "isv.SMS_SIGNATURE_SCENE_ILLEGAL"
    assert refused(send, ["+85291234567"], SIGNATURE, unbound).code == "isv.MOBILE_NUMBER_ILLEGAL"
    assert refused(send, [RECIPIENT], SIGNATURE, "SMS_000000000").code == "isv.SMS_TEMPLATE_ILLEGAL"


def test_otp_per_number_limits_and_all_or_nothing_sends(client: AccountClient, store: Store) -> None:
    advance_to_beijing_hour(store, 10)  # one Beijing day for the whole test
    ready_signature(client, store)
    template = approved_template(client, store)
    client.mainland_sending.send([f"+86{RECIPIENT}"], SIGNATURE, template, {"code": "1"})
    limited = refused(client.mainland_sending.send, ["13700137000", RECIPIENT], SIGNATURE, template, {"code": "2"})
    assert limited.code == "isv.BUSINESS_LIMIT_CONTROL" and "per-minute" in limited.message
    day = today(store).date()
    assert client.mainland_sending.details("13700137000", day).total_count == 0  # the whole call was refused
    clock.advance(store, 61)
    biz_id = client.mainland_sending.send_batch(
        [
            BatchMessage(phone=RECIPIENT, signature=SIGNATURE, params={"code": "3"}),
            BatchMessage(phone="13700137000", signature=SIGNATURE, params={"code": "4"}),
        ],
        template,
    )
    assert [d.content for d in client.mainland_sending.details("13700137000", day, biz_id).items] == [
        f"【{SIGNATURE}】您的验证码为4。5分钟内有效。"
    ]
    assert client.mainland_sending.details(RECIPIENT, day).total_count == 2


def test_promotional_messages_wait_for_daytime_in_beijing(client: AccountClient, store: Store) -> None:
    ready_signature(client, store)
    promotion = approved_template(client, store, "promotional", "新品上市。全场八折。回T退订")
    advance_to_beijing_hour(store, 21)
    night = refused(client.mainland_sending.send, [RECIPIENT], SIGNATURE, promotion)
    assert night.code == "isv.MARKETING_TIME_LIMIT" and "Beijing time" in night.message
    advance_to_beijing_hour(store, 7)
    assert refused(client.mainland_sending.send, [RECIPIENT], SIGNATURE, promotion).code == "isv.MARKETING_TIME_LIMIT"
    advance_to_beijing_hour(store, 8)
    assert client.mainland_sending.send([RECIPIENT], SIGNATURE, promotion)


def test_non_otp_messages_stop_at_50_per_number_and_day(account: AccountClient, store: Store) -> None:
    ready_signature(account, store)
    notice = approved_template(account, store, "notification", "您的订单${order}已发货。")
    for order in range(50):
        account.mainland_sending.send([RECIPIENT], SIGNATURE, notice, {"order": str(order)})
    assert refused(account.mainland_sending.send, [RECIPIENT], SIGNATURE, notice, {"order": "x"}).code == (
        "isv.BUSINESS_LIMIT_CONTROL"
    )


# --- phone codes, documents, deletion, personal data ------------------------------------------------------


def test_phone_codes_are_checked_and_used_once(client: AccountClient, store: Store) -> None:
    client.qualifications.request_phone_code(f"+86{ADMIN_PHONE}")
    code = latest_code(store)
    assert client.qualifications.check_phone_code(ADMIN_PHONE, code)
    assert not client.qualifications.check_phone_code(ADMIN_PHONE, "000000" if code != "000000" else "111111")
    documents = upload_documents(client)
    client.qualifications.submit(submission(documents), code)
    again = refused(client.qualifications.submit, submission(documents, name="Second"), code)
    assert again.code == "InvalidParameter.CertifyCode"
    client.qualifications.request_phone_code(ADMIN_PHONE)
    clock.advance(store, 15 * 60 + 1)
    assert not client.qualifications.check_phone_code(ADMIN_PHONE, latest_code(store))


def test_documents_must_be_uploaded_by_the_account(client: AccountClient, store: Store) -> None:
    documents = upload_documents(client)
    client.qualifications.request_phone_code(ADMIN_PHONE)
    forged = documents.model_copy(update={"admin_id_back": "1234567890123456/never-uploaded.jpg"})
    error = refused(client.qualifications.submit, submission(forged), latest_code(store))
    assert error.code == "InvalidParameter.AdminIDCardPic" and "GetQualificationOssInfo" in error.message
    attachment = client.uploads.upload_attachment("screenshot.png", b"\x89PNGapp")
    qualification_id = submit_qualification(client, store)
    wrong_bucket = SignatureRequest(
        name=SIGNATURE, source="company", qualification_id=qualification_id, attachments=[documents.admin_id_front]
    )
    assert refused(client.signatures.create, wrong_bucket).code == "InvalidParameter.MoreData"
    client.signatures.create(wrong_bucket.model_copy(update={"attachments": [attachment]}))
    signature = client.signatures.get(SIGNATURE)
    assert signature is not None and signature.attachment_urls == [
        f"{client.uploads.attachment_policy().host}/{attachment}"
    ]


def test_deletion_follows_the_review_state(client: AccountClient, store: Store) -> None:
    store.set_setting("review_speed", "realistic")
    qualification_id = submit_qualification(client, store)
    pending = client.qualifications.get(qualification_id)
    assert pending is not None
    assert refused(client.qualifications.delete, qualification_id, pending.work_order_id).code == "ForbiddenAction"
    admin.approve(store, str(qualification_id))
    client.signatures.create(SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id))
    assert refused(client.signatures.delete, SIGNATURE).code == "isv.ERROR_SIGN_NOT_DELETE"
    in_use = refused(client.qualifications.delete, qualification_id, pending.work_order_id)
    assert in_use.code == "ForbiddenAction" and SIGNATURE in in_use.message
    admin.reject(store, SIGNATURE, "Unclear use")
    assert client.signatures.delete(SIGNATURE) and not client.signatures.delete(SIGNATURE)
    assert client.signatures.get(SIGNATURE) is None
    assert client.qualifications.delete(qualification_id, pending.work_order_id)
    assert client.qualifications.get(qualification_id) is None
    assert not client.qualifications.delete(qualification_id, pending.work_order_id)


def test_changing_the_qualification_registers_the_signature_again(client: AccountClient, store: Store) -> None:
    ready_signature(client, store)
    store.set_setting("review_speed", "realistic")
    client.qualifications.request_phone_code("13900005678")
    other = client.qualifications.submit(
        submission(upload_documents(client), name="ExampleTwo", admin_phone="13900005678"),
        latest_code(store, "13900005678"),
    )
    assert refused(client.signatures.change_qualification, SIGNATURE, other).code == "InvalidQualification"
    admin.approve(store, str(other))
    client.signatures.change_qualification(SIGNATURE, other)
    signature = client.signatures.get(SIGNATURE)
    assert signature is not None and signature.qualification_id == other and not signature.registered


def test_personal_data_never_shows_in_a_repr(client: AccountClient, store: Store) -> None:
    qualification_id = submit_qualification(client, store)
    qualification = client.qualifications.get(qualification_id)
    assert qualification is not None and qualification.admin_phone is not None
    assert qualification.admin_phone.get_secret_value() == ADMIN_PHONE
    shown = repr(qualification) + repr(list(client.qualifications.iter_all()))
    for personal in (ADMIN_PHONE, "李四", "张三", "330100199202025678"):
        assert personal not in shown


# --- the review desk ------------------------------------------------------------------------------------------


def test_the_cli_review_desk_decides_mainland_objects(store: Store, state_file: Path) -> None:
    store.set_setting("review_speed", "realistic")
    client = open_account(AccountSettings(state_file=store.path), retry=FAST_RETRY)
    qualification_id = submit_qualification(client, store)
    approved = run_cli(
        "emulator", "approve", str(qualification_id), "--kind", "qualification", "--state-file", state_file
    )
    assert approved.returncode == 0, approved.stderr
    assert f"approved qualification {qualification_id} (ExampleTech, {COMPANY})" in approved.stdout
    client.signatures.create(SignatureRequest(name=SIGNATURE, source="company", qualification_id=qualification_id))
    assert_clean_error(
        run_cli("emulator", "register-carrier", SIGNATURE, "--state-file", state_file),
        "carriers register approved signatures only",
    )
    rejected = run_cli("emulator", "reject", SIGNATURE, "--reason", "Brand not verified", "--state-file", state_file)
    assert (
        rejected.returncode == 0 and "rejected signature" in rejected.stdout and "Brand not verified" in rejected.stdout
    )
    signature = client.signatures.get(SIGNATURE)
    assert signature is not None and signature.status_reason == "Brand not verified"
    admin.approve(store, SIGNATURE, kind="signature")
    registered = run_cli("emulator", "register-carrier", SIGNATURE, "--state-file", state_file)
    assert registered.returncode == 0 and "mobile Registered" in registered.stdout
    assert client.signatures.get(SIGNATURE).registered  # type: ignore[union-attr]
    assert_clean_error(
        run_cli("emulator", "approve", "无此签名", "--state-file", state_file),
        "nor a qualification id or signature name in account alisms-dev",
    )
    client.close()


def test_an_id_that_is_both_kinds_needs_a_kind(account: AccountClient, store: Store) -> None:
    store.set_setting("review_speed", "realistic")
    qualification_id = submit_qualification(account, store)
    admin.approve(store, str(qualification_id), kind="qualification")
    numeric = str(qualification_id)[:12]
    account.signatures.create(
        SignatureRequest(name=numeric, source="trademark", trademark_id=7, qualification_id=qualification_id)
    )
    with pytest.raises(ValueError, match="pass --kind"):
        admin.approve(store, numeric)
    assert admin.approve(store, numeric, kind="signature").status == "Approved"


def test_each_account_sees_only_its_own(emulator: EmulatorServer, store: Store, remote_account: AccountClient) -> None:
    other = open_account(
        AccountSettings(endpoint=emulator.url, access_key_id="other", access_key_secret="s"), retry=FAST_RETRY
    )
    emulator.app.key_pairs["other"] = "s"
    qualification_id = submit_qualification(remote_account, store)
    assert other.qualifications.get(qualification_id) is None
    assert list(other.qualifications.iter_all()) == []
    other.close()


def test_review_results_reach_the_contacts_who_receive_them(account: AccountClient, store: Store) -> None:
    account.contacts.save(name="Ops", phone="+8613600136000", email="ops@example.com", alerts=["review_results"])
    qualification_id = submit_qualification(account, store)
    account.signatures.create(SignatureRequest(name="测试", source="company", qualification_id=qualification_id))
    account.signatures.get("测试")
    subjects = [m["subject"] for m in admin.outbox(store) if m["recipient"] == "ops@example.com"]
    assert subjects == [
        f"Review result: qualification {qualification_id} (ExampleTech, {COMPANY}) approved",
        f"Review result: signature 测试 (qualification {qualification_id}) rejected",
    ]
