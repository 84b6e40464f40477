"""Reading the local files that account files and resources name, which a stranger's pull request may write.

A document path is relative and resolves (symlinks followed) inside a root: the directory that holds the account
file while ``spec`` validates it, else the working directory (a Pulumi program's and its provider host's is the
project directory). It names a regular file of at most ``MAX_DOCUMENT_BYTES``. :func:`document_problem` checks
this offline; :func:`read_document` checks again and reads without following any symlink swapped in since: each
resolved component is opened with ``O_NOFOLLOW`` from the root down, the open file is ``fstat``-ed, and at most
the cap plus one byte is read. Refusals never say whether a path outside the root exists.
"""

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pulumi_alisms.errors import LocalFileError
from pulumi_alisms.rules.documents import MAX_DOCUMENT_BYTES, is_inside, is_relative_text, outside_message, shown_path
from pulumi_alisms.rules.problems import Problem
from pulumi_alisms.rules.text import control_character_problems

_ROOT: ContextVar[str | None] = ContextVar("alisms_document_root", default=None)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_WALKS = _NO_FOLLOW != 0 and os.open in os.supports_dir_fd  # POSIX: open component by component


def document_root() -> str:
    """The directory document paths are relative to now: the account file's while it validates, else the cwd."""
    return _ROOT.get() or os.getcwd()


@contextmanager
def documents_relative_to(directory: str) -> Iterator[None]:
    """Within the block, document paths are relative to ``directory`` (``spec`` sets the account file's)."""
    token = _ROOT.set(os.path.abspath(directory))
    try:
        yield
    finally:
        _ROOT.reset(token)


def document_problem(path: str, root: str | None = None) -> str | None:
    """Why ``path`` may not be uploaded from ``root`` (default :func:`document_root`), or ``None``."""
    try:
        real, _ = _resolved(path, root)
        return _file_problem(path, os.stat(real), limit=MAX_DOCUMENT_BYTES)
    except LocalFileError as error:
        return str(error)
    except (FileNotFoundError, NotADirectoryError):
        return f"no such file: {shown_path(path)}"
    except OSError as error:  # the file system refuses to look the path up (a loop, a name too long)
        return f"cannot read {shown_path(path)!r}: {error.strerror or error}"


def document_path_problems(field: str, path: str) -> list[Problem]:
    """The problems of a declared document ``path``, named ``field``: a control character, else
    :func:`document_problem` (from :func:`document_root`)."""
    if control := control_character_problems(field, path):
        return control
    problem = document_problem(path)
    return [] if problem is None else [Problem(field, problem)]


def read_document(path: str, root: str | None = None) -> bytes:
    """The content of a document, checked again as it is read; raises :class:`LocalFileError` (one line)."""
    problem = document_problem(path, root)
    if problem is not None:
        raise LocalFileError(problem)
    real, real_root = _resolved(path, root)
    try:
        content = read_inside(real, real_root, MAX_DOCUMENT_BYTES, name=path)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
        raise LocalFileError(f"{shown_path(path)} changed since it was checked: {error.strerror}") from None
    except OSError as error:  # ELOOP: a component became a symlink
        raise LocalFileError(f"cannot read {shown_path(path)}: it changed since it was checked "
                             f"({error.strerror or error})") from None  # fmt: skip
    if len(content) > MAX_DOCUMENT_BYTES:  # it grew since it was checked
        raise LocalFileError(f"{shown_path(path)} is over {MAX_DOCUMENT_BYTES} bytes ({MAX_DOCUMENT_BYTES >> 20} MiB), "
                             "the limit per file")  # fmt: skip
    return content


def read_inside(real: str, real_root: str, limit: int, *, name: str) -> bytes:
    """At most ``limit`` + 1 bytes of the regular file at ``real``, a resolved path inside the resolved ``real_root``.

    On POSIX no component below the root is followed if it is a symlink (so a swap after the check is refused);
    raises :class:`LocalFileError` for anything but a regular file, ``OSError`` when the file system refuses.
    ``name`` is the path as written, for messages.
    """
    if not is_inside(real, real_root):
        raise LocalFileError(outside_message(name, real_root))
    descriptor = _open_no_follow(real, real_root) if _WALKS else os.open(real, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as stream:
        problem = _file_problem(name, os.fstat(stream.fileno()), limit=None)
        if problem is not None:
            raise LocalFileError(problem)
        return stream.read(limit + 1)


def _resolved(path: str, root: str | None) -> tuple[str, str]:
    """``path`` resolved against ``root``, and the resolved root; refuses absolute paths and escapes alike."""
    real_root = os.path.realpath(root or document_root())
    if not is_relative_text(path):
        raise LocalFileError(outside_message(path, real_root))
    real = os.path.realpath(os.path.join(real_root, path))
    if not is_inside(real, real_root):
        raise LocalFileError(outside_message(path, real_root))
    return real, real_root


def _file_problem(name: str, status: os.stat_result, *, limit: int | None) -> str | None:
    if not stat.S_ISREG(status.st_mode):
        return f"{shown_path(name)} is not a regular file"
    if limit is not None and status.st_size > limit:
        return f"{shown_path(name)} is {status.st_size} bytes; at most {limit} bytes ({limit >> 20} MiB) per file"
    return None


def _open_no_follow(real: str, real_root: str) -> int:
    """Open ``real`` from ``real_root`` one component at a time, never following a symlink (nor blocking on a FIFO)."""
    parts = [part for part in os.path.relpath(real, real_root).split(os.sep) if part not in ("", ".")]
    directory = os.open(real_root, _OPEN_FLAGS | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            below = os.open(part, _OPEN_FLAGS | os.O_DIRECTORY | _NO_FOLLOW, dir_fd=directory)
            os.close(directory)
            directory = below
        last = parts[-1] if parts else "."
        return os.open(last, _OPEN_FLAGS | _NO_FOLLOW | os.O_NONBLOCK, dir_fd=directory)
    finally:
        os.close(directory)
