"""Document uploads for the mainland operations: GetQualificationOssInfo / GetOSSInfoForUploadFile hand out an OSS
POST policy, the file goes to the policy's host as an OSS PostObject form, and operations take the object key.

Keys are ``<StartPath>/<first 16 hex digits of the file's SHA-256>_<file name>``: the same file uploads to the
same key (an upload is idempotent and re-uploading changes nothing), and the name keeps only ASCII letters,
digits, dots, dashes and underscores, as Alibaba requires of uploaded file names. An upload is one attempt:
it is not an RPC call and the one retry loop does not cover it.
"""

import hashlib
import re

import httpx
from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.client import Answer, RpcClient
from pulumi_alisms.errors import AliSmsApiError

VERSION = "2017-05-25"
UPLOAD_ACTION = "PostObject"  # how upload failures name themselves
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_XML_FIELD = "<{0}>([^<]{{0,500}})</{0}>"
MAX_ERROR_BYTES = 64 * 1024


class UploadPolicy(BaseModel):
    """An OSS POST policy: where to upload, under which directory, until when (epoch seconds)."""

    model_config = ConfigDict(frozen=True)

    host: str
    start_path: str
    access_key_id: str
    policy: str
    signature: str
    expires_at: int


def object_key(policy: UploadPolicy, file_name: str, content: bytes) -> str:
    """The key a file uploads to under a policy."""
    safe_name = _UNSAFE_NAME_CHARACTERS.sub("_", file_name.rsplit("/", 1)[-1]).strip("._") or "file"
    return f"{policy.start_path}/{hashlib.sha256(content).hexdigest()[:16]}_{safe_name}"


class UploadsApi:
    """Upload qualification documents, authorization letters and signature materials; returns object keys."""

    def __init__(self, rpc: RpcClient, http: httpx.Client) -> None:
        self._rpc = rpc
        self._http = http

    def qualification_policy(self) -> UploadPolicy:
        """A policy for qualification documents and authorization letters (GetQualificationOssInfo, BizType dysms)."""
        data = self._rpc.call(VERSION, "GetQualificationOssInfo", {"BizType": "dysms"}, idempotent=True)
        return _policy(data.object("Data"), "Expire")

    def attachment_policy(self) -> UploadPolicy:
        """A policy for a signature's or template's further materials (GetOSSInfoForUploadFile, fcMediaSms)."""
        data = self._rpc.call(VERSION, "GetOSSInfoForUploadFile", {"BizType": "fcMediaSms"}, idempotent=True)
        return _policy(data.object("Model"), "ExpireTime")

    def upload(self, policy: UploadPolicy, file_name: str, content: bytes, content_type: str | None = None) -> str:
        """Upload one file with a policy (OSS PostObject to the policy's host); returns the object key."""
        key = object_key(policy, file_name, content)
        fields = {"key": key, "policy": policy.policy, "OSSAccessKeyId": policy.access_key_id,
                  "Signature": policy.signature, "success_action_status": "200"}  # fmt: skip
        file = (key.rsplit("/", 1)[-1], content, content_type or "application/octet-stream")
        try:
            response = self._http.post(policy.host, data=fields, files={"file": file})
        except httpx.TransportError as error:
            where = httpx.URL(policy.host).host
            raise AliSmsApiError(UPLOAD_ACTION, "Transport.Unreachable",
                                 f"cannot upload to {where}: {type(error).__name__}") from None  # fmt: skip
        if response.status_code >= 300:
            text = response.content[:MAX_ERROR_BYTES].decode("utf-8", "replace")
            code, message = (_xml_field(text, name) for name in ("Code", "Message"))
            raise AliSmsApiError(UPLOAD_ACTION, code or f"HTTP{response.status_code}", message or "upload refused",
                                 request_id=response.headers.get("x-oss-request-id"),
                                 http_status=response.status_code)  # fmt: skip
        return key

    def upload_document(self, file_name: str, content: bytes, content_type: str | None = None) -> str:
        """Upload a qualification document or authorization letter with a fresh policy; returns the key."""
        return self.upload(self.qualification_policy(), file_name, content, content_type)

    def upload_attachment(self, file_name: str, content: bytes, content_type: str | None = None) -> str:
        """Upload a signature's (or template's) further material with a fresh policy; returns the key."""
        return self.upload(self.attachment_policy(), file_name, content, content_type)


def _policy(data: Answer, expire_field: str) -> UploadPolicy:
    """The policy of a GetQualificationOssInfo / GetOSSInfoForUploadFile answer: without its host, key id, policy
    or signature no upload can be made, so each is required."""
    return data.build(
        UploadPolicy,
        host=data.text("Host"),
        start_path=data.optional_text("StartPath") or "",
        access_key_id=data.text("AccessKeyId"),
        policy=data.text("Policy"),
        signature=data.text("Signature"),
        expires_at=data.optional_integer(expire_field) or 0,
    )


def _xml_field(text: str, name: str) -> str | None:
    match = re.search(_XML_FIELD.format(name), text)
    return match.group(1) if match else None
