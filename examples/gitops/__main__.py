"""GitOps: the account is account.yaml; this program only turns it into resources.

Pull requests change account.yaml; CI runs `alisms validate` and `pulumi preview` on them and `pulumi up`
after the merge (examples/github-actions/alisms.yml). Run it from the repository root, whose Pulumi.yaml
runs this directory, or from here.
"""

import pulumi

from pulumi_alisms import SmsAccount
from pulumi_alisms.spec import load_account

config = pulumi.Config()
account = load_account("account.yaml")

# A new contact is texted a verification code; `pulumi config set --secret <key>VerificationCode <code>`
# then `pulumi up` verifies it. Codes are secrets, so they live in stack config, not in account.yaml.
codes = {key: config.get_secret(f"{key}VerificationCode") for key in account.contacts}
prod = SmsAccount(
    "prod", spec=account, verification_codes={key: code for key, code in codes.items() if code is not None}
)

pulumi.export("sender_id_status", prod.sender_statuses)
pulumi.export("registration_ids", prod.registration_ids)
pulumi.export("template_codes", prod.template_codes)
pulumi.export("contacts_verified", {key: contact.verified for key, contact in prod.contacts.items()})
