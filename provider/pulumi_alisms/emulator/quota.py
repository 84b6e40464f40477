"""Package quota alert (Dysms 2017-06-20): CreatePkgThresholdNew, QueryPkgThresholdNew.

``PackageWarningLimit`` is the remaining resource-package quota (messages) below which the contacts with
``OpenPkgWarning`` are alerted. A call without it clears the alert; QueryPkgThresholdNew leaves the field out
while no alert is set. CreatePkgThresholdNew answers ``Result`` as a string, as the SDK model types it.
"""

from typing import Any

from pulumi_alisms.emulator.context import Context
from pulumi_alisms.emulator.thresholds import MAX_LIMIT

VERSION = "2017-06-20"


def create_pkg_threshold(ctx: Context) -> dict[str, Any]:
    """Set (or, without a value, clear) the package quota alert."""
    limit = ctx.params.integer("PackageWarningLimit", low=0, high=MAX_LIMIT)
    ctx.db.execute(
        "INSERT INTO pkg_thresholds (account, package_warning_limit) VALUES (?, ?) "
        "ON CONFLICT (account) DO UPDATE SET package_warning_limit = excluded.package_warning_limit",
        (ctx.account, limit),
    )
    return {"Result": "true"}


def query_pkg_threshold(ctx: Context) -> dict[str, Any]:
    """The package quota alert, absent while none is set."""
    row = ctx.db.execute(
        "SELECT package_warning_limit FROM pkg_thresholds WHERE account = ?", (ctx.account,)
    ).fetchone()
    if row is None or row["package_warning_limit"] is None:
        return {}
    return {"PackageWarningLimit": row["package_warning_limit"]}


OPERATIONS = {
    "CreatePkgThresholdNew": create_pkg_threshold,
    "QueryPkgThresholdNew": query_pkg_threshold,
}
