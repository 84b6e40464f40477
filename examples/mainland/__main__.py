"""The Chinese-mainland workflow: a qualification, a signature under it, an OTP template bound to the signature.

Run it with `make mainland` from the repository root: run.sh applies it in the order Alibaba Cloud's getting-started
guide gives (docs/mainland.md), one stage at a time (config `through`: 1 the qualification, 2 and the signature,
3 and the template; default 3, everything).
"""

import pulumi

from pulumi_alisms import (
    MessageTemplate,
    MessageTemplateArgs,
    Qualification,
    QualificationArgs,
    Signature,
    SignatureArgs,
)

config = pulumi.Config()
through = config.get_int("through") or 3

# The signing entity's documents. Submitting needs the code texted to admin_phone: without certifyCode the
# provider has one sent and stops, saying to set it (`pulumi config set --secret certifyCode <code>`).
qualification = Qualification(
    "entity",
    QualificationArgs(
        name="ExampleTech",
        company_name=config.require("companyName"),
        organization_code=config.require("organizationCode"),
        business_license_validity="2020-01-01~2099-12-31",
        legal_person_name=config.require_secret("legalPersonName"),
        legal_person_id_number=config.require_secret("legalPersonIdNumber"),
        legal_person_id_validity="2020-01-01~2040-01-01",
        admin_name=config.require_secret("adminName"),
        admin_id_number=config.require_secret("adminIdNumber"),
        admin_id_validity="2020-01-01~2040-01-01",
        admin_phone=config.require_secret("adminPhone"),
        documents=[
            {"type": "admin_id_front", "path": "documents/admin-id-front.png"},
            {"type": "admin_id_back", "path": "documents/admin-id-back.png"},
            {"type": "business_license", "path": "documents/business-license.png"},
        ],
        certify_code=config.get_secret("certifyCode"),
        wait_for="approved",  # up to 2 business days for real; seconds on the emulator at review speed `fast`
    ),
)
pulumi.export("qualification_status", qualification.status)
pulumi.export("qualification_next_action", qualification.next_action)

if through >= 2:
    # A company-source signature: part of the qualification's company name. `registered` waits for the carrier
    # registration too (7-10 business days for real): until then sends fail with PORT_NOT_REGISTERED.
    signature = Signature(
        "brand",
        SignatureArgs(
            name="示例科技",
            source="company",
            type="otp",
            qualification_id=qualification.qualification_id,
            wait_for=config.get("signatureWaitFor") or "registered",  # type: ignore[arg-type]
        ),
    )
    pulumi.export("signature_status", signature.status)
    pulumi.export("signature_registered", signature.registered)
    pulumi.export("signature_next_action", signature.next_action)

    if through >= 3:
        # The template you will really send, bound to the signature; its variable's attribute in template_rule.
        login_code = MessageTemplate(
            "login-code",
            MessageTemplateArgs(
                name="Login code",
                type="otp",
                content="您的验证码为${code}。5分钟内有效。",
                remark="One-time password for signing in to the Acme app",
                signature=signature.name,
                template_rule={"code": "numberCaptcha"},
            ),
        )
        pulumi.export("template_code", login_code.template_code)
        pulumi.export("template_status", login_code.status)
        pulumi.export("template_next_action", login_code.next_action)
