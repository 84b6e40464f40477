"""Pure domain rules shared by every layer: SenderID naming, template variables, countries, limits.

Nothing here performs I/O; every validator returns a list of :class:`Problem` so callers can report
all problems at once.
"""

from pulumi_alisms.rules.problems import Problem

__all__ = ["Problem"]
