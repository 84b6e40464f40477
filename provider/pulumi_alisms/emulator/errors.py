"""Alibaba-style error answers raised by emulator operations: one constructor per kind of answer.

The constructor sets the HTTP status the answer goes out with; :mod:`app` sends exactly that status.
Business (``isv.*``) errors come in two kinds, as the products answer them: Dysmsapi (2017-05-25,
2018-05-01) puts them in the body of an HTTP 200 (:func:`business`), Dysms 2017-06-20 answers them
with HTTP 400 (:func:`refused`).
"""

from collections.abc import Sequence

from pulumi_alisms.rules.problems import Problem


class ApiError(Exception):
    """An error answer: ``Code``, ``Message`` and the HTTP status it is sent with."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def missing(name: str) -> ApiError:
    """HTTP 400 ``MissingParameter.<name>`` for a required parameter."""
    return ApiError(
        f"MissingParameter.{name}",
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.',
    )


def invalid(name: str, why: str) -> ApiError:
    """HTTP 400 ``InvalidParameter.<name>`` naming the parameter and the rule it breaks."""
    return ApiError(f"InvalidParameter.{name}", f'The parameter "{name}" is invalid: {why}')


def refuse_problems(name: str, problems: Sequence[Problem]) -> None:
    """Raise ``InvalidParameter.<name>`` listing every problem, if any (naming the field unless it is ``name``)."""
    if problems:
        raise invalid(name, "; ".join(p.message if p.field == name else str(p) for p in problems))


def business(code: str, message: str) -> ApiError:
    """An ``isv.*`` business error in the body of an HTTP 200 (Dysmsapi 2017-05-25 and 2018-05-01)."""
    return ApiError(code, message, 200)


def refused(code: str, message: str) -> ApiError:
    """An ``isv.*`` business error answered with HTTP 400 (Dysms 2017-06-20 and the SenderID contract)."""
    return ApiError(code, message, 400)


def not_found(code: str, message: str) -> ApiError:
    """HTTP 404 for an object that does not exist in this account."""
    return ApiError(code, message, 404)


def throttled() -> ApiError:
    """HTTP 400 ``Throttling.User``: the caller is over its request rate."""
    return ApiError("Throttling.User", "Request was denied due to user flow control.")


def unavailable(detail: str = "") -> ApiError:
    """HTTP 503 ``ServiceUnavailable``: a temporary failure, worth retrying."""
    return ApiError(
        "ServiceUnavailable", f"The request has failed due to a temporary failure of the server{detail}.", 503
    )


def internal_error() -> ApiError:
    """HTTP 500 ``InternalError``: an operation failed unexpectedly."""
    return ApiError("InternalError", "The request processing has failed due to some unknown error.", 500)
