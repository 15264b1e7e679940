"""Errors from Jobindsats, each with one Danish sentence that says what to do."""

from __future__ import annotations


class JobindsatsError(Exception):
    """Base class; ``str(error)`` is the Danish message shown to the user."""


class JobindsatsAuthError(JobindsatsError):
    pass


class JobindsatsRateLimitError(JobindsatsError):
    def __init__(self, message: str, retry_after: int | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class JobindsatsUnavailableError(JobindsatsError):
    """Timeout, connection failure or a server error: try again later."""


class JobindsatsLayoutError(JobindsatsError):
    """The answer does not have the shape we know: the table was changed."""


class JobindsatsImportError(JobindsatsError):
    """A CSV export that cannot be read; names the row and field."""


class JobindsatsQueryError(JobindsatsError):
    """HTTP 422: Jobindsats did not accept the query (a wrong hierarchy or value id).

    Not a temporary failure: the message gives the API's cause and request id, which
    STAR's support asks for."""

    def __init__(self, message: str, code: str = "", cause: str = "",
                 request_id: str = "") -> None:
        super().__init__(message)
        self.code, self.cause, self.request_id = code, cause, request_id
