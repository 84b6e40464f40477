"""Authorization letters for signatures used on behalf of another entity (Dysmsapi 2017-05-25):
CreateSmsAuthorizationLetter, QuerySmsAuthorizationLetter.

CreateSmsAuthorizationLetter has no ClientToken: after a failure that may have committed, the retry loop looks
for a letter with the name (names are unique per account) before trying again.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from pulumi_alisms.api.client import Answer, ParamValue, RpcClient

VERSION = "2017-05-25"
LetterState = Literal["INT", "PASSED"]  # pending until a signature it covers is approved
LetterStatus = Literal["VALID", "INVALID"]  # within its validity period or not
SCOPE_SEPARATOR = "、"  # how SignScope joins the covered signatures


class AuthorizationLetterRequest(BaseModel):
    """What CreateSmsAuthorizationLetter sends. ``letter_key`` comes from ``UploadsApi.upload_document``."""

    model_config = ConfigDict(frozen=True)

    name: str
    letter_key: str
    signatures: list[str]
    validity: str  # YYYY-MM-DD~YYYY-MM-DD
    authorizer: str  # the entity that owns the signatures (Authorization)
    organization_code: str  # the authorizer's unified social credit code
    proxy: str  # the entity applying for the signatures (ProxyAuthorization)


class AuthorizationLetter(BaseModel):
    """A letter as QuerySmsAuthorizationLetter reports it."""

    model_config = ConfigDict(frozen=True)

    letter_id: int
    name: str
    letter_url: str | None = None
    signatures: list[str] = []
    validity: str | None = None
    authorizer: str | None = None
    organization_code: str | None = None
    proxy: str | None = None
    state: str | None = None
    status: str | None = None


class AuthorizationLettersApi:
    """Create and find the account's authorization letters."""

    def __init__(self, rpc: RpcClient) -> None:
        self._rpc = rpc

    def create(self, request: AuthorizationLetterRequest) -> int:
        """Record a letter (CreateSmsAuthorizationLetter); returns its id."""
        params: dict[str, ParamValue] = {
            "AuthorizationLetterName": request.name, "AuthorizationLetterPic": request.letter_key,
            "SignList": list(request.signatures), "AuthorizationLetterExpDate": request.validity,
            "Authorization": request.authorizer, "OrganizationCode": request.organization_code,
            "ProxyAuthorization": request.proxy,
        }  # fmt: skip

        def landed() -> dict[str, Any] | None:
            found = self.find_by_name(request.name)
            return None if found is None else {"Data": str(found.letter_id)}

        data = self._rpc.call(VERSION, "CreateSmsAuthorizationLetter", params, idempotent=False, landed=landed)
        return data.integer("Data")

    def query(
        self,
        letter_ids: list[int] | None = None,
        *,
        signature: str | None = None,
        organization_code: str | None = None,
        state: LetterState | None = None,
        status: LetterStatus | None = None,
    ) -> list[AuthorizationLetter]:
        """The letters matching every filter given (QuerySmsAuthorizationLetter)."""
        params: dict[str, ParamValue] = {
            "AuthorizationLetterIdList": list(letter_ids) if letter_ids else None, "SignName": signature,
            "OrganizationCode": organization_code, "State": state, "Status": status,
        }  # fmt: skip
        data = self._rpc.call(VERSION, "QuerySmsAuthorizationLetter", params, idempotent=True)
        return [_letter(entry) for entry in data.objects("Data")]

    def get(self, letter_id: int) -> AuthorizationLetter | None:
        """One letter, or ``None`` when the account has none with this id."""
        return next((letter for letter in self.query([letter_id]) if letter.letter_id == letter_id), None)

    def find_by_name(self, name: str) -> AuthorizationLetter | None:
        """The letter with this name, or ``None``."""
        return next((letter for letter in self.query() if letter.name == name), None)


def _letter(entry: Answer) -> AuthorizationLetter:
    scope = entry.optional_text("SignScope") or ""
    return entry.build(
        AuthorizationLetter,
        letter_id=entry.integer("AuthorizationLetterId"),
        name=entry.optional_text("AuthorizationLetterName") or "",
        letter_url=entry.optional_text("AuthorizationLetterPic"),
        signatures=[name for name in scope.split(SCOPE_SEPARATOR) if name],
        validity=entry.optional_text("AuthorizationLetterExpDate"),
        authorizer=entry.optional_text("Authorization"),
        organization_code=entry.optional_text("OrganizationCode"),
        proxy=entry.optional_text("ProxyAuthorization"),
        state=entry.optional_text("State"),
        status=entry.optional_text("Status"),
    )
