"""Per-family wire handlers, as moto's ``responses.py``: parse ``ctx.params``, call a backend, render the answer.

Each module names its API ``VERSION`` and maps each action to its handler in ``OPERATIONS``;
:mod:`pulumi_alisms.emulator.routes` gathers them. A handler reads every parameter before it calls a
backend, so a malformed request is refused before the account's state is consulted.
"""
