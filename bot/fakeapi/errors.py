"""The one error the fake Bot API raises internally: a Telegram error body to send back."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A refusal worded like Telegram's: HTTP status, `description`, optional `parameters`."""

    def __init__(
        self, description: str, *, status: int = 400, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.description = description
        self.status = status
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(message: str) -> ApiError:
    """A 400 `Bad Request: <message>`."""
    return ApiError(f"Bad Request: {message}", status=400)
