"""Durable account state: one SQLite file in WAL mode, one transaction per operation.

The store creates every backend's tables (:data:`~pulumi_alisms.emulator.backends.SCHEMAS`) and owns
its own three: emulator settings, the signature nonces seen, and the call counters.

Safe across threads (a connection per thread) and processes (SQLite file locking with a busy
timeout). ``BEGIN IMMEDIATE`` takes the write lock up front so concurrent operations queue instead
of failing with a lock upgrade error.

The file holds personal data (contacts' phone numbers and emails, pending verification codes): the
store creates it 0600 (SQLite gives ``-wal`` and ``-shm`` the database file's mode) in folders it
creates 0700. ``Store(path, read_only=True)`` reads a copy and never writes the file.
"""

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_MS = 30_000
# Tables every emulator account has had since its first version: what tells an account from another SQLite file.
ACCOUNT_TABLES = frozenset({"settings", "nonces", "counters"})

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_by_age ON nonces (seen_at);
CREATE TABLE IF NOT EXISTS counters (action TEXT PRIMARY KEY, calls INTEGER NOT NULL);
"""


class SnapshotBusy(Exception):
    """A read transaction (``transaction(write=False)``) tried to write after another writer committed."""


class StateFileError(Exception):
    """The state file cannot be opened as an emulator account; the message is one line naming the file."""


class Store:
    """The emulator's SQLite database file; hand out per-thread connections and transactions.

    ``read_only=True`` opens the file with SQLite's ``mode=ro``, refuses a file that is not an emulator
    account, and serves an in-memory copy taken at open: operations run (recording nonces and counters,
    moving reviews on) against the copy, and the file is never written. A missing file, a directory, an
    unreadable file or one that is not an emulator account raises :class:`StateFileError`, in both modes.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._local = threading.local()
        # Imported here, not at the top: the backends use the clock, which reads its settings from a Store.
        from pulumi_alisms.emulator.backends import SCHEMAS

        self._copy: sqlite3.Connection | None = None
        # The copy is one connection shared by every thread: one transaction (or read) at a time.
        self._serialized: AbstractContextManager[Any] = threading.RLock() if read_only else nullcontext()
        with _state_file_errors(self.path):
            if read_only:
                self._copy = _read_only_copy(self.path)
            else:
                self._local.db = _open_for_writing(self.path)
            # For a copy, tables an older file lacks exist in memory only.
            self.connection().executescript("".join((SCHEMA, *SCHEMAS)))

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode; transactions are explicit)."""
        if self._copy is not None:
            return self._copy
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            with _state_file_errors(self.path):
                db = _configure(_connect(self.path))
            self._local.db = db
        return db

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back if it raises.

        ``write=True`` takes the write lock up front (concurrent writers queue). ``write=False`` reads a
        snapshot without the lock, so readers never wait for one another or for a writer; a write inside it
        needs the lock then, and raises :class:`SnapshotBusy` if the snapshot can no longer take it (another
        process or thread wrote since): run the block again with ``write=True``.
        """
        with self._serialized:
            db = self.connection()
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
            try:
                yield db
            except sqlite3.OperationalError as error:
                db.execute("ROLLBACK")
                if not write and (error.sqlite_errorname or "").startswith("SQLITE_BUSY"):
                    raise SnapshotBusy() from error
                raise
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def setting(self, key: str, default: str) -> str:
        """A stored emulator setting (review speed, clock offset)."""
        with self._serialized:
            row = self.connection().execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row["value"]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Store an emulator setting."""
        with self.transaction() as db:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                       (key, value, value))  # fmt: skip

    @staticmethod
    @contextmanager
    def savepoint(db: sqlite3.Connection) -> Iterator[None]:
        """Undo the block's writes if it raises, keeping the rest of the open transaction ``db``."""
        db.execute("SAVEPOINT operation")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK TO operation")
            raise
        finally:
            db.execute("RELEASE operation")

    @staticmethod
    def use_nonce(db: sqlite3.Connection, nonce: str, seen_at: float) -> bool:
        """Record a signature nonce in the open transaction ``db``; ``False`` if it was used before."""
        inserted = db.execute("INSERT OR IGNORE INTO nonces (nonce, seen_at) VALUES (?, ?)", (nonce, seen_at))
        return inserted.rowcount == 1

    def forget_nonces(self, seen_before: float) -> None:
        """Drop the nonces seen before ``seen_before`` (too old to be replayed: the timestamp check refuses them),
        and give the pages they held back to the file system (files created since incremental vacuum)."""
        with self.transaction() as db:
            db.execute("DELETE FROM nonces WHERE seen_at < ?", (seen_before,))
        with self._serialized:
            # Outside the transaction, and through executescript: execute() stops the pragma after one page.
            self.connection().executescript("PRAGMA incremental_vacuum;")

    @staticmethod
    def count_call(db: sqlite3.Connection, action: str) -> None:
        """Count one call of ``action`` in the open transaction ``db``."""
        db.execute(
            "INSERT INTO counters (action, calls) VALUES (?, 1) ON CONFLICT (action) DO UPDATE SET calls = calls + 1",
            (action,),
        )

    def call_counts(self) -> dict[str, int]:
        """Calls per action since the counters were last reset, by action name."""
        rows = self.connection().execute("SELECT action, calls FROM counters ORDER BY action").fetchall()
        return {str(row["action"]): int(row["calls"]) for row in rows}

    def reset_call_counts(self) -> None:
        """Set every action's call counter back to zero."""
        with self.transaction() as db:
            db.execute("DELETE FROM counters")


