"""``POST /oss/<bucket>``: an OSS-compatible PostObject endpoint for the upload policies the emulator hands out.

The form is ``multipart/form-data`` with the fields OSS documents (``key``, ``policy``, ``OSSAccessKeyId``,
``Signature``, optional ``success_action_status``, then ``file``); field names are case-insensitive. Answers:
204 (or the ``success_action_status`` 200 or 201, the latter with a ``PostResponse`` XML body), else an OSS
XML ``<Error>``. No GET: uploaded documents hold personal data, and operations name them by key.
"""

import uuid
from collections.abc import Callable, Iterable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from xml.sax.saxutils import escape

from pulumi_alisms.emulator import clock
from pulumi_alisms.emulator.backends.uploads import OssError, UploadsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.params import Params
from pulumi_alisms.emulator.store import Store

PATH_PREFIX = "/oss/"
MAX_FORM_BYTES = 8 * 1024 * 1024
_STATUS_TEXT = {200: "200 OK", 201: "201 Created", 204: "204 No Content", 400: "400 Bad Request",
                403: "403 Forbidden", 404: "404 Not Found", 405: "405 Method Not Allowed"}  # fmt: skip
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def serve(store: Store, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Answer one request under ``/oss/``."""
    request_id = uuid.uuid4().hex.upper()[:24]
    bucket = str(environ.get("PATH_INFO", "")).removeprefix(PATH_PREFIX).strip("/")
    try:
        status, body = _post(store, environ, bucket)
    except OssError as error:
        status = error.status
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(error.code)}</Code>'
                f"<Message>{escape(error.message)}</Message><RequestId>{request_id}</RequestId>"
                "<HostId>alisms-emulator</HostId></Error>").encode()  # fmt: skip
    headers = [("Content-Length", str(len(body))), ("x-oss-request-id", request_id)]
    if body:
        headers.append(("Content-Type", "application/xml"))
    start_response(_STATUS_TEXT.get(status, f"{status} Error"), headers)
    return [body]


def _post(store: Store, environ: dict[str, Any], bucket: str) -> tuple[int, bytes]:
    if str(environ.get("REQUEST_METHOD", "GET")).upper() != "POST":
        raise OssError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 < length <= MAX_FORM_BYTES:
        raise OssError("InvalidArgument", f"The form must be 1 to {MAX_FORM_BYTES} bytes with a Content-Length.", 400)
    fields, content, content_type = _form(str(environ.get("CONTENT_TYPE", "")), environ["wsgi.input"].read(length))
    with store.transaction() as db:
        anonymous = Context(account="", params=Params({}), db=db, now=clock.now(store), speed="instant")
        stored = UploadsBackend(anonymous).accept_post(bucket, fields, content, content_type)
    status = {"200": 200, "201": 201}.get(fields.get("success_action_status", ""), 204)
    if status != 201:
        return status, b""
    return 201, (f'<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>{escape(stored.bucket)}</Bucket>'
                 f"<Key>{escape(stored.key)}</Key><ETag>\"{stored.etag}\"</ETag></PostResponse>").encode()  # fmt: skip


def _form(content_type: str, body: bytes) -> tuple[dict[str, str], bytes, str | None]:
    """The text fields (names lower-cased), the file's bytes and its content type."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise OssError("MalformedPOSTRequest", "The body of your POST request is not well-formed "
                       "multipart/form-data.", 400)  # fmt: skip
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    content: bytes | None = None
    file_type: str | None = None
    for part in message.iter_parts() if message.is_multipart() else ():
        name = str(part.get_param("name", header="content-disposition") or "").lower()
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if name == "file":
            content, file_type = data, part.get_content_type()
        elif name:
            try:
                fields[name] = data.decode("utf-8")
            except UnicodeDecodeError:
                raise OssError("InvalidArgument", f"The form field {name[:40]} is not UTF-8 text.", 400) from None
    if content is None:
        raise OssError("InvalidArgument", "The form has no file field (it must be the last field).", 400)
    return fields, content, file_type
