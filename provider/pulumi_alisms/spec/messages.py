"""Pydantic's validation errors in the account file's words: the field, what it must be, the value as the file
spells it, and a close match for a misspelt field name."""

import difflib
from datetime import date
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from pulumi_alisms.spec.models import AccountSpec
from pulumi_alisms.spec.positions import Document, KeyPath

_FIXED_MESSAGES = {
    "missing": "required field is missing",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (key: value lines)",
    "model_type": "must be a mapping (key: value lines)",
    "model_attributes_type": "must be a mapping (key: value lines)",
}


def report_validation_error(document: Document, details: ErrorDetails) -> KeyPath:
    """Record one pydantic error at its key or value; returns the path it concerns."""
    loc = details["loc"]
    is_key = bool(loc) and loc[-1] == "[key]"
    path: KeyPath = tuple(loc[:-1]) if is_key else tuple(loc)
    kind = details["type"]
    if kind == "extra_forbidden":
        document.add(path, _unknown_field_message(path), at_key=True)
    elif kind == "missing":
        document.add(path, _FIXED_MESSAGES[kind], missing=True)
    else:
        message = _FIXED_MESSAGES.get(kind) or _generic_message(details["msg"])
        message += f", got {shown(details['input'])}"
        if kind == "string_type" and path in document.plain_text:
            message += f': quote it as "{document.plain_text[path]}"'
        document.add(path, message, at_key=is_key)
    return path


def shown(value: Any) -> str:
    """A value as the file spells it, shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float | date):
        return str(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _generic_message(text: str) -> str:
    text = text.removeprefix("Value error, ").replace("Input should be", "must be")
    return text[:1].lower() + text[1:]


def _unknown_field_message(path: KeyPath) -> str:
    known = _known_fields(path[:-1])
    close = difflib.get_close_matches(str(path[-1]), known, n=1)
    if close:
        return f"unknown field (did you mean {close[0]!r}?)"
    return f"unknown field; known fields: {', '.join(known)}"


def _known_fields(path: KeyPath) -> list[str]:
    """The field names (aliases where set) of the model at ``path`` in an account file."""
    annotation: Any = AccountSpec
    for part in path:
        annotation = _without_none(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = annotation.model_fields
            annotation = next((f.annotation for name, f in fields.items() if part in (name, f.alias)), None)
        else:
            annotation = get_args(annotation)[-1] if get_origin(annotation) in (dict, list) else None
    annotation = _without_none(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or name for name, f in annotation.model_fields.items()]
    return []


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, type(int | None)):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation
