"""A local Slack: the Web API emulator and the signed-request sender.

Ships in the package because `clubbot console` runs on it; every wire test uses it.
"""

from bot.emulator.calls import ApiCall
from bot.emulator.sender import Delivery, SlackSender, signature
from bot.emulator.server import SlackEmulator

__all__ = ["ApiCall", "Delivery", "SlackEmulator", "SlackSender", "signature"]
