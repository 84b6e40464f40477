"""Reading an untrusted account file into plain data, with the position of every key and value.

Defences against hostile files: a size cap before parsing, binary and non-UTF-8 data refused, anchors
and aliases refused outright (no alias bomb can expand), nesting depth capped, and only YAML's safe
scalar types constructed. A mapping source is copied with the same depth cap.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from pulumi_alisms.documents import read_inside
from pulumi_alisms.spec.messages import shown
from pulumi_alisms.spec.positions import ROOT, Document, KeyPath, Position, SpecProblem, format_path, spec_error

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20  # a valid file nests 5 levels deep
DICT_SOURCE = "<dict>"
FAST_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"


def read_text(document: Document, root: str) -> str:
    """The file's text, refusing unreadable, oversized, binary and non-UTF-8 files before parsing; the file must be
    a regular file resolving inside the resolved ``root`` (:class:`LocalFileError` otherwise, nothing shown)."""
    try:
        data = read_inside(os.path.realpath(document.file), root, MAX_FILE_BYTES, name=document.file)
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


def plain_copy(value: Any, depth: int = 0) -> Any:
    """A fresh copy of mapping/list data (the caller's stays untouched), depth-capped."""
    if depth > MAX_DEPTH and isinstance(value, Mapping | list | tuple):
        raise spec_error([SpecProblem(DICT_SOURCE, 0, 0, ROOT, f"nested more than {MAX_DEPTH} levels deep")])
    if isinstance(value, Mapping):
        return {key: plain_copy(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_copy(item, depth + 1) for item in value]
    return value


def _byte_position(data: bytes, offset: int) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


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


class Composer:
    """Builds plain data from YAML events, recording positions; refuses what an account file never needs."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()
        self.stack: list[_Frame] = []
        self._tags: dict[tuple[str, tuple[bool, bool]], str] = {}

    def compose(self, text: str) -> Document:
        """Read ``text`` in one pass; raises :class:`SpecError` at the first syntax error."""
        document = self.document
        documents = 0
        try:
            for event in yaml.parse(text, Loader=FAST_LOADER):
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
            raise document.fatal(_mark_position(error.problem_mark), _syntax_message(error, text)) from None
        except yaml.reader.ReaderError as error:
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
                SpecProblem(self.document.file, *position, format_path((*frame.path, key)), message)
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

    def _resolved(self, value: str, implicit: tuple[bool, bool]) -> str:
        """The tag YAML's resolver gives an untagged scalar; repeated values (countries, types) resolve once."""
        key = (value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = self.resolver.resolve(yaml.ScalarNode, value, implicit)
        return tag

    def _construct(self, event: yaml.ScalarEvent) -> tuple[Any, str | None]:
        """A scalar's value as YAML's safe schema reads it, or its text and why it cannot be read."""
        tag = event.tag
        if tag in (None, "!"):
            tag = self._resolved(event.value, event.implicit)
        if tag == STR_TAG:  # most scalars: the text is the value
            return event.value, None
        construct = yaml.constructor.SafeConstructor.yaml_constructors.get(tag)
        if construct is None:
            return event.value, f"unsupported tag {_short_tag(tag)}"
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return construct(self.constructor, node), None
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            reason = (error.problem if isinstance(error, yaml.MarkedYAMLError) else None) or str(error)
            return event.value, f"cannot read {shown(event.value)} as {_short_tag(tag)}: {reason.split(':')[0]}"


def _mark_position(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _character_at(text: str, mark: Any) -> str:
    """The character at a mark (libyaml's marks count characters, as PyYAML's do)."""
    index = mark.index if mark is not None else -1
    return text[index] if 0 <= index < len(text) else ""


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _syntax_message(error: yaml.MarkedYAMLError, text: str) -> str:
    problem = error.problem or "invalid YAML"
    if "\\t" in problem or "tab character" in problem or _character_at(text, error.problem_mark) == "\t":
        return "YAML syntax error: a tab character; indent with spaces"
    message = f"YAML syntax error: {problem}"
    if error.context and error.context_mark:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    return message
