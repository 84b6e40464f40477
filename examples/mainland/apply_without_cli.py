"""Apply this Pulumi program without the Pulumi CLI, through the real provider protocol.

``python apply_without_cli.py [STACK]``: what ``run.sh`` does when ``pulumi`` is not on PATH. Not a Pulumi
engine: see ``pulumi_alisms.protocol_apply`` for what it does and refuses. Its state is
``.alisms/protocol-state.json`` here (0600, folder 0700: it holds contacts' phones and emails). Config comes
from ``Pulumi.<stack>.yaml`` and, secret values too, from ``PULUMI_CONFIG`` (a JSON object) with the secret
keys in ``PULUMI_CONFIG_SECRET_KEYS`` (a JSON list), as the CLI passes it.
"""

import sys
from pathlib import Path

from pulumi_alisms.protocol_apply import main

if __name__ == "__main__":
    sys.exit(main(Path(__file__).resolve().parent, sys.argv[1:]))
