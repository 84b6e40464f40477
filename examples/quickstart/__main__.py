"""Quickstart: declare what an international SMS sender needs, on the embedded emulator account.

Run it with `make quickstart` from the repository root. Then play the carrier:

    alisms emulator approve <registration id>   # or: alisms emulator reject <id> --reason "..."
    pulumi refresh                               # records the new status; `pulumi up` then shows no changes
"""

import pulumi

from pulumi_alisms import (
    AlertContact,
    AlertContactArgs,
    MessageTemplate,
    MessageTemplateArgs,
    SenderId,
    SenderIdArgs,
    SuspensionThreshold,
    SuspensionThresholdArgs,
)

config = pulumi.Config()

# The template you will really send. International templates: intl_type 0 notification, 1 promotional, 2 OTP.
login_code = MessageTemplate(
    "login-code",
    MessageTemplateArgs(
        name="Login code",
        type="international",
        intl_type=2,
        content="Your Acme code is ${code}. It expires in 5 minutes.",
        remark="One-time password for signing in to the Acme app",
    ),
)

# Indonesia requires a registered SenderID and documents. `up` submits the registration and returns
# with the pending status; uploads happen on a later `up` once the carrier has rendered the forms.
acme_id = SenderId(
    "acme-id",
    SenderIdArgs(
        country="ID",
        sender_id="ACMEPAY",
        company_name="Acme Pay Ltd",
        website="https://acme.example",
        use_case="otp",
        sample_templates=["Your Acme code is 482913. It expires in 5 minutes."],
        documents=[{"type": "business_license", "path": "documents/business-license.pdf"}],
        # An approved sender ID takes weeks to re-register: `pulumi destroy` refuses to delete it unless
        # you set `pulumi config set deletionProtection false` first.
        deletion_protection=config.get_bool("deletionProtection"),
    ),
)

# No suspension threshold is set by default: set one so fraud cannot run up the bill.
limits = SuspensionThreshold(
    "international-limits",
    SuspensionThresholdArgs(
        biz_type="international",
        daily_warning=8000,
        daily_suspend=10000,
        monthly_warning=200000,
        monthly_suspend=250000,
    ),
)

# Creating the contact texts a verification code to the phone (see `alisms emulator outbox`).
# Store it with `pulumi config set --secret oncallVerificationCode <code>` and run `pulumi up` again.
oncall = AlertContact(
    "oncall",
    AlertContactArgs(
        name="On-call SRE",
        phone="+8613800000000",
        email="sre@example.com",
        alerts=["send_volume", "fraud_prevention"],
        verification_code=config.get_secret("oncallVerificationCode"),
    ),
)

pulumi.export("template_code", login_code.template_code)
pulumi.export("template_status", login_code.status)
pulumi.export("registration_id", acme_id.registration_id)
pulumi.export("sender_id_status", acme_id.status)
pulumi.export("oncall_verified", oncall.verified)
