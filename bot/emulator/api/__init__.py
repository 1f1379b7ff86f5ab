"""Emulated Web API methods; importing the modules fills HANDLERS."""

from bot.emulator.api import chat, conversations, files, misc, views
from bot.emulator.api.registry import HANDLERS, Args, Reply

__all__ = ["HANDLERS", "Args", "Reply", "chat", "conversations", "files", "misc", "views"]
