"""Where things stand in an account file: every problem as ``FILE:LINE:COL: path.to.field: message``, and the
document being read with the position of each key and value."""

import re
from dataclasses import dataclass, field
from typing import Any

from pulumi_alisms.errors import SpecError

ROOT = "(root)"
KeyPath = tuple[Any, ...]  # mapping keys and list indexes, e.g. ("sender_ids", "acme", "documents", 0)
Position = tuple[int, int]  # 1-based line and column; (0, 0) when unknown
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_PART_BOUNDARY = re.compile(r"(?<=.)[.\[]")


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


@dataclass
class Document:
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
        self.problems.append(SpecProblem(self.file, *position, format_path(path), message))

    def covered(self, problems: list[SpecProblem]) -> list[SpecProblem]:
        """``problems`` less those about a value already reported as unreadable (they would only repeat that).

        Linear: each problem's path is looked up by its prefixes in a set, not compared with every value.
        """
        unreadable = {format_path(path) for path in self.unreadable}
        return [problem for problem in problems
                if not any(prefix in unreadable for prefix in _path_prefixes(problem.path))]  # fmt: skip

    def fatal(self, position: Position, message: str) -> SpecError:
        """The error that stops reading: ``message`` concerns the whole file."""
        self.problems.append(SpecProblem(self.file, *position, ROOT, message))
        return spec_error(self.problems)

    def _nearest(self, path: KeyPath) -> Position:
        for end in range(len(path), -1, -1):
            if path[:end] in self.where:
                return self.where[path[:end]]
        return (0, 0)


def _path_prefixes(path: str) -> list[str]:
    """``a.b[0].c`` -> ``a``, ``a.b``, ``a.b[0]``, ``a.b[0].c``."""
    return [path[: match.start()] for match in _PART_BOUNDARY.finditer(path)] + [path]


def spec_error(problems: list[SpecProblem]) -> SpecError:
    """The error listing ``problems`` by position in the file, each once."""
    return SpecError(sorted(dict.fromkeys(problems), key=lambda problem: (problem.line, problem.col)))


def field_path(field_name: str) -> KeyPath:
    """``documents[0].path`` -> ``("documents", 0, "path")``."""
    return tuple(int(index) if index else name for name, index in _FIELD_PART.findall(field_name))


def format_path(path: KeyPath) -> str:
    """``("sender_ids", "acme", "sample_templates", 2)`` -> ``sender_ids.acme.sample_templates[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or ROOT
