"""Account files: YAML with the position of every key and value -> :class:`AccountSpec`.

Every problem is reported at once as ``FILE:LINE:COL: path.to.field: message``: YAML defects while
reading (duplicate keys, unsupported tags), shapes and types by the pydantic models, then each entry's
domain rules through the same functions the resources' ``check`` uses, so a file that validates here
passes ``pulumi preview``'s checks too.

Defences against hostile files: a size cap before parsing, binary and non-UTF-8 data refused, anchors
and aliases refused outright (no alias bomb can expand), nesting depth capped, and only YAML's safe
scalar types constructed.
"""

import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pulumi_alisms.errors import SpecError
from pulumi_alisms.resources import fraud_protection, message_template, send_frequency_limit, sender_id
from pulumi_alisms.rules import Problem
from pulumi_alisms.rules.contacts import contact_problems
from pulumi_alisms.rules.limits import threshold_problems
from pulumi_alisms.spec.models import AccountSpec, ContactSpec, SenderIdSpec, ThresholdSpec

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20  # a valid file nests 5 levels deep
ROOT = "(root)"
DICT_SOURCE = "<dict>"
# Keys of contacts, templates and sender IDs name resources; a bare-token sample template is a template key.
NAME = re.compile(r"[A-Za-z0-9_-]+")
NAMED_SECTIONS = ("contacts", "templates", "sender_ids")
_FAST_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[Any, ...]  # mapping keys and list indexes, e.g. ("sender_ids", "acme", "documents", 0)
Position = tuple[int, int]  # 1-based line and column; (0, 0) when unknown


@dataclass(frozen=True)
class SpecProblem:
    """One problem of an account file, where it stands and what is wrong."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.path}: {self.message}"


# Each section's entry model and its domain rules (the resources' own checks).
_ENTRY_RULES: dict[str, tuple[type[BaseModel], Callable[[Any], list[Problem]]]] = {
    "contacts": (ContactSpec, lambda c: contact_problems(c.name, c.phone, c.email, c.alerts)),
    "thresholds": (ThresholdSpec, lambda t: threshold_problems(**t.model_dump())),
    "templates": (message_template.MessageTemplateInputs, message_template.input_problems),
    "sender_ids": (SenderIdSpec, sender_id.input_problems),
}
_SECTION_RULES: dict[str, tuple[type[BaseModel], Callable[[Any], list[Problem]]]] = {
    "frequency_limits": (send_frequency_limit.SendFrequencyLimitInputs, send_frequency_limit.input_problems),
    "fraud_protection": (fraud_protection.FraudProtectionInputs, fraud_protection.input_problems),
}
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
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass
class _Frame:
    """An open mapping or sequence while composing."""

    container: dict[str, Any] | list[Any]
    path: KeyPath
    attached: bool  # False inside the value of a duplicate key, which is read but dropped
    key: str | None = None
    key_position: Position = (0, 0)
    duplicate: bool = False
    seen: dict[str, int] = field(default_factory=dict)


@dataclass
class _Document:
    """Plain data read from a source, with where each path stands and the problems found so far."""

    file: str
    base_dir: str
    data: Any = None
    where: dict[KeyPath, Position] = field(default_factory=dict)  # a scalar's value, else its key (or item)
    key_where: dict[KeyPath, Position] = field(default_factory=dict)
    plain_text: dict[KeyPath, str] = field(default_factory=dict)  # unquoted scalars that YAML made non-text
    problems: list[SpecProblem] = field(default_factory=list)
    unreadable: set[KeyPath] = field(default_factory=set)  # values reported as unreadable while reading

    def add(self, path: KeyPath, message: str, *, at_key: bool = False, missing: bool = False) -> None:
        """Record a problem at ``path``: its key, its parent (a missing field), or its deepest known part."""
        if missing:
            position = self._nearest(path[:-1])
        elif at_key and path in self.key_where:
            position = self.key_where[path]
        else:
            position = self._nearest(path)
        self.problems.append(SpecProblem(self.file, *position, _format(path), message))

    def covered(self, problem: SpecProblem) -> bool:
        """Whether ``problem`` concerns a value already reported as unreadable (it would only repeat that)."""
        return any(problem.path == name or problem.path.startswith((f"{name}.", f"{name}["))
                   for name in map(_format, self.unreadable))  # fmt: skip

    def fatal(self, position: Position, message: str) -> SpecError:
        """The error that stops reading: ``message`` concerns the whole file."""
        self.problems.append(SpecProblem(self.file, *position, ROOT, message))
        return SpecError(sorted(self.problems, key=_position))

    def _nearest(self, path: KeyPath) -> Position:
        for end in range(len(path), -1, -1):
            if path[:end] in self.where:
                return self.where[path[:end]]
        return (0, 0)


def load_account(source: str | os.PathLike[str] | Mapping[str, Any]) -> AccountSpec:
    """Parse and validate an account file (a path) or its parsed content (a mapping).

    Sample templates that are bare tokens are template keys, replaced by that template's content.
    Document paths are resolved against the file's directory (the working directory for a mapping) and
    returned relative to the working directory. Raises :class:`SpecError` listing every problem.
    """
    if isinstance(source, Mapping):
        return _validate(_Document(DICT_SOURCE, "", _plain(source, 0)))
    file = os.fspath(source)
    text = _read(_Document(file, ""))
    try:
        return _validate(_Composer(_Document(file, os.path.dirname(file))).compose(text, _FAST_LOADER))
    except yaml.YAMLError:
        # libyaml's messages differ from PyYAML's; re-read with the pure-Python parser for the documented ones.
        return _validate(_Composer(_Document(file, os.path.dirname(file))).compose(text, yaml.SafeLoader))


def dump_account(spec: AccountSpec) -> str:
    """The YAML text of ``spec`` (defaults left out); samples equal to a template's content are written as its key."""
    data = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    keys_by_content: dict[str, str] = {}
    for key, template in spec.templates.items():
        keys_by_content.setdefault(template.content, key)
    for entry in data.get("sender_ids", {}).values():
        entry["sample_templates"] = [keys_by_content.get(sample, sample) for sample in entry["sample_templates"]]
    return yaml.safe_dump({"version": spec.version, **data}, sort_keys=False, allow_unicode=True, width=1 << 16)


