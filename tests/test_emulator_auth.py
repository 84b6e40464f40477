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


def _signed_request(url: str, *, date: datetime, nonce: str, secret: str = DEV_ACCESS_KEY_SECRET) -> httpx.Request:
    body = urlencode({"BizType": "2"}).encode()
    headers = {
        "host": url.removeprefix("http://"),
        "x-acs-action": "QueryWarningThresholdNew",
        "x-acs-version": "2017-06-20",
        "x-acs-date": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        "content-type": "application/x-www-form-urlencoded",
    }
    headers["authorization"] = authorization("POST", "/", {}, headers, body, Credentials(DEV_ACCESS_KEY_ID, secret))
    return httpx.Request("POST", url + "/", content=body, headers=headers)


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
    params = {
        "Action": "QueryWarningThresholdNew", "Version": "2017-06-20", "Format": "JSON", "BizType": "2",
        "AccessKeyId": DEV_ACCESS_KEY_ID, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex, "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }  # fmt: skip
    canonical = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(params.items()))
    to_sign = f"GET&%2F&{quote(canonical, safe='~')}"
    signature = base64.b64encode(
        hmac.new(f"{DEV_ACCESS_KEY_SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    )
    answer = httpx.get(emulator.url + "/", params={**params, "Signature": signature.decode()})
    assert answer.status_code == 200 and answer.json()["BizType"] == "2"
    params["SignatureNonce"] = uuid.uuid4().hex
    wrong = httpx.get(emulator.url + "/", params={**params, "Signature": signature.decode()})
    assert wrong.json()["Code"] == "SignatureDoesNotMatch"


def test_accounts_see_only_their_own_data(store: Store, account: AccountClient) -> None:
    account.thresholds.set(WarningThreshold(biz_type="international", daily_suspend=100))
    app = EmulatorApp(store, key_pairs={DEV_ACCESS_KEY_ID: DEV_ACCESS_KEY_SECRET, "team-b": "team-b-secret"})
    other = ThresholdsApi(RpcClient("http://embedded.alisms", Credentials("team-b", "team-b-secret"),
                                    transport=httpx.WSGITransport(app=app)))  # fmt: skip
    assert other.get("international").daily_suspend is None
    assert account.thresholds.get("international").daily_suspend == 100
