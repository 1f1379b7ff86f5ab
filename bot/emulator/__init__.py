"""A local Slack: the Web API emulator and the signed-request sender.

Ships in the package because `clubbot console` runs on it; every wire test uses it.

    with SlackEmulator() as emu:
        emu.add_user("U1", "alice")
        emu.add_channel("C1", "club", members=["U1"])
        client = WebClient(base_url=emu.api_url, token=emu.bot_token)
        sender = SlackSender("http://127.0.0.1:3000/slack/events", secret, emu)
        sender.app_mention("U1", "help", "C1")
        (post,) = emu.wait_for_calls("chat.postMessage")
"""

from bot.emulator.calls import ApiCall
from bot.emulator.sender import Delivery, SlackSender, signature
from bot.emulator.server import SlackEmulator
from bot.emulator.stub_app import StubApp

__all__ = ["ApiCall", "Delivery", "SlackEmulator", "SlackSender", "StubApp", "signature"]
