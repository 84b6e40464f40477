"""What an emulator operation handler receives, and what every backend is constructed from."""

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_alisms.emulator.clock import ReviewSpeed
from pulumi_alisms.emulator.params import Params


@dataclass
class Context:
    """One operation call: the caller's account, its parameters, and an open write transaction."""

    account: str
    params: Params
    db: sqlite3.Connection
    now: float
    speed: ReviewSpeed
    base_url: str = ""  # the scheme and host the request was sent to, for URLs in answers (OSS upload hosts)


Handler = Callable[[Context], dict[str, Any]]
