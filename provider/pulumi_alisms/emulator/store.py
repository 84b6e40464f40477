"""Durable account state: one SQLite file in WAL mode, one transaction per operation.

The store creates every backend's tables (:data:`~pulumi_alisms.emulator.backends.SCHEMAS`) and owns
its own three: emulator settings, the signature nonces seen, and the call counters.

Safe across threads (a connection per thread) and processes (SQLite file locking with a busy
timeout). ``BEGIN IMMEDIATE`` takes the write lock up front so concurrent operations queue instead
of failing with a lock upgrade error.
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS counters (action TEXT PRIMARY KEY, calls INTEGER NOT NULL);
"""


class Store:
    """The emulator's SQLite database file; hand out per-thread connections and transactions."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # Imported here, not at the top: the backends use the clock, which reads its settings from a Store.
        from pulumi_alisms.emulator.backends import SCHEMAS

        self.connection().executescript("".join((SCHEMA, *SCHEMAS)))

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode; transactions are explicit)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                 check_same_thread=False)  # fmt: skip
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def setting(self, key: str, default: str) -> str:
        """A stored emulator setting (review speed, clock offset)."""
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

    @staticmethod
    def forget_nonces(db: sqlite3.Connection, seen_before: float) -> None:
        """Drop the nonces seen before ``seen_before`` (too old to be replayed: the timestamp check refuses them)."""
        db.execute("DELETE FROM nonces WHERE seen_at < ?", (seen_before,))

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