def _connect(path: str, *, uri: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False,
                         uri=uri)  # fmt: skip
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def _open_for_writing(path: str) -> sqlite3.Connection:
    """A connection to the account in ``path``, created (privately) if the file does not exist."""
    if path == ":memory:":
        return _configure(_connect(path))
    _create_private(Path(path))
    db = _connect(path)
    _require_account(db, path, new_allowed=True)
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        # Only a file without tables can take it: lets forget_nonces shrink the file as the replay window passes.
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")
    if not os.access(path, os.W_OK):
        raise StateFileError(f"cannot use the state file {path}: it is read-only")
    return _configure(db)


def _configure(db: sqlite3.Connection) -> sqlite3.Connection:
    """WAL mode (a write to a file not yet in it: only once the file is known to be an account)."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def _create_private(path: Path) -> None:
    """Create the missing folders of ``path`` (0700) and the empty database file (0600)."""
    missing = [folder for folder in path.parents if not folder.exists()]
    try:
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, IsADirectoryError):
        pass  # an existing file keeps its mode; a directory is refused when it is opened
    except OSError as error:
        raise StateFileError(f"cannot create the state file {path}: {error.strerror}") from None


def _require_account(db: sqlite3.Connection, path: str, *, new_allowed: bool) -> None:
    """Refuse a SQLite file that is not an emulator account (a new, empty one too unless ``new_allowed``)."""
    tables = {str(row[0]) for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables >= ACCOUNT_TABLES or (new_allowed and not tables):
        return
    what = "an empty database" if not tables else "a database with other tables"
    raise StateFileError(f"cannot use the state file {path}: it is {what}, not an emulator account")


def _read_only_copy(path: str) -> sqlite3.Connection:
    """An in-memory copy of the account in ``path``, read through a ``mode=ro`` connection."""
    if not os.path.lexists(path):
        raise StateFileError(f"no emulator state file at {path}")
    source = _connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        _require_account(source, path, new_allowed=False)
        copy = _connect(":memory:")
        source.backup(copy)
    finally:
        source.close()
    return copy


@contextmanager
def _state_file_errors(path: str) -> Iterator[None]:
    """SQLite's failures to open ``path`` as :class:`StateFileError`, saying what is wrong with the file."""
    try:
        yield
    except sqlite3.Error as error:
        raise StateFileError(f"cannot use the state file {path}: {_what_is_wrong(path, error)}") from None


def _what_is_wrong(path: str, error: sqlite3.Error) -> str:
    if os.path.isdir(path):
        return "it is a directory"
    if os.path.exists(path) and not os.access(path, os.R_OK):
        return "it cannot be read (permission denied)"
    code = error.sqlite_errorname or ""
    if code == "SQLITE_NOTADB":
        return "it is not a database"
    if code.startswith("SQLITE_READONLY"):
        return "it is read-only"
    return str(error)
