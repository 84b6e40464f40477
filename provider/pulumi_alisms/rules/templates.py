"""Message templates: types, ${var} variables, content limits, the mainland signature and variable rule, and the
review decision.

Chinese-mainland (domestic) types are ``otp``, ``notification`` and ``promotional`` (TemplateType 0, 1, 2);
``international`` (3) is the only other. CreateSmsTemplate's RelatedSignName "is required if TemplateType is set
to 0, 1, or 2" and its TemplateRule "is required if the message template contains variables" (the official SDK's
documentation); Alibaba's TemplateRule examples are the mainland variable specification, so this package requires a
rule for the variables of domestic templates and takes one optionally for international ones. A given rule names
exactly the content's variables, each with an attribute such as ``numberCaptcha``.
"""

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
DOMESTIC_KINDS: tuple[str, ...] = ("otp", "notification", "promotional")  # Chinese-mainland template types

_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def template_variables(content: str) -> list[str]:
    """The ``${name}`` variables in ``content``, in order of appearance, without duplicates."""
    return list(dict.fromkeys(_VARIABLE.findall(content)))


def is_domestic(kind: str) -> bool:
    """Whether templates of ``kind`` are Chinese-mainland ones (bound to a signature, variables with a rule)."""
    return kind in DOMESTIC_KINDS


def template_problems(
    *,
    name: str,
    kind: str,
    content: str,
    remark: str | None = None,
    intl_type: int | None = None,
    signature: str | None = None,
    template_rule: dict[str, str] | None = None,
) -> list[Problem]:
    """Every offline rule for a template, field names as the MessageTemplate resource spells them."""
    problems = control_character_problems("name", name or "")
    problems.extend(control_character_problems("remark", remark or ""))
    problems.extend(control_character_problems("signature", signature or ""))
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
    problems.extend(mainland_problems(kind=kind, content=content, signature=signature, template_rule=template_rule))
    return problems


def mainland_problems(
    *, kind: str, content: str | None, signature: str | None, template_rule: dict[str, str] | None
) -> list[Problem]:
    """The signature (RelatedSignName) and variable rule (TemplateRule) rules of the module docstring; without
    ``content`` (unreadable in an account file) the rule is not compared with its variables."""
    problems: list[Problem] = []
    domestic = is_domestic(kind)
    if domestic and not (signature or "").strip():
        kinds = ", ".join(DOMESTIC_KINDS)
        problems.append(Problem("signature", f"is required for Chinese-mainland templates ({kinds}): the name of "
                                "an approved signature to bind the template to (RelatedSignName)"))  # fmt: skip
    if content is None:
        return problems
    variables = template_variables(content)
    if template_rule is None:
        if domestic and variables and kind != "promotional":  # promotional content has no variables at all
            example = f"{{{variables[0]!r}: 'numberCaptcha'}}"
            problems.append(Problem("template_rule", "is required when the content has variables: give each of "
                                    f"{', '.join(variables)} an attribute, e.g. {example}"))  # fmt: skip
        return problems
    if set(template_rule) != set(variables):
        wanted, got = ", ".join(variables) or "none", ", ".join(template_rule) or "none"
        problems.append(Problem("template_rule", f"must name exactly the variables of the content ({wanted}), "
                                f"got {got}"))  # fmt: skip
    blank = [variable for variable, attribute in template_rule.items() if not str(attribute).strip()]
    if blank:
        problems.append(Problem("template_rule", f"the attribute of {', '.join(blank)} must not be empty"))
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
