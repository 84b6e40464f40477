"""The emulator authenticates like Alibaba Cloud: signatures, timestamps, nonces, key pairs, accounts."""

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import httpx
import pytest
from alibabacloud_dysms20170620 import models as dysms_models
from alibabacloud_dysms20170620.client import Client as DysmsClient
from alibabacloud_tea_openapi.exceptions import ClientException

from pulumi_alisms.api.account import AccountClient
from pulumi_alisms.api.client import RpcClient
from pulumi_alisms.api.signing import Credentials, authorization
from pulumi_alisms.api.thresholds import ThresholdsApi, WarningThreshold
from pulumi_alisms.emulator.app import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET, EmulatorApp
from pulumi_alisms.emulator.server import EmulatorServer
from pulumi_alisms.emulator.store import Store
from support import sdk_config

OTP = "Your verification code is ${code}."


def _acs3(
    url: str,
    signed: dict[str, str],
    unsigned: dict[str, str] | None = None,
    body: bytes = b"",
    *,
    date: datetime | None = None,
    nonce: str | None = None,
    secret: str = DEV_ACCESS_KEY_SECRET,
) -> httpx.Request:
    """A POST of ``body`` signed with ACS3 over host, date, nonce and ``signed``; ``unsigned`` headers ride along."""
    headers = {
        "host": url.removeprefix("http://"),
        "x-acs-date": (date or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        **signed,
    }
    headers["authorization"] = authorization("POST", "/", {}, headers, body, Credentials(DEV_ACCESS_KEY_ID, secret))
    return httpx.Request("POST", url + "/", content=body, headers={**headers, **(unsigned or {})})


def _send(request: httpx.Request) -> httpx.Response:
    with httpx.Client() as http:
        return http.send(request)


def _rpc_signed(params: dict[str, str]) -> dict[str, str]:
    """``params`` and the protocol parameters, with the older RPC HMAC-SHA1 signature of a GET over them."""
    signed = {
        "Format": "JSON", "AccessKeyId": DEV_ACCESS_KEY_ID, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex, "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), **params,
    }  # fmt: skip
    canonical = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(signed.items()))
    to_sign = f"GET&%2F&{quote(canonical, safe='~')}"
    digest = hmac.new(f"{DEV_ACCESS_KEY_SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return {**signed, "Signature": base64.b64encode(digest).decode()}


def _rpc(url: str, params: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
    """GET ``params`` with the RPC signature."""
    return httpx.get(url + "/", params=_rpc_signed(params), headers=headers)


def _signed_request(url: str, *, date: datetime, nonce: str, secret: str = DEV_ACCESS_KEY_SECRET) -> httpx.Request:
    body = urlencode({"BizType": "2"}).encode()
    signed = {"x-acs-action": "QueryWarningThresholdNew", "x-acs-version": "2017-06-20",
              "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
              "content-type": "application/x-www-form-urlencoded"}  # fmt: skip
    return _acs3(url, signed, body=body, date=date, nonce=nonce, secret=secret)


def test_sdk_with_wrong_secret_is_refused(emulator: EmulatorServer) -> None:
    client = DysmsClient(sdk_config(emulator.url, secret="not-the-secret"))
    with pytest.raises(ClientException) as refused:
        client.query_warning_threshold_new(dysms_models.QueryWarningThresholdNewRequest(biz_type="2"))
    assert refused.value.code == "SignatureDoesNotMatch"


def test_stale_timestamp_is_refused(emulator: EmulatorServer) -> None:
    stale = datetime.now(UTC) - timedelta(minutes=16)
    answer = httpx.Client().send(_signed_request(emulator.url, date=stale, nonce=uuid.uuid4().hex))
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidTimeStamp.Expired")


def test_replayed_nonce_is_refused(emulator: EmulatorServer) -> None:
    request = _signed_request(emulator.url, date=datetime.now(UTC), nonce=uuid.uuid4().hex)
    with httpx.Client() as http:
        first = http.send(request)
        replay = http.send(
            _signed_request(emulator.url, date=datetime.now(UTC), nonce=request.headers["x-acs-signature-nonce"])
        )
    assert first.status_code == 200
    assert (replay.status_code, replay.json()["Code"]) == (400, "SignatureNonceUsed")


def test_unknown_key_id_is_refused(emulator: EmulatorServer) -> None:
    config = sdk_config(emulator.url)
    config.access_key_id = "nobody"
    with pytest.raises(ClientException) as refused:
        DysmsClient(config).query_warning_threshold_new(dysms_models.QueryWarningThresholdNewRequest(biz_type="2"))
    assert refused.value.code == "InvalidAccessKeyId.NotFound"


def test_legacy_rpc_hmac_sha1_signature_is_accepted(emulator: EmulatorServer) -> None:
    signed = _rpc_signed({"Action": "QueryWarningThresholdNew", "Version": "2017-06-20", "BizType": "2"})
    answer = httpx.get(emulator.url + "/", params=signed)
    assert answer.status_code == 200 and answer.json()["BizType"] == "2"
    wrong = httpx.get(emulator.url + "/", params={**signed, "SignatureNonce": uuid.uuid4().hex})
    assert wrong.json()["Code"] == "SignatureDoesNotMatch"


def test_accounts_see_only_their_own_data(store: Store, account: AccountClient) -> None:
    account.thresholds.set(WarningThreshold(biz_type="international", daily_suspend=100))
    app = EmulatorApp(store, key_pairs={DEV_ACCESS_KEY_ID: DEV_ACCESS_KEY_SECRET, "team-b": "team-b-secret"})
    other = ThresholdsApi(RpcClient("http://embedded.alisms", Credentials("team-b", "team-b-secret"),
                                    transport=httpx.WSGITransport(app=app)))  # fmt: skip
    assert other.get("international").daily_suspend is None
    assert account.thresholds.get("international").daily_suspend == 100


def test_acs3_signature_must_cover_the_action_header(emulator: EmulatorServer, account: AccountClient) -> None:
    code = account.templates.create("Login code", "international", OTP, intl_type=2)
    read = {"x-acs-version": "2017-05-25", "x-acs-action": "GetSmsTemplate"}
    body = urlencode({"TemplateCode": code}).encode()
    form = {
        "content-type": "application/x-www-form-urlencoded",
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    # The signature covers a read; an unsigned x-acs-action header must not turn it into a delete.
    forged = _send(_acs3(emulator.url, form, {**read, "x-acs-action": "DeleteSmsTemplate"}, body))
    assert (forged.status_code, forged.json()["Code"]) == (400, "IncompleteSignature")
    assert "x-acs-action" in forged.json()["Message"]
    assert account.templates.get(code) is not None
    # The content type decides whether the body's parameters count: it is signed too.
    unsigned_type = _send(_acs3(emulator.url, {**read, "x-acs-content-sha256": form["x-acs-content-sha256"]},
                                {"content-type": form["content-type"]}, body))  # fmt: skip
    assert (unsigned_type.status_code, unsigned_type.json()["Code"]) == (400, "IncompleteSignature")
    assert _send(_acs3(emulator.url, {**read, **form}, body=body)).json()["TemplateCode"] == code


def test_acs3_action_header_and_parameter_must_agree(emulator: EmulatorServer, account: AccountClient) -> None:
    code = account.templates.create("Login code", "international", OTP, intl_type=2)
    body = urlencode({"TemplateCode": code, "Action": "GetSmsTemplate"}).encode()
    signed = {"x-acs-version": "2017-05-25", "x-acs-action": "DeleteSmsTemplate",
              "content-type": "application/x-www-form-urlencoded"}  # fmt: skip
    answer = _send(_acs3(emulator.url, signed, body=body))
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidParameter.Action")
    assert account.templates.get(code) is not None


def test_rpc_signature_binds_the_action_parameter(emulator: EmulatorServer, account: AccountClient) -> None:
    code = account.templates.create("Login code", "international", OTP, intl_type=2)
    read = {"Action": "GetSmsTemplate", "Version": "2017-05-25", "TemplateCode": code}
    forged = _rpc(emulator.url, read, headers={"x-acs-action": "DeleteSmsTemplate"})
    assert (forged.status_code, forged.json()["Code"]) == (400, "InvalidParameter.Action")
    assert account.templates.get(code) is not None
    # The headers alone name nothing an RPC signature covers.
    headers_only = _rpc(emulator.url, {"TemplateCode": code},
                        headers={"x-acs-action": "DeleteSmsTemplate", "x-acs-version": "2017-05-25"})  # fmt: skip
    assert (headers_only.status_code, headers_only.json()["Code"]) == (400, "MissingParameter.Action")
    assert account.templates.get(code) is not None
    agreeing = _rpc(emulator.url, read, headers={"x-acs-action": "GetSmsTemplate", "x-acs-version": "2017-05-25"})
    assert agreeing.json()["TemplateCode"] == code


def test_official_sdk_passes_with_either_signature(emulator: EmulatorServer) -> None:
    for algorithm in ("ACS3-HMAC-SHA256", "v2"):  # v2: the RPC HMAC-SHA1 signature, action in header and query
        config = sdk_config(emulator.url)
        config.signature_algorithm = algorithm
        answer = DysmsClient(config).query_warning_threshold_new(
            dysms_models.QueryWarningThresholdNewRequest(biz_type="2")
        )
        assert answer.body.biz_type == "2"
