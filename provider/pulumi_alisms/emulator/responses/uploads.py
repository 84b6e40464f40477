"""OSS upload policies (Dysmsapi 2017-05-25): GetQualificationOssInfo, GetOSSInfoForUploadFile.

``BizType`` is ``dysms`` for GetQualificationOssInfo (qualification documents, authorization letters) and
``fcMediaSms`` (the default) for GetOSSInfoForUploadFile (further materials of signatures and templates);
other values are refused. The answer's ``Host`` is ``<this emulator>/oss/<bucket>`` (see ``emulator/oss.py``).
"""

from typing import Any

from pulumi_alisms.emulator.backends.uploads import (
    ATTACHMENT_BUCKET,
    QUALIFICATION_BUCKET,
    UploadPolicy,
    UploadsBackend,
)
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid

VERSION = "2017-05-25"
QUALIFICATION_BIZ_TYPE = "dysms"
ATTACHMENT_BIZ_TYPE = "fcMediaSms"


def _policy_fields(policy: UploadPolicy) -> dict[str, Any]:
    return {"AccessKeyId": policy.access_key_id, "Policy": policy.policy, "Signature": policy.signature,
            "Host": policy.host, "StartPath": policy.start_path}  # fmt: skip


def get_qualification_oss_info(ctx: Context) -> dict[str, Any]:
    """A POST policy for qualification documents and authorization letters (``Expire`` in epoch seconds)."""
    biz_type = ctx.params.required_text("BizType")
    if biz_type != QUALIFICATION_BIZ_TYPE:
        raise invalid("BizType", f"must be {QUALIFICATION_BIZ_TYPE}, got {biz_type[:40]!r}")
    policy = UploadsBackend(ctx).issue_policy(QUALIFICATION_BUCKET)
    return {"Success": True, "Data": {**_policy_fields(policy), "Expire": policy.expire}}


def get_oss_info_for_upload_file(ctx: Context) -> dict[str, Any]:
    """A POST policy for the further materials of signatures and templates (``ExpireTime``: epoch seconds as text)."""
    biz_type = ctx.params.text("BizType", required=False) or ATTACHMENT_BIZ_TYPE
    if biz_type != ATTACHMENT_BIZ_TYPE:
        raise invalid("BizType", f"must be {ATTACHMENT_BIZ_TYPE}, got {biz_type[:40]!r}")
    policy = UploadsBackend(ctx).issue_policy(ATTACHMENT_BUCKET)
    return {"Success": True, "Model": {**_policy_fields(policy), "ExpireTime": str(policy.expire)}}


OPERATIONS = {
    "GetQualificationOssInfo": get_qualification_oss_info,
    "GetOSSInfoForUploadFile": get_oss_info_for_upload_file,
}
