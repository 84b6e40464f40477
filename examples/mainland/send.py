"""Send with the approved signature and template (SendSms), then read the delivery record (QuerySendDetails).

    python send.py wait-template NAME                  # until the template NAME is reviewed (step 7)
    python send.py send SIGNATURE TEMPLATE_NAME PHONE  # one message to a mainland number, then its delivery

It talks to the account of Pulumi.dev.yaml (``alisms:*``) through ``pulumi_alisms.api``, as any sending service
would. A failure is one line, exit 1: before the signature's carrier registration SendSms answers
PORT_NOT_REGISTERED.
"""

import secrets
import sys
import time
from datetime import datetime
from pathlib import Path

import yaml

from pulumi_alisms.api.account import AccountClient, open_account
from pulumi_alisms.api.config import AccountSettings
from pulumi_alisms.api.templates import Template
from pulumi_alisms.errors import AliSmsError
from pulumi_alisms.rules.mainland import BEIJING
from pulumi_alisms.rules.statuses import ReviewStatus

PROJECT_DIR = Path(__file__).resolve().parent
TIMEOUT_SECONDS = 60.0


def account() -> AccountClient:
    """The stack's account (the embedded one: its state file is relative to this directory)."""
    settings = yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text())["config"]
    return open_account(AccountSettings.resolve({k: v for k, v in settings.items() if k.startswith("alisms:")}))


def template_named(client: AccountClient, name: str) -> Template:
    """The account's template ``name``, with its review state."""
    for summary in client.templates.list_all():
        template = client.templates.get(summary.template_code) if summary.name == name else None
        if template is not None:
            return template
    raise AliSmsError(f"no template named {name!r} in the account: apply the program first (run.sh)")


def wait_template(client: AccountClient, name: str) -> None:
    """Poll until the template is reviewed; fail on a rejection."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while (template := template_named(client, name)).status == ReviewStatus.UNDER_REVIEW:
        if time.monotonic() > deadline:
            raise AliSmsError(f"template {name!r} is still under review after {TIMEOUT_SECONDS:.0f}s")
        time.sleep(1)
    if template.status != ReviewStatus.APPROVED:
        raise AliSmsError(f"template {name!r} is {template.status}: {template.status_reason}")
    print(f"template {name!r} ({template.template_code}): {template.status}")


def send(client: AccountClient, signature: str, template_name: str, phone: str) -> None:
    """Send one OTP, then poll its delivery record until the carrier reports it."""
    template = template_named(client, template_name)
    biz_id = client.mainland_sending.send([phone], signature, template.template_code,
                                          {"code": f"{secrets.randbelow(10**6):06d}"})  # fmt: skip
    print(f"SendSms: accepted, BizId {biz_id}")
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        page = client.mainland_sending.details(phone, datetime.now(BEIJING).date(), biz_id=biz_id)
        record = next(iter(page.items), None)
        if record is not None and record.status != "sending":
            break
        if time.monotonic() > deadline:
            raise AliSmsError(f"message {biz_id} is still being delivered after {TIMEOUT_SECONDS:.0f}s")
        time.sleep(1)
    outcome = "delivered" if record.status == "sent" else f"failed ({record.error_code})"
    print(f"QuerySendDetails: {outcome}, received at {record.received_at}")
    if record.status != "sent":
        raise AliSmsError(f"message {biz_id} was not delivered: {record.error_code}")


def main(argv: list[str]) -> int:
    client = account()
    try:
        if argv[:1] == ["wait-template"] and len(argv) == 2:
            wait_template(client, argv[1])
        elif argv[:1] == ["send"] and len(argv) == 4:
            send(client, *argv[1:])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except AliSmsError as error:
        print(f"send.py: {error}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