def _read(document: _Document) -> str:
    """The file's text, refusing unreadable, oversized, binary and non-UTF-8 files before parsing."""
    try:
        with open(document.file, "rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise document.fatal((0, 0), f"cannot read the file: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise document.fatal((0, 0), f"the file is larger than {MAX_FILE_BYTES >> 20} MB, the limit for account files")
    if b"\0" in data:
        raise document.fatal(_byte_position(data, data.index(b"\0")),
                             "binary data, not text: an account file is UTF-8 YAML text")  # fmt: skip
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (byte 0x{data[error.start]:02X}): save the file as UTF-8"
        raise document.fatal(_byte_position(data, error.start), message) from None


def _byte_position(data: bytes, offset: int) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


class _Composer:
    """Builds plain data from YAML events, recording positions; refuses what an account file never needs."""

    def __init__(self, document: _Document) -> None:
        self.document = document
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()
        self.stack: list[_Frame] = []

    def compose(self, text: str, loader: type[Any]) -> _Document:
        """Read ``text``; raises ``yaml.YAMLError`` from the fast loader, :class:`SpecError` otherwise."""
        document = self.document
        documents = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                position = _mark_position(event.start_mark)
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        raise document.fatal(position, "an account file holds one YAML document, found a second '---'")
                elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    raise document.fatal(position, "anchors and aliases are not supported in account files")
                elif isinstance(event, yaml.ScalarEvent):
                    self._scalar(event, position)
                elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                    self._open(event, position)
                elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                    self.stack.pop()
        except yaml.MarkedYAMLError as error:
            if loader is not yaml.SafeLoader:
                raise
            raise document.fatal(_mark_position(error.problem_mark), _syntax_message(error)) from None
        except yaml.reader.ReaderError as error:
            if loader is not yaml.SafeLoader:
                raise
            line = text.count("\n", 0, error.position) + 1
            column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
            message = f"the character U+{error.character:04X} is not allowed in YAML text"
            raise document.fatal((line, column), message) from None
        if document.data is None:
            raise document.fatal((1, 1), "the file is empty: an account file starts with `version: 1`")
        return document

    def _in_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].container, dict) and self.stack[-1].key is None

    def _scalar(self, event: yaml.ScalarEvent, position: Position) -> None:
        if self._in_key():
            self._open_key(event.value, position)
            return
        value, problem = self._construct(event)
        path, attached = self._place(value, position, at_key=event.value == "" and event.implicit[0])
        if attached and problem:
            self.document.add(path, problem)
            self.document.unreadable.add(path)
        elif attached and event.implicit[0] and not isinstance(value, str) and event.value:
            self.document.plain_text[path] = event.value

    def _open(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent, position: Position) -> None:
        if self._in_key():
            raise self.document.fatal(position, "a key must be a plain name, not a list or mapping")
        if len(self.stack) >= MAX_DEPTH:
            raise self.document.fatal(position, f"nested more than {MAX_DEPTH} levels deep")
        container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        path, attached = self._place(container, position, at_key=True)
        default_tag = "tag:yaml.org,2002:map" if isinstance(container, dict) else "tag:yaml.org,2002:seq"
        if attached and event.tag not in (None, "!", default_tag):
            self.document.add(path, f"unsupported tag {_short_tag(event.tag)}")
            self.document.unreadable.add(path)
        self.stack.append(_Frame(container, path, attached))

    def _open_key(self, key: str, position: Position) -> None:
        frame = self.stack[-1]
        frame.key, frame.key_position = key, position
        frame.duplicate = key in frame.seen
        if not frame.duplicate:
            frame.seen[key] = position[0]
        elif frame.attached:
            message = f"duplicate key {key!r} (first defined at line {frame.seen[key]})"
            self.document.problems.append(
                SpecProblem(self.document.file, *position, _format((*frame.path, key)), message)
            )

    def _place(self, value: Any, position: Position, *, at_key: bool) -> tuple[KeyPath, bool]:
        """Attach a value to the open collection (or make it the root); returns its path and whether it is kept."""
        document = self.document
        if not self.stack:
            document.data = value
            document.where[()] = position
            return (), True
        parent = self.stack[-1]
        if isinstance(parent.container, list):
            path: KeyPath = (*parent.path, len(parent.container))
            parent.container.append(value)
            if parent.attached:
                document.where[path] = position
            return path, parent.attached
        assert parent.key is not None
        path = (*parent.path, parent.key)
        attached = parent.attached and not parent.duplicate
        if attached:
            parent.container[parent.key] = value
            document.key_where[path] = parent.key_position
            document.where[path] = parent.key_position if at_key else position
        parent.key = None
        return path, attached

    def _construct(self, event: yaml.ScalarEvent) -> tuple[Any, str | None]:
        """A scalar's value as YAML's safe schema reads it, or its text and why it cannot be read."""
        tag = event.tag
        if tag in (None, "!"):
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        construct = yaml.constructor.SafeConstructor.yaml_constructors.get(tag)
        if construct is None:
            return event.value, f"unsupported tag {_short_tag(tag)}"
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return construct(self.constructor, node), None
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            reason = (error.problem if isinstance(error, yaml.MarkedYAMLError) else None) or str(error)
            return event.value, f"cannot read {_shown(event.value)} as {_short_tag(tag)}: {reason.split(':')[0]}"


