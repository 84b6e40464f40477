"""Alibaba-style error answers raised by emulator operations."""


class ApiError(Exception):
    """An error answer: ``Code``, ``Message`` and the HTTP status Alibaba would use.

    ``business`` marks ``isv.*`` errors that Dysmsapi returns with HTTP 200 and the code in the body.
    """

    def __init__(self, code: str, message: str, status: int = 400, *, business: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.business = business


def missing(name: str) -> ApiError:
    """``MissingParameter`` for a required parameter."""
    return ApiError(
        f"MissingParameter.{name}",
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.',
    )


def invalid(name: str, why: str) -> ApiError:
    """``InvalidParameter`` naming the parameter and the rule it breaks."""
    return ApiError(f"InvalidParameter.{name}", f'The parameter "{name}" is invalid: {why}')


def business(code: str, message: str) -> ApiError:
    """An ``isv.*`` business error."""
    return ApiError(code, message, 200, business=True)


def not_found(code: str, message: str) -> ApiError:
    """A 404 for an object that does not exist in this account."""
    return ApiError(code, message, 404)
