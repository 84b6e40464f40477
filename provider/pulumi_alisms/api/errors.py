"""The one error type of the API client."""

RETRYABLE_CODE_PREFIXES = ("Throttling", "ServiceUnavailable", "InternalError")


class AliSmsApiError(Exception):
    """An operation failed: the action, Alibaba's ``Code`` and ``Message``, the request id and HTTP status.

    Transport failures (timeouts, refused connections) use the code ``Transport.<Kind>`` and HTTP status 0.
    Never carries credentials.
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
        return f"AliSmsApiError(action={self.action!r}, code={self.code!r}, http_status={self.http_status})"

    @property
    def retryable(self) -> bool:
        """Throttling, server-side and transport failures are worth another attempt."""
        return (
            self.code.startswith(RETRYABLE_CODE_PREFIXES)
            or self.code.startswith("Transport.")
            or self.http_status >= 500
        )

    @property
    def throttled(self) -> bool:
        """The service refused the call before running it: always safe to retry."""
        return self.code.startswith("Throttling")
