"""The one error hierarchy of pulumi-alisms.

Every failure a user can act on is an :class:`AliSmsError`: the CLI prints it as one line, the providers raise
it to the engine with the shortest traceback. Nothing here ever carries a credential.
"""

from typing import Any


class AliSmsError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigurationError(AliSmsError, ValueError):
    """The account settings (``alisms:*`` config, environment variables) are incomplete or invalid."""


class SpecError(AliSmsError, ValueError):
    """An account file that cannot be used; ``problems`` lists every problem, sorted by position."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class LocalFileError(AliSmsError, ValueError):
    """A local file an account file or a resource names that may not be read: it resolves outside its directory,
    is not a regular file, or is too large. The message never says whether a path outside exists."""


class ProviderError(AliSmsError, RuntimeError):
    """A resource operation that cannot go on: a refusal, a timeout, a review that needs the user."""


class AliSmsApiError(AliSmsError):
    """An operation failed: the action, Alibaba's ``Code`` and ``Message``, the request id and HTTP status.

    Transport failures (timeouts, refused connections) use the code ``Transport.<Kind>`` and HTTP status 0.
    """

    def __init__(self, action: str, code: str, message: str, *, request_id: str | None = None,
                 http_status: int = 0) -> None:  # fmt: skip
        self.action = action
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" (RequestId {self.request_id})" if self.request_id else ""
        status = f", HTTP {self.http_status}" if self.http_status else ""
        return f"{self.action} failed: {self.code}: {self.message}{where}{status}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(action={self.action!r}, code={self.code!r}, http_status={self.http_status})"

    @property
    def retryable(self) -> bool:
        """Throttling, server-side and transport failures are worth another attempt."""
        return (
            self.throttled
            or self.code.startswith(("ServiceUnavailable", "InternalError", "Transport."))
            or self.http_status >= 500
        )

    @property
    def throttled(self) -> bool:
        """The service refused the call before running it: always safe to retry."""
        return self.code.startswith("Throttling")


class NotFoundError(AliSmsApiError):
    """The object the operation names does not exist in the account (per the family's table of codes)."""


class ThrottledError(AliSmsApiError):
    """The service refused the call under flow control and did not run it."""
