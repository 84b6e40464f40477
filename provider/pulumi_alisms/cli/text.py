"""Text from an account file or the live service, made safe for a terminal: every control and bidirectional
character written as a visible escape (``rules.text.visible``), so a name cannot hide, forge or erase output."""

import json
from collections.abc import Iterable
from typing import Any

from pulumi_alisms.rules.text import UNSAFE_CHARACTERS, visible

__all__ = ["json_text", "lines", "visible"]


def lines(items: Iterable[object]) -> str:
    """One line per item (a problem, a note), each made visible: no item can break into a second line."""
    return "\n".join(visible(str(item)) for item in items)


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps`` keeping non-ASCII text readable, but with every unsafe character as a ``\\uXXXX`` escape:
    ``json.dumps`` escapes C0 controls only, and leaves DEL, C1 controls and bidi overrides raw."""
    text = json.dumps(value, ensure_ascii=False, **options)  # C0 left raw here is the layout's own "\n"
    return UNSAFE_CHARACTERS.sub(lambda found: _json_escape(found.group()), text)


def _json_escape(character: str) -> str:
    return character if character < " " else f"\\u{ord(character):04x}"
