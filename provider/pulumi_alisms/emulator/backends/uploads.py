"""OSS upload policies and the objects uploaded with them.

Alibaba hands out an OSS POST policy signed with its own key (GetQualificationOssInfo for qualification
documents and authorization letters, GetOSSInfoForUploadFile for a signature's or template's further
materials); the caller uploads the file to the policy's host as an OSS PostObject form and passes the object
key to the operation that needs the document. The emulator does the same: the policy is signed as OSS V1 POST
policies are (base64 of HMAC-SHA1 over the base64 policy) with a secret that never leaves the state file,
``POST /oss/<bucket>`` on the emulator (``emulator/oss.py``) verifies it and stores the object, and operations
accept only keys of objects the same account uploaded to the bucket the operation reads.

Each account uploads under its own directory (``StartPath``, 16 digits like an Alibaba account id); an object
key is ``<StartPath>/<file name>``.
"""

import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from pulumi_alisms.emulator.backends._base import Backend
from pulumi_alisms.emulator.errors import invalid

SCHEMA = """
CREATE TABLE IF NOT EXISTS oss_signing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1), access_key_id TEXT NOT NULL, secret TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS oss_directories (account TEXT PRIMARY KEY, start_path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS oss_objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, account TEXT NOT NULL, content BLOB NOT NULL, content_type TEXT,
    etag TEXT NOT NULL, uploaded_at REAL NOT NULL, PRIMARY KEY (bucket, key));
"""

QUALIFICATION_BUCKET = "alicom-qualification"  # qualification documents, authorization letters
ATTACHMENT_BUCKET = "alicom-fc-media"  # further materials of signatures and templates (MoreData)
BUCKETS = (QUALIFICATION_BUCKET, ATTACHMENT_BUCKET)
POLICY_SECONDS = 30 * 60
MAX_OBJECT_BYTES = 5 * 1024 * 1024  # "the file must not exceed 5 MB"
MAX_KEY_LENGTH = 1023  # OSS object keys


class OssError(Exception):
    """An OSS error answer (XML ``<Error>`` with ``Code`` and ``Message``) and its HTTP status."""

    def __init__(self, code: str, message: str, status: int = 403) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class UploadPolicy:
    """What GetQualificationOssInfo / GetOSSInfoForUploadFile hand out."""

    access_key_id: str
    policy: str
    signature: str
    host: str
    start_path: str
    expire: int  # epoch seconds


@dataclass(frozen=True)
class StoredObject:
    """An object accepted by ``POST /oss/<bucket>``."""

    bucket: str
    key: str
    etag: str


