"""``alisms endpoints``: the URL each API product is called at, for CI egress allow-lists."""

import argparse
import json

from pulumi_alisms.cli import CliError, Commands, table
from pulumi_alisms.cli.gitops import add_output_option

EMBEDDED_TEXT = "embedded (in-process, no network)"


def register(commands: Commands) -> None:
    """Add ``alisms endpoints``."""
    parser = commands.add_parser(
        "endpoints",
        help="print the URL each API product is called at (for egress allow-lists)",
        description="Print, per API product, the URL this configuration calls: with --endpoint alibaba each "
        "product's host in the region (as the official SDKs resolve it), else the one URL given.",
    )
    parser.add_argument("--endpoint", metavar="URL",
                        help="embedded, alibaba or an http(s) URL (default: $ALISMS_ENDPOINT)")  # fmt: skip
    parser.add_argument("--region", metavar="REGION",
                        help="the region (default: $ALIBABA_CLOUD_REGION_ID, else ap-southeast-1)")  # fmt: skip
    add_output_option(parser)
    parser.set_defaults(handler=_endpoints)


def _endpoints(args: argparse.Namespace) -> int:
    from pulumi_alisms.api.config import AccountSettings
    from pulumi_alisms.errors import ConfigurationError

    settings = AccountSettings.resolve({"alisms:endpoint": args.endpoint, "alisms:regionId": args.region})
    try:
        settings.validate()
    except ConfigurationError as error:
        raise CliError(str(error)) from None
    urls = {key: EMBEDDED_TEXT if settings.embedded else url for key, url in settings.urls().items()}
    if args.output == "json":
        print(json.dumps(urls, indent=2))
    else:
        print(table(["API product", "URL"], list(urls.items())))
    return 0
