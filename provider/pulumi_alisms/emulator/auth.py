"""Request authentication: ACS3-HMAC-SHA256 and the older RPC HMAC-SHA1 signature.

The canonical forms follow Alibaba Cloud's published signing specification (the same bytes the
official SDKs produce). Time and nonce checks use wall time, not the emulator's review clock.

The signature binds the operation: an ACS3 signature must cover every ``x-acs-*`` header sent (and
``host`` and ``content-type``), an RPC signature covers only parameters, so RPC requests name their
operation in signed ``Action``/``Version`` parameters; where both a header and a parameter name it,
they must agree.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from pulumi_alisms.emulator.errors import ApiError, invalid, missing

MAX_CLOCK_SKEW_SECONDS = 15 * 60
ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
_AUTHORIZATION = re.compile(
    r"ACS3-HMAC-SHA256\s+Credential=(?P<key>[^,\s]+),\s*SignedHeaders=(?P<headers>[^,\s]*),\s*Signature=(?P<sig>[0-9a-f]+)"
)


@dataclass(frozen=True)
class SignedRequest:
    """What authentication needs from an HTTP request."""

    method: str
    path: str
    query: Mapping[str, str]
    form: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: the account key and the nonce to record against replay."""

    access_key_id: str
    nonce: str


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba signs it (only unreserved characters stay)."""
    return quote(value, safe="~")


def canonical_query(query: Mapping[str, str]) -> str:
    """Sorted ``key=value`` pairs, percent-encoded, joined with ``&``."""
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(query.items()))


def authenticate(request: SignedRequest, secrets: Mapping[str, str], wall_time: float) -> Caller:
    """Verify the request's signature, timestamp and nonce shape; return who is calling."""
    authorization = request.headers.get("authorization")
    if authorization:
        return _authenticate_acs3(request, authorization, secrets, wall_time)
    if "Signature" in request.query or "Signature" in request.form:
        return _authenticate_rpc(request, secrets, wall_time)
    raise ApiError("MissingParameter.Signature", "The request is not signed: send an Authorization header.")


def signed_operation(request: SignedRequest) -> tuple[str, str]:
    """The ``(Action, Version)`` the signature covers; call once the request is authenticated.

    Header and parameter forms must agree where both are sent. An RPC signature covers parameters
    only, so there the parameters must name the operation and a header may only repeat them.
    """
    params = {**request.form, **request.query}
    rpc = not request.headers.get("authorization")
    named: list[str] = []
    for header, param in (("x-acs-action", "Action"), ("x-acs-version", "Version")):
        in_header, in_params = request.headers.get(header), params.get(param)
        if in_header is not None and in_params is not None and in_header != in_params:
            raise invalid(param, f"the {header} header says {in_header[:64]!r}, the parameter {in_params[:64]!r}")
        if rpc and in_params is None:
            raise missing(param)
        named.append(in_params if in_params is not None else in_header or "")
    return named[0], named[1]


def _must_be_signed(headers: Mapping[str, str]) -> list[str]:
    """Headers an ACS3 signature has to cover: host, the date and nonce, and every x-acs-* or content-type sent."""
    present = [name for name in headers if name.startswith("x-acs-") or name == "content-type"]
    return sorted({"host", "x-acs-date", "x-acs-signature-nonce", *present})


def _secret_for(key_id: str, secrets: Mapping[str, str]) -> str:
    secret = secrets.get(key_id)
    if secret is None:
        raise ApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    return secret


def _check_time(timestamp: str | None, wall_time: float) -> None:
    if not timestamp:
        raise ApiError("MissingParameter.Timestamp", "The request has no timestamp (x-acs-date or Timestamp).")
    try:
        moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ApiError("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.") from None
    if abs(moment.timestamp() - wall_time) > MAX_CLOCK_SKEW_SECONDS:
        raise ApiError("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")


def _check_nonce(nonce: str | None) -> str:
    if not nonce:
        raise ApiError("MissingParameter.SignatureNonce", "The request has no signature nonce.")
    if len(nonce) > 128:
        raise ApiError("InvalidParameter.SignatureNonce", "The signature nonce is longer than 128 characters.")
    return nonce


def _authenticate_acs3(
    request: SignedRequest, authorization: str, secrets: Mapping[str, str], wall_time: float
) -> Caller:
    match = _AUTHORIZATION.fullmatch(authorization.strip())
    if match is None:
        raise ApiError("IncompleteSignature", "The Authorization header is not an ACS3-HMAC-SHA256 signature.")
    secret = _secret_for(match["key"], secrets)
    _check_time(request.headers.get("x-acs-date"), wall_time)
    nonce = _check_nonce(request.headers.get("x-acs-signature-nonce"))
    payload_hash = hashlib.sha256(request.body).hexdigest()
    if request.headers.get("x-acs-content-sha256", payload_hash) != payload_hash:
        raise ApiError("IncompleteSignature", "x-acs-content-sha256 does not match the request body.")
    signed = [name for name in match["headers"].split(";") if name]
    unsigned = [name for name in _must_be_signed(request.headers) if name not in signed]
    if unsigned:
        raise ApiError("IncompleteSignature", f"The signature must cover the {unsigned[0]} header.")
    canonical_headers = "".join(f"{name}:{request.headers.get(name, '').strip()}\n" for name in signed)
    canonical_request = "\n".join(
        [request.method, request.path or "/", canonical_query(request.query), canonical_headers,
         ";".join(signed), request.headers.get("x-acs-content-sha256", payload_hash)]
    )  # fmt: skip
    string_to_sign = f"{ACS3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    expected = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match["sig"]):
        raise ApiError("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
    return Caller(match["key"], nonce)


def _authenticate_rpc(request: SignedRequest, secrets: Mapping[str, str], wall_time: float) -> Caller:
    params = {**request.form, **request.query}
    key_id = params.get("AccessKeyId")
    if not key_id:
        raise ApiError("MissingParameter.AccessKeyId", "The request has no AccessKeyId.")
    secret = _secret_for(key_id, secrets)
    if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1":
        raise ApiError("InvalidParameter.SignatureMethod", "Only HMAC-SHA1 RPC signatures are supported.")
    _check_time(params.get("Timestamp"), wall_time)
    nonce = _check_nonce(params.get("SignatureNonce"))
    signed = {k: v for k, v in params.items() if k != "Signature"}
    string_to_sign = f"{request.method}&{percent_encode('/')}&{percent_encode(canonical_query(signed))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    if not hmac.compare_digest(base64.b64encode(digest).decode(), params["Signature"]):
        raise ApiError("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
    return Caller(key_id, nonce)
