"""The one way an emulated method refuses a call: raise SlackError."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """A Slack `{"ok": false, "error": code}` reply, with optional extra keys and status."""

    def __init__(
        self, code: str, *, status: int = 200, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.code, **self.extra}


def invalid(code: str, messages: list[str]) -> SlackError:
    # Slack explains argument and Block Kit errors in response_metadata.messages.
    return SlackError(code, response_metadata={"messages": messages})
