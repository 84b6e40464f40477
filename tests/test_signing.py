"""ACS3-HMAC-SHA256: our signer against the official SDK's signer, and the emulator's verifier."""

import hashlib

from alibabacloud_tea_openapi.utils import Utils as SdkUtils
from darabonba.request import DaraRequest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_alisms.api.signing import Credentials, authorization
from pulumi_alisms.emulator.auth import SignedRequest, authenticate

SECRET = "test-secret-value"
KEY = "test-key-id"


def _headers(body: bytes) -> dict[str, str]:
    return {
        "host": "127.0.0.1:8080",
        "x-acs-action": "CreateSmsTemplate",
        "x-acs-version": "2017-05-25",
        "x-acs-date": "2026-11-27T09:00:00Z",
        "x-acs-signature-nonce": "3f2a9c",
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        "content-type": "application/x-www-form-urlencoded",
        "accept": "application/json",
        "user-agent": "AlibabaCloud (Linux) Python/3.11 TeaDSL/2",
    }


query_values = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(query=st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9.]{0,12}", fullmatch=True), query_values, max_size=6),
       body=st.binary(max_size=64))  # fmt: skip
def test_signature_equals_official_sdk(query: dict[str, str], body: bytes) -> None:
    headers = _headers(body)
    sdk_request = DaraRequest()
    sdk_request.method = "POST"
    sdk_request.pathname = "/"
    sdk_request.query = dict(query)
    sdk_request.headers = dict(headers)
    expected = SdkUtils.get_authorization(sdk_request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], KEY, SECRET)
    assert authorization("POST", "/", query, headers, body, Credentials(KEY, SECRET)) == expected


def test_emulator_verifies_what_the_sdk_signs() -> None:
    body = b"TemplateName=x"
    headers = _headers(body)
    sdk_request = DaraRequest()
    sdk_request.method, sdk_request.pathname, sdk_request.query, sdk_request.headers = (
        "POST",
        "/",
        {"A": "b c"},
        headers,
    )
    signed = dict(headers, authorization=SdkUtils.get_authorization(
        sdk_request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], KEY, SECRET))  # fmt: skip
    request = SignedRequest("POST", "/", {"A": "b c"}, {}, signed, body)
    wall = 1_795_770_000.0  # 2026-11-27T09:00:00Z
    assert authenticate(request, {KEY: SECRET}, wall).access_key_id == KEY


def test_credentials_never_show_the_secret() -> None:
    credentials = Credentials(KEY, SECRET)
    assert SECRET not in repr(credentials)
    assert SECRET not in str(credentials)
