"""Package quota alert (Dysms 2017-06-20): CreatePkgThresholdNew, QueryPkgThresholdNew.

``PackageWarningLimit`` is the remaining resource-package quota (messages) below which the contacts with
``OpenPkgWarning`` are alerted. A call without it clears the alert; QueryPkgThresholdNew leaves the field out
while no alert is set. CreatePkgThresholdNew answers ``Result`` as a string, as the SDK model types it.
"""

from typing import Any

from pulumi_alisms.emulator.backends.quota import QuotaBackend
from pulumi_alisms.emulator.context import Context
from pulumi_alisms.rules.limits import MAX_LIMIT

VERSION = "2017-06-20"


def create_pkg_threshold(ctx: Context) -> dict[str, Any]:
    """Set (or, without a value, clear) the package quota alert."""
    QuotaBackend(ctx).set(ctx.params.integer("PackageWarningLimit", low=0, high=MAX_LIMIT))
    return {"Result": "true"}


def query_pkg_threshold(ctx: Context) -> dict[str, Any]:
    """The package quota alert, absent while none is set."""
    limit = QuotaBackend(ctx).get()
    return {} if limit is None else {"PackageWarningLimit": limit}


OPERATIONS = {
    "CreatePkgThresholdNew": create_pkg_threshold,
    "QueryPkgThresholdNew": query_pkg_threshold,
}
