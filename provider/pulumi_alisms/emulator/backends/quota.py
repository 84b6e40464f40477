"""The package quota alert: the remaining resource-package quota (messages) below which contacts are alerted."""

from pulumi_alisms.emulator.backends._base import Backend

SCHEMA = """
CREATE TABLE IF NOT EXISTS pkg_thresholds (account TEXT PRIMARY KEY, package_warning_limit INTEGER);
"""


class QuotaBackend(Backend):
    """The account's package quota alert: the only code that reads or writes the ``pkg_thresholds`` table."""

    def set(self, warning_limit: int | None) -> None:
        """Set the alert, or clear it (``None``)."""
        self.ctx.db.execute(
            "INSERT INTO pkg_thresholds (account, package_warning_limit) VALUES (?, ?) "
            "ON CONFLICT (account) DO UPDATE SET package_warning_limit = excluded.package_warning_limit",
            (self.ctx.account, warning_limit),
        )

    def get(self) -> int | None:
        """The alert's limit, or ``None`` while none is set."""
        row = self.ctx.db.execute(
            "SELECT package_warning_limit FROM pkg_thresholds WHERE account = ?", (self.ctx.account,)
        ).fetchone()
        return None if row is None else row["package_warning_limit"]
