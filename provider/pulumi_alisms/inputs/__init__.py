"""The resources' inputs without Pulumi: one module per resource kind with its pydantic model, the model of
its account-file entry, its offline rules (``input_problems``) and its diff rules (``diff``).

``resources`` (the providers' ``check`` and ``diff``) and ``spec`` (``alisms validate``, ``plan`` and
``drift``) share these, so the account file and ``pulumi preview`` refuse, and replace, exactly the same
things; nothing here imports the Pulumi SDK.
"""