class UploadsBackend(Backend):
    """Upload policies, their verification, and the uploaded objects."""

    def issue_policy(self, bucket: str) -> UploadPolicy:
        """A POST policy for the account's directory in ``bucket``, valid for 30 minutes of emulator time."""
        access_key_id, secret = self._signing_key()
        start_path = self._start_path()
        expire = int(self.ctx.now) + POLICY_SECONDS
        document = {
            "expiration": datetime.fromtimestamp(expire, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conditions": [
                ["content-length-range", 1, MAX_OBJECT_BYTES],
                ["starts-with", "$key", f"{start_path}/"],
                {"bucket": bucket},
            ],
        }
        policy = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
        return UploadPolicy(access_key_id, policy, _sign(secret, policy), self.host(bucket), start_path, expire)

    def host(self, bucket: str) -> str:
        """Where the bucket takes uploads: a path of this emulator, as reached by the current request."""
        return f"{self.ctx.base_url}/oss/{bucket}"

    def url(self, bucket: str, key: str) -> str:
        """The full URL of an object, as the answers that list documents show it."""
        return f"{self.host(bucket)}/{key}"

    def accept_post(
        self, bucket: str, fields: Mapping[str, str], content: bytes, content_type: str | None
    ) -> StoredObject:
        """Verify a PostObject form against the policy it carries and store the object (``OssError`` if refused)."""
        if bucket not in BUCKETS:
            raise OssError("NoSuchBucket", "The specified bucket does not exist.", 404)
        for name in ("key", "policy", "ossaccesskeyid", "signature"):
            if not fields.get(name):
                raise OssError("InvalidArgument", f"The form field {name} is missing.", 400)
        access_key_id, secret = self._signing_key()
        if not hmac.compare_digest(fields["ossaccesskeyid"].encode(), access_key_id.encode()):
            raise OssError("InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.")
        if not hmac.compare_digest(fields["signature"].encode(), _sign(secret, fields["policy"]).encode()):
            raise OssError("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                           "signature you provided.")  # fmt: skip
        key = fields["key"]
        start_path = self._check_policy(fields["policy"], bucket, key, len(content))
        row = self.ctx.db.execute("SELECT account FROM oss_directories WHERE start_path = ?", (start_path,)).fetchone()
        if row is None or len(key) > MAX_KEY_LENGTH:
            raise OssError("AccessDenied", "Invalid according to Policy: the key is not in an issued directory.")
        etag = hashlib.md5(content, usedforsecurity=False).hexdigest().upper()
        self.ctx.db.execute(
            "INSERT INTO oss_objects (bucket, key, account, content, content_type, etag, uploaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bucket, key) DO UPDATE SET content = excluded.content, "
            "content_type = excluded.content_type, etag = excluded.etag, uploaded_at = excluded.uploaded_at",
            (bucket, key, row["account"], content, content_type, etag, self.ctx.now),
        )
        return StoredObject(bucket, key, etag)

    def require(self, bucket: str, key: str, parameter: str) -> None:
        """Refuse (``InvalidParameter.<parameter>``) a key that names no object this account uploaded to ``bucket``."""
        found = self.ctx.db.execute(
            "SELECT 1 FROM oss_objects WHERE bucket = ? AND key = ? AND account = ?", (bucket, key, self.ctx.account)
        ).fetchone()
        if found is None:
            source = "GetQualificationOssInfo" if bucket == QUALIFICATION_BUCKET else "GetOSSInfoForUploadFile"
            raise invalid(parameter, f"no uploaded file has the key {key[:100]!r}: upload it with the policy of "
                          f"{source} first and pass the object key")  # fmt: skip

    def _check_policy(self, policy: str, bucket: str, key: str, size: int) -> str:
        """Apply the policy's expiration and conditions; returns the directory its key condition names."""
        try:
            document = json.loads(base64.b64decode(policy, validate=True))
            expiration = datetime.strptime(document["expiration"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            conditions = list(document["conditions"])
        except (ValueError, TypeError, KeyError):
            raise OssError("InvalidPolicyDocument", "Invalid Policy: the policy is not a valid policy document.",
                           400) from None  # fmt: skip
        if expiration.timestamp() < self.ctx.now:
            raise OssError("AccessDenied", "Invalid according to Policy: Policy expired.")
        start_path = ""
        # Only the emulator's own policies get here (the signature matched): their conditions are well-formed.
        for condition in conditions:
            if isinstance(condition, dict) and condition.get("bucket") not in (None, bucket):
                raise OssError("AccessDenied", "Invalid according to Policy: Policy Condition failed: bucket.")
            if not isinstance(condition, list):
                continue
            if condition[0] == "content-length-range" and not condition[1] <= size <= condition[2]:
                code = "EntityTooLarge" if size > condition[2] else "EntityTooSmall"
                raise OssError(code, f"The file is {size} bytes; the policy allows {condition[1]} to {condition[2]}.",
                               400)  # fmt: skip
            if condition[:2] == ["starts-with", "$key"]:
                start_path = str(condition[2]).rstrip("/")
                if not key.startswith(str(condition[2])):
                    raise OssError("AccessDenied", "Invalid according to Policy: Policy Condition failed: "
                                   f'["starts-with", "$key", "{condition[2]}"]')  # fmt: skip
        return start_path

    def _signing_key(self) -> tuple[str, str]:
        """The state file's policy-signing key pair, made on first use."""
        row = self.ctx.db.execute("SELECT access_key_id, secret FROM oss_signing_key WHERE id = 1").fetchone()
        if row is None:
            self.ctx.db.execute(
                "INSERT OR IGNORE INTO oss_signing_key (id, access_key_id, secret) VALUES (1, ?, ?)",
                ("LTAI5tEmu" + secrets.token_hex(6), base64.b64encode(secrets.token_bytes(30)).decode()),
            )
            row = self.ctx.db.execute("SELECT access_key_id, secret FROM oss_signing_key WHERE id = 1").fetchone()
        return str(row["access_key_id"]), str(row["secret"])

    def _start_path(self) -> str:
        row: sqlite3.Row | None = self.ctx.db.execute(
            "SELECT start_path FROM oss_directories WHERE account = ?", (self.ctx.account,)
        ).fetchone()
        if row is not None:
            return str(row["start_path"])
        while True:
            start_path = str(10**15 + secrets.randbelow(9 * 10**15))
            inserted = self.ctx.db.execute(
                "INSERT OR IGNORE INTO oss_directories (account, start_path) VALUES (?, ?)",
                (self.ctx.account, start_path),
            )
            if inserted.rowcount:
                return start_path


def _sign(secret: str, policy: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), policy.encode(), hashlib.sha1).digest()).decode()
