"""Durable account state: one SQLite file in WAL mode, one transaction per operation.

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
CREATE TABLE IF NOT EXISTS templates (
    account TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, type INTEGER NOT NULL,
    intl_type INTEGER, content TEXT NOT NULL, remark TEXT, status TEXT NOT NULL, reject_info TEXT,
    order_id TEXT NOT NULL, created_at REAL NOT NULL, decide_at REAL, reviewed_at REAL,
    PRIMARY KEY (account, code));
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, name TEXT NOT NULL, phone TEXT NOT NULL,
    email TEXT NOT NULL, send_warning INTEGER NOT NULL, prevent_brush_warning INTEGER NOT NULL,
    pkg_warning INTEGER NOT NULL, audit_result INTEGER NOT NULL, verified INTEGER NOT NULL DEFAULT 0,
    verification_code TEXT, code_sent_at REAL);
CREATE INDEX IF NOT EXISTS contacts_account ON contacts (account);
CREATE TABLE IF NOT EXISTS thresholds (
    account TEXT NOT NULL, biz_type TEXT NOT NULL, daily_halt INTEGER, daily_warning INTEGER,
    monthly_halt INTEGER, monthly_warning INTEGER, PRIMARY KEY (account, biz_type));
CREATE TABLE IF NOT EXISTS flow_limits (
    account TEXT NOT NULL, biz_type TEXT NOT NULL, minute_limit INTEGER, hour_limit INTEGER,
    daily_limit INTEGER, PRIMARY KEY (account, biz_type));
CREATE TABLE IF NOT EXISTS prev_limits (
    account TEXT PRIMARY KEY, hour_limit INTEGER, increase_rate INTEGER, success_rate INTEGER);
CREATE TABLE IF NOT EXISTS pkg_thresholds (account TEXT PRIMARY KEY, package_warning_limit INTEGER);
CREATE TABLE IF NOT EXISTS registrations (
    account TEXT NOT NULL, id TEXT NOT NULL, country TEXT NOT NULL, sender_id TEXT NOT NULL,
    company_name TEXT NOT NULL, website TEXT, use_case TEXT NOT NULL, business_info TEXT NOT NULL,
    samples TEXT NOT NULL, documents TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT,
    client_token TEXT, submitted_at REAL NOT NULL, updated_at REAL NOT NULL, next_step_at REAL,
    documents_due_at REAL, reviewed_at REAL, PRIMARY KEY (account, id));
CREATE UNIQUE INDEX IF NOT EXISTS registrations_token ON registrations (account, client_token);
CREATE INDEX IF NOT EXISTS registrations_country ON registrations (account, country, status);
CREATE TABLE IF NOT EXISTS messages (
    account TEXT NOT NULL, message_id TEXT NOT NULL, to_number TEXT NOT NULL, sender TEXT,
    country TEXT, biz_type TEXT NOT NULL, body TEXT NOT NULL, kind TEXT NOT NULL, template_code TEXT,
    status TEXT NOT NULL, error_code TEXT, segments INTEGER NOT NULL, sent_at REAL NOT NULL,
    PRIMARY KEY (account, message_id));
CREATE INDEX IF NOT EXISTS messages_usage ON messages (account, biz_type, sent_at);
CREATE INDEX IF NOT EXISTS messages_number ON messages (account, to_number, sent_at);
CREATE TABLE IF NOT EXISTS alerts_sent (
    account TEXT NOT NULL, kind TEXT NOT NULL, period TEXT NOT NULL, PRIMARY KEY (account, kind, period));
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, channel TEXT NOT NULL,
    recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL);
"""


class Store:
    """The emulator's SQLite database file; hand out per-thread connections and transactions."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        from pulumi_alisms.emulator.backends import SCHEMAS  # the backends' modules import this one

        for schema in (SCHEMA, *SCHEMAS):
            self.connection().executescript(schema)

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
