"""ACS3-HMAC-SHA256 request signing, as the current official Alibaba Cloud SDKs send it."""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

ALGORITHM = "ACS3-HMAC-SHA256"


@dataclass(frozen=True)
class Credentials:
    """An AccessKey pair. The secret never appears in ``repr`` or ``str``."""

    access_key_id: str
    access_key_secret: str = field(repr=False)

    def __str__(self) -> str:
        return f"Credentials(access_key_id={self.access_key_id!r})"


def percent_encode(value: str) -> str:
    """RFC 3986 encoding: only unreserved characters stay as they are."""
    return quote(value, safe="~")


def canonical_query(query: Mapping[str, str]) -> str:
    """Sorted, percent-encoded ``key=value`` pairs joined with ``&``."""
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(query.items()))


def canonical_request(method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str],
                      payload_hash: str) -> tuple[str, str]:  # fmt: skip
    """The canonical request and its signed-header list; every header given is signed."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    signed = sorted(lowered)
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in signed)
    signed_headers = ";".join(signed)
    text = "\n".join([method.upper(), path or "/", canonical_query(query), canonical_headers, signed_headers,
                      payload_hash])  # fmt: skip
    return text, signed_headers


def authorization(method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes,
                  credentials: Credentials) -> str:  # fmt: skip
    """The ``Authorization`` header value for a request whose headers already hold x-acs-content-sha256."""
    payload_hash = headers.get("x-acs-content-sha256") or hashlib.sha256(body).hexdigest()
    text, signed_headers = canonical_request(method, path, query, headers, payload_hash)
    string_to_sign = f"{ALGORITHM}\n{hashlib.sha256(text.encode()).hexdigest()}"
    signature = hmac.new(credentials.access_key_secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{ALGORITHM} Credential={credentials.access_key_id},SignedHeaders={signed_headers},Signature={signature}"
