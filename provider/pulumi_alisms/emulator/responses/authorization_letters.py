"""Authorization letters (Dysmsapi 2017-05-25): CreateSmsAuthorizationLetter, QuerySmsAuthorizationLetter.

``AuthorizationLetterPic`` is the key of the letter uploaded with GetQualificationOssInfo's policy; answers
show it as a full URL and ``SignScope`` as the signature names joined with "、", as the SDK documents.
"""

from typing import Any

from pulumi_alisms.emulator.backends.authorization_letters import AuthorizationLetter, AuthorizationLettersBackend
from pulumi_alisms.emulator.backends.uploads import QUALIFICATION_BUCKET, UploadsBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.errors import invalid
from pulumi_alisms.emulator.responses.common import refuse
from pulumi_alisms.rules.qualifications import (
    MAX_ORGANIZATION_CODE_LENGTH,
    company_name_problems,
    qualification_name_problems,
    validity_problems,
)
from pulumi_alisms.rules.signatures import MAX_AUTHORIZED_SIGNATURES, signature_name_problems

VERSION = "2017-05-25"
_STATES = ("INT", "PASSED")
_STATUSES = ("VALID", "INVALID")


def create_sms_authorization_letter(ctx: Context) -> dict[str, Any]:
    """Record an authorization letter; ``Data`` is its id (text)."""
    name = ctx.params.required_text("AuthorizationLetterName")
    validity = ctx.params.required_text("AuthorizationLetterExpDate")
    authorizer = ctx.params.required_text("Authorization")
    proxy = ctx.params.required_text("ProxyAuthorization")
    organization_code = ctx.params.required_text("OrganizationCode", max_length=MAX_ORGANIZATION_CODE_LENGTH)
    sign_list = ctx.params.string_list("SignList", required=True) or []
    refuse([*qualification_name_problems("AuthorizationLetterName", name),
            *validity_problems("AuthorizationLetterExpDate", validity),
            *company_name_problems("Authorization", authorizer),
            *company_name_problems("ProxyAuthorization", proxy)], {})  # fmt: skip
    if not 1 <= len(sign_list) <= MAX_AUTHORIZED_SIGNATURES:
        raise invalid("SignList", f"must name 1 to {MAX_AUTHORIZED_SIGNATURES} signatures, got {len(sign_list)}")
    refuse([problem for sign in sign_list for problem in signature_name_problems("SignList", sign)], {})
    letter_key = ctx.params.required_text("AuthorizationLetterPic")
    UploadsBackend(ctx).require(QUALIFICATION_BUCKET, letter_key, "AuthorizationLetterPic")
    letter_id = AuthorizationLettersBackend(ctx).create(
        name=name, letter_key=letter_key, sign_list=sign_list, validity=validity, authorizer=authorizer,
        organization_code=organization_code, proxy=proxy,
    )  # fmt: skip
    return {"Success": True, "Data": str(letter_id)}


def _entry(uploads: UploadsBackend, letter: AuthorizationLetter) -> dict[str, Any]:
    return {
        "AuthorizationLetterId": letter.id,
        "AuthorizationLetterName": letter.name,
        "AuthorizationLetterPic": uploads.url(QUALIFICATION_BUCKET, letter.letter_key),
        "AuthorizationLetterExpDate": letter.validity,
        "Authorization": letter.authorizer,
        "ProxyAuthorization": letter.proxy,
        "OrganizationCode": letter.organization_code,
        "SignScope": "、".join(letter.sign_list),
        "State": "PASSED" if letter.passed else "INT",
        "Status": "VALID" if letter.valid else "INVALID",
    }


def query_sms_authorization_letter(ctx: Context) -> dict[str, Any]:
    """The account's letters, oldest first, filtered by ids, a covered signature, organization, State, Status."""
    ids = ctx.params.json_value("AuthorizationLetterIdList")
    if ids is not None and (not isinstance(ids, list) or not all(type(item) is int for item in ids)):
        raise invalid("AuthorizationLetterIdList", "must be a JSON array of letter ids")
    sign_name = ctx.params.text("SignName", required=False) or None
    organization_code = ctx.params.text("OrganizationCode", required=False) or None
    state = ctx.params.text("State", required=False) or None
    status = ctx.params.text("Status", required=False) or None
    for parameter, value, choices in (("State", state, _STATES), ("Status", status, _STATUSES)):
        if value is not None and value not in choices:
            raise invalid(parameter, f"must be one of {', '.join(choices)}, got {value[:20]!r}")
    uploads = UploadsBackend(ctx)
    entries = [_entry(uploads, letter) for letter in AuthorizationLettersBackend(ctx).all()
               if (not ids or letter.id in ids) and (sign_name is None or sign_name in letter.sign_list)
               and organization_code in (None, letter.organization_code)]  # fmt: skip
    entries = [entry for entry in entries if state in (None, entry["State"]) and status in (None, entry["Status"])]
    return {"Success": True, "Data": entries}


OPERATIONS = {
    "CreateSmsAuthorizationLetter": create_sms_authorization_letter,
    "QuerySmsAuthorizationLetter": query_sms_authorization_letter,
}
