"""The errors the service API raises; the web layer maps each to one HTTP status.

Every message is written for the person who has to act on it, in Thai first with
English after, so the same text serves the API, the CLI and the HTML pages.
"""

from __future__ import annotations


class GovflowError(Exception):
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidData(GovflowError):
    """Input that fails validation; ``fields`` names each field and what is wrong."""

    code = "invalid_data"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotAuthenticated(GovflowError):
    code = "not_authenticated"


class Forbidden(GovflowError):
    code = "forbidden"


class NotFound(GovflowError):
    code = "not_found"


class Conflict(GovflowError):
    """Someone else got there first: a claimed task or a concurrent update."""

    code = "conflict"


class DefinitionError(GovflowError):
    """A process definition could not be deployed; the previous version stays live."""

    code = "definition_error"
