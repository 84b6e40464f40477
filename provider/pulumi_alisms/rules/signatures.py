"""Chinese-mainland SMS signatures: naming rules, sources and their companion ids, the review decision.

From the signature specification and the official SDK's CreateSmsSign documentation: a signature is 2-12
characters, letters, digits and Chinese characters only (no spaces or symbols such as 【】, () or []: the
service adds the brackets), not a generic word such as "test" or a phrase such as "customer service", and
for the ``company`` source it is the full name or an abbreviation of the qualification's company.
"""

import re
from typing import Literal

from pulumi_alisms.rules.problems import Problem
from pulumi_alisms.rules.text import TextRule, control_character_problems

SignatureSource = Literal["company", "website", "app", "official_account", "ecommerce_store", "trademark"]
# SignSource on the wire (CreateSmsSign, UpdateSmsSign).
SIGN_SOURCE_CODES: dict[str, int] = {
    "company": 0, "website": 1, "app": 2, "official_account": 3, "ecommerce_store": 4, "trademark": 5,
}  # fmt: skip
SIGN_SOURCES_BY_CODE: dict[int, str] = {code: source for source, code in SIGN_SOURCE_CODES.items()}
SignatureType = Literal["otp", "general"]
# SignType on the wire: 0 verification code, 1 general-purpose (the default).
SIGN_TYPE_CODES: dict[str, int] = {"otp": 0, "general": 1}
SIGN_TYPES_BY_CODE: dict[int, str] = {code: kind for kind, code in SIGN_TYPE_CODES.items()}
Carrier = Literal["mobile", "unicom", "telecom"]
CARRIERS: tuple[Carrier, ...] = ("mobile", "unicom", "telecom")  # registration is per carrier

MIN_NAME_LENGTH = 2
MAX_NAME_LENGTH = 12
MAX_REMARK_LENGTH = 200  # the SDK's documentation; the published metadata says 500 (docs/api.md)
MAX_APPLY_SCENE_LENGTH = 500
# The application's plain text fields as CreateSmsSign takes them (the emulator refuses by these).
SIGNATURE_TEXT: dict[str, TextRule] = {
    "remark": TextRule(MAX_REMARK_LENGTH), "apply_scene": TextRule(MAX_APPLY_SCENE_LENGTH),
}  # fmt: skip
MAX_AUTHORIZED_SIGNATURES = 100  # signatures one authorization letter may cover
# Words and phrases that identify nobody (compared without case, spaces or symbols).
GENERIC_WORDS: tuple[str, ...] = ("test", "测试", "客服", "customerservice", "尊敬的客户", "dearcustomer")

_NAME_CHARACTER = re.compile(r"[A-Za-z0-9\u3400-\u4dbf\u4e00-\u9fff]")
_LINK = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
# Source -> (needs ApplySceneContent, as a link?, companion id field).
_SOURCE_NEEDS: dict[str, tuple[bool, bool, str | None]] = {
    "company": (False, False, None),
    "website": (True, True, None),
    "app": (True, True, "app_icp_record_id"),
    "official_account": (True, False, None),
    "ecommerce_store": (True, False, None),
    "trademark": (False, False, "trademark_id"),
}


def name_length_problems(field: str, name: str) -> list[Problem]:
    """A signature name is 2-12 characters, none of them a control character."""
    if control := control_character_problems(field, name):
        return control
    if not MIN_NAME_LENGTH <= len(name) <= MAX_NAME_LENGTH:
        return [Problem(field, f"must be {MIN_NAME_LENGTH}-{MAX_NAME_LENGTH} characters, got {len(name)}")]
    return []


def name_content_problems(field: str, name: str) -> list[Problem]:
    """Letters, digits and Chinese characters only, and not a generic word."""
    problems: list[Problem] = []
    symbols = sorted({ch for ch in name if not _NAME_CHARACTER.fullmatch(ch)})
    if symbols:
        shown = ", ".join("space" if ch == " " else repr(ch) for ch in symbols[:5])
        message = (f"contains symbols or spaces ({shown}): a signature is letters, digits and Chinese characters "
                   "only, and the brackets 【】 are added when sending")  # fmt: skip
        problems.append(Problem(field, message))
    word = generic_word(name)
    if word is not None:
        problems.append(Problem(field, f"contains the generic word {word!r}: use the name of your company, app, "
                                       "website or trademark"))  # fmt: skip
    return problems


def signature_name_problems(field: str, name: str) -> list[Problem]:
    """Every rule for a signature name."""
    return [*name_length_problems(field, name), *name_content_problems(field, name)]


def generic_word(name: str) -> str | None:
    """The first generic word the name contains, if any."""
    folded = _fold(name)
    return next((word for word in GENERIC_WORDS if word in folded), None)


def matches_company(name: str, company_name: str) -> bool:
    """Whether a signature is the full name or an abbreviation (a part) of the company name."""
    folded = _fold(name)
    return bool(folded) and folded in _fold(company_name)


def source_problems(
    source: str, *, apply_scene: str | None, trademark_id: int | None, app_icp_record_id: int | None
) -> list[Problem]:
    """What a source needs besides the name: a link or name of the app, website, account or store, or an id."""
    if source not in _SOURCE_NEEDS:
        return [Problem("source", f"must be one of {', '.join(SIGN_SOURCE_CODES)}, got {source!r}")]
    needs_scene, needs_link, companion = _SOURCE_NEEDS[source]
    problems: list[Problem] = []
    if needs_scene and not (apply_scene or "").strip():
        what = "a link starting with http:// or https://" if needs_link else "its name or a link"
        problems.append(Problem("apply_scene", f"the {source} source needs {what}"))
    elif needs_link and apply_scene and not _LINK.fullmatch(apply_scene.strip()):
        problems.append(Problem("apply_scene", f"the {source} source needs a link starting with http:// or https://"))
    ids = {"trademark_id": trademark_id, "app_icp_record_id": app_icp_record_id}
    if companion is not None and ids[companion] is None:
        problems.append(Problem(companion, f"the {source} source needs {companion}"))
    return problems


def signature_rejection(
    name: str,
    *,
    source: str,
    company_name: str | None,
    third_party: bool,
    authorized_signatures: list[str] | None,
) -> str | None:
    """The reviewer's rejection reason for a signature, or ``None`` when it is approved.

    ``company_name`` is the bound qualification's company; ``authorized_signatures`` the signature list of
    the authorization letter the application names (``None`` without one).
    """
    content = name_content_problems("name", name)
    if content:
        return f"The signature {content[0].message}"
    if source == "company" and company_name is not None and not matches_company(name, company_name):
        return (f"For the company source the signature must be the full name or an abbreviation of the "
                f"qualification's company {company_name!r}")  # fmt: skip
    if third_party and authorized_signatures is None:
        return "A signature for third-party use needs an authorization letter (AuthorizationLetterId)"
    if authorized_signatures is not None and name not in authorized_signatures:
        return "The signature is not in the signature list of the authorization letter"
    return None


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