def _mark_position(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "invalid YAML"
    if "\\t" in problem or "tab character" in problem:
        return "YAML syntax error: a tab character; indent with spaces"
    message = f"YAML syntax error: {problem}"
    if error.context and error.context_mark:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    return message


def _plain(value: Any, depth: int) -> Any:
    """A fresh copy of mapping/list data (the caller's stays untouched), depth-capped."""
    if depth > MAX_DEPTH and isinstance(value, Mapping | list | tuple):
        raise SpecError([SpecProblem(DICT_SOURCE, 0, 0, ROOT, f"nested more than {MAX_DEPTH} levels deep")])
    if isinstance(value, Mapping):
        return {key: _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    return value


def _validate(document: _Document) -> AccountSpec:
    """Resolve references, then check shapes and types, then every entry's domain rules."""
    data = document.data
    read = len(document.problems)
    if isinstance(data, dict):
        for section in [name for name, value in data.items() if name != "version" and value is None]:
            del data[section]  # ``templates:`` with nothing under it declares none
    _resolve_references(document)
    spec: AccountSpec | None = None
    broken: list[KeyPath] = list(document.unreadable)
    try:
        spec = AccountSpec.model_validate(data)
    except ValidationError as error:
        broken.extend(_report_validation_error(document, details) for details in error.errors())
    if isinstance(data, dict):
        _check_names(document, data)
        _check_entries(document, data, broken)
    problems = document.problems[:read] + [p for p in document.problems[read:] if not document.covered(p)]
    if problems or spec is None:
        raise SpecError(sorted(dict.fromkeys(problems), key=_position))
    return spec


def _resolve_references(document: _Document) -> None:
    """Template keys in sample templates become the template's content; document paths become cwd-relative."""
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("sender_ids"), dict):
        return
    templates: dict[Any, Any] = data["templates"] if isinstance(data.get("templates"), dict) else {}
    for key, entry in data["sender_ids"].items():
        if not isinstance(entry, dict):
            continue
        samples: Any = entry.get("sample_templates")
        for index, sample in enumerate(samples if isinstance(samples, list) else []):
            if not isinstance(sample, str) or not NAME.fullmatch(sample):
                continue
            if sample not in templates:
                document.add(("sender_ids", key, "sample_templates", index),
                             f"{sample!r} is not a template key: define templates.{sample}, or write the sample's "
                             "full text (a single word is read as a template key)")  # fmt: skip
            elif isinstance(templates[sample], dict) and isinstance(templates[sample].get("content"), str):
                samples[index] = templates[sample]["content"]
        documents = entry.get("documents")
        for item in documents if isinstance(documents, list) else []:
            if isinstance(item, dict) and isinstance(item.get("path"), str) and item["path"]:
                item["path"] = _relative(os.path.join(document.base_dir, item["path"]))


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return os.path.abspath(path)


def _report_validation_error(document: _Document, details: ErrorDetails) -> KeyPath:
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
        message += f", got {_shown(details['input'])}"
        if kind == "string_type" and path in document.plain_text:
            message += f': quote it as "{document.plain_text[path]}"'
        document.add(path, message, at_key=is_key)
    return path


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


def _check_names(document: _Document, data: dict[Any, Any]) -> None:
    for section in NAMED_SECTIONS:
        entries = data.get(section)
        for key in entries if isinstance(entries, dict) else {}:
            if isinstance(key, str) and not NAME.fullmatch(key):
                document.add((section, key), "a key must be a name of Latin letters, digits, '_' and '-'", at_key=True)


def _check_entries(document: _Document, data: dict[Any, Any], broken: list[KeyPath]) -> None:
    """Run the domain rules of every entry that has the right shape (a broken entry has its problems already)."""

    def clean(path: KeyPath) -> bool:
        return not any(bad[: len(path)] == path or path[: len(bad)] == bad for bad in broken)

    checks: list[tuple[KeyPath, type[BaseModel], Callable[[Any], list[Problem]], Any]] = []
    for section, (model, rules) in _ENTRY_RULES.items():
        entries = data.get(section)
        for key, entry in entries.items() if isinstance(entries, dict) else ():
            checks.append(((section, key), model, rules, entry))
    for section, (model, rules) in _SECTION_RULES.items():
        if section in data:
            checks.append(((section,), model, rules, data[section]))
    registrations: dict[tuple[str, str], Any] = {}
    for path, model, rules, entry in checks:
        if not clean(path):
            continue
        inputs = model.model_validate(entry)
        for problem in rules(inputs):
            document.add((*path, *_field_path(problem.field)), problem.message)
        if isinstance(inputs, SenderIdSpec):
            first = registrations.setdefault((inputs.country, inputs.sender_id), path[1])
            if first != path[1]:
                document.add(path, f"registers {inputs.sender_id} for {inputs.country} again, as "
                                   f"sender_ids.{first} does", at_key=True)  # fmt: skip


def _field_path(field_name: str) -> KeyPath:
    """``documents[0].path`` -> ``("documents", 0, "path")``."""
    return tuple(int(index) if index else name for name, index in _FIELD_PART.findall(field_name))


def _format(path: KeyPath) -> str:
    """``("sender_ids", "acme", "sample_templates", 2)`` -> ``sender_ids.acme.sample_templates[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or ROOT


def _position(problem: SpecProblem) -> Position:
    return problem.line, problem.col


def _shown(value: Any) -> str:
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
