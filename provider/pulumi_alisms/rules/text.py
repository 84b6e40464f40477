"""Text that reaches a terminal: the characters no name, key or id may hold, and how to show them visibly.

A character that moves the cursor, hides text or reverses its direction lets a name forge what a reviewer reads
(``Welcome\\x1b[8m`` hides the rest of a ``alisms plan`` row; ``\\n`` or ``\\x1b[1A`` forge or erase rows).
Unsafe: C0 controls (0x00-0x1F), DEL, C1 controls (0x80-0x9F), the Unicode line and paragraph separators, and
the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A-U+202E,
U+2066-U+2069). Single-line fields hold none of them; message content and sample templates may break lines
(``\\n`` or ``\\r\\n``) and hold nothing else of them.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_alisms.rules.problems import Problem

UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("\r?\n")


def control_character_problems(field: str, value: str, *, multiline: bool = False) -> list[Problem]:
    """A text field holds no control or bidirectional character (line breaks too, unless ``multiline``).

    The message names the first such character by code point and never repeats the value."""
    text = _LINE_BREAK.sub("", value) if multiline else value
    found = UNSAFE_CHARACTERS.search(text)
    if found is None:
        return []
    what = "line breaks (\\n) and no other" if multiline else "no"
    return [Problem(field, f"contains the character U+{ord(found.group()):04X}: it may hold {what} control "
                           "or bidirectional-override characters")]  # fmt: skip


@dataclass(frozen=True)
class TextRule:
    """What the service accepts in one text field: at most ``max_length`` characters, on one line unless
    ``multiline``, not blank if ``non_blank``. The emulator refuses by these rules and ``check`` applies them."""

    max_length: int | None = None
    multiline: bool = False
    non_blank: bool = False

    def problems(self, field: str, value: str | None) -> list[Problem]:
        """The rule's problems with ``value`` (``None``, not set, is fine)."""
        if value is None:
            return []
        if self.non_blank and not value.strip():
            return [Problem(field, "must not be blank")]
        problems = control_character_problems(field, value, multiline=self.multiline)
        if self.max_length is not None and len(value) > self.max_length:
            problems.append(Problem(field, f"at most {self.max_length} characters, got {len(value)}"))
        return problems


def text_problems(rules: Mapping[str, TextRule], values: Mapping[str, Any]) -> list[Problem]:
    """Each rule of ``rules`` (by field) applied to that field of ``values``: the check side of a table."""
    return [problem for field, rule in rules.items() for problem in rule.problems(field, values.get(field))]


def visible(text: str) -> str:
    """``text`` with every unsafe character written as a backslash escape (``\\x1b``, ``\\u202e``), as ``repr``
    writes it, so that what a terminal shows is what the text holds."""
    return UNSAFE_CHARACTERS.sub(lambda found: _escape(found.group()), text)


def _escape(character: str) -> str:
    code = ord(character)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(character) or (
        f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    )
