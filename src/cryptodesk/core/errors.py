"""Errors raised by actions and queries. Each carries a stable ``code`` that the API returns
unchanged, a human message that says what was wrong, and the field it concerns if any."""

from __future__ import annotations


class CryptodeskError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, str]:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(CryptodeskError):
    code = "not_found"
    status = 404


class PermissionDenied(CryptodeskError):
    code = "permission_denied"
    status = 403


class ValidationFailed(CryptodeskError):
    code = "validation_error"
    status = 422


class InvalidTransition(CryptodeskError):
    code = "invalid_transition"
    status = 409
