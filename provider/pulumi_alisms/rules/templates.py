"""Message templates: types, ${var} variables, content limits and the review decision."""

import re
from typing import Literal

from pulumi_alisms.rules.problems import Problem
from pulumi_alisms.rules.sender_ids import contains_url_shortener
from pulumi_alisms.rules.text import control_character_problems

TemplateKind = Literal["otp", "notification", "promotional", "international"]
# TemplateType on the wire (CreateSmsTemplate): 0 OTP, 1 notification, 2 promotional, 3 international.
TEMPLATE_TYPE_CODES: dict[str, int] = {"otp": 0, "notification": 1, "promotional": 2, "international": 3}
TEMPLATE_KINDS_BY_CODE: dict[int, str] = {code: kind for kind, code in TEMPLATE_TYPE_CODES.items()}

MAX_CONTENT_LENGTH = 500
MAX_NAME_LENGTH = 30
MAX_REMARK_LENGTH = 500  # CreateSmsTemplate Remark maxLength in Alibaba's metadata
# IntlType of international templates, as the SDK models document it: 0 notification, 1 promotional, 2 OTP.
INTL_TYPE_KINDS: dict[int, str] = {0: "notification", 1: "promotional", 2: "otp"}
INTL_TYPES: tuple[int, ...] = tuple(INTL_TYPE_KINDS)

_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def template_variables(content: str) -> list[str]:
    """The ``${name}`` variables in ``content``, in order of appearance, without duplicates."""
    return list(dict.fromkeys(_VARIABLE.findall(content)))


def template_problems(
    *, name: str, kind: str, content: str, remark: str | None = None, intl_type: int | None = None
) -> list[Problem]:
    """Every offline rule for a template, field names as the MessageTemplate resource spells them."""
    problems = control_character_problems("name", name or "")
    problems.extend(control_character_problems("remark", remark or ""))
    if not name or not name.strip():
        problems.append(Problem("name", "must not be empty"))
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(Problem("name", f"at most {MAX_NAME_LENGTH} characters, got {len(name)}"))
    if kind not in TEMPLATE_TYPE_CODES:
        problems.append(Problem("type", f"must be one of {', '.join(TEMPLATE_TYPE_CODES)}, got {kind!r}"))
    problems.extend(content_problems("content", content, promotional=_is_promotional(kind, intl_type)))
    if remark is not None and len(remark) > MAX_REMARK_LENGTH:
        problems.append(Problem("remark", f"at most {MAX_REMARK_LENGTH} characters, got {len(remark)}"))
    if intl_type is not None and intl_type not in INTL_TYPES:
        problems.append(
            Problem("intl_type", f"must be 0 (notification), 1 (promotional) or 2 (OTP), got {intl_type!r}")
        )
    return problems


def _is_promotional(kind: str, intl_type: int | None) -> bool:
    if kind == "international" and intl_type is not None:
        return INTL_TYPE_KINDS.get(intl_type) == "promotional"
    return kind == "promotional"


def content_problems(field: str, content: str, *, promotional: bool) -> list[Problem]:
    """Content: non-empty, at most 500 characters, well-formed variables, none in promotional templates."""
    if not content or not content.strip():
        return [Problem(field, "must not be empty")]
    problems = control_character_problems(field, content, multiline=True)
    if len(content) > MAX_CONTENT_LENGTH:
        problems.append(Problem(field, f"at most {MAX_CONTENT_LENGTH} characters, got {len(content)}"))
    variables = _VARIABLE.findall(content)
    for variable in variables:
        if not _VARIABLE_NAME.fullmatch(variable):
            problems.append(Problem(field, f"variable ${{{variable}}} must be a name like ${{code}}"))
    if "${" in _VARIABLE.sub("", content):
        problems.append(Problem(field, "has an unclosed '${': variables are written ${name}"))
    if promotional and variables:
        problems.append(Problem(field, "promotional templates cannot contain variables"))
    return problems


def template_rejection(content: str) -> str | None:
    """The reviewer's rejection reason for template content, or ``None`` when it is approved."""
    if contains_url_shortener(content):
        return "Content contains a URL shortener; use your own full domain"
    return None
