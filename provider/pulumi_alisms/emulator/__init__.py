"""The live-account emulator (server side): WSGI app, SQLite store and review simulation.

Laid out as moto is: :mod:`.backends` hold each API family's tables and state machine (the only code
that reads or writes them), :mod:`.responses` parse a request's parameters, call a backend and render
the answer, :mod:`.routes` maps (Version, Action) to those handlers, :mod:`.app` runs them one
transaction each, and :mod:`.admin` is the review desk and clock that ``alisms emulator`` drives.

This package depends on :mod:`pulumi_alisms.rules` only. It never imports the client side
(``api``, ``resources``): a bug shared by client and server would hide itself.
"""
