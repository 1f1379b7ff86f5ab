"""Emulated Web API methods register here by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.workspace import Workspace

Args = dict[str, Any]


@dataclass
class Reply:
    body: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)  # see ApiCall.context


Handler = Callable[[Workspace, Args], Reply]

HANDLERS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


def ok(**body: Any) -> dict[str, Any]:
    return {"ok": True, **body}
