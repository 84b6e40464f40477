"""The live-account emulator (server side): WSGI app, SQLite store and review simulation.

This package depends on :mod:`pulumi_alisms.rules` only. It never imports the client side
(``api``, ``resources``): a bug shared by client and server would hide itself.
"""
