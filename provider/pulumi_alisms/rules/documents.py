"""Document paths as text: the pure half of the rule for files an account file or a resource names.

A document path is relative (no leading ``/`` or ``\\``, no drive such as ``C:``), holds no NUL, and must
resolve inside a root directory; the file-system half (symlinks, file type, size) is ``pulumi_alisms.documents``.
"""

import ntpath
import os

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # per uploaded document: Alibaba's 10 MB per file (docs/api.md)
MAX_SHOWN_PATH = 80


def shown_path(path: str) -> str:
    """A path for a message: as written, cut to a readable length."""
    return path if len(path) <= MAX_SHOWN_PATH else path[: MAX_SHOWN_PATH - 3] + "..."


def outside_message(path: str, root: str) -> str:
    """The one refusal of a path that is absolute or leaves ``root``: it never says whether the target exists."""
    return f"{shown_path(path)!r} is not inside {root}: a document path is relative to that directory and stays in it"


def is_relative_text(path: str) -> bool:
    """Whether ``path`` is written as a relative path on every platform (and holds no NUL)."""
    return bool(path) and "\0" not in path and not path.startswith(("/", "\\")) and not ntpath.splitdrive(path)[0]


def is_inside(path: str, root: str) -> bool:
    """Whether the normalized absolute ``path`` is ``root`` or below it (both already resolved)."""
    path, root = os.path.normcase(path), os.path.normcase(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
