"""`/club kudos @someone for ...`: a public thank-you in the club channel."""

from __future__ import annotations

from bot.encouragement import kudos
from bot.encouragement.kudos import KudosResult
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.parsing import user_mentions
from handlers.wiring import Wiring

USAGE = "kudos @someone for ..."
FORM = f"`/club {USAGE}`, for example `/club kudos @sam for the great intro to our blog`"


def register(wire: Wiring, router: CommandRouter) -> None:
    router.add(Subcommand("kudos", USAGE, "thank a colleague in the club channel", _give))


def _give(call: CommandCall) -> None:
    mentioned = sorted(set(user_mentions(call.args)))
    if not mentioned:
        call.respond(text=f"Whom would you like to thank? Try {FORM}.", response_type="ephemeral")
        return
    if len(mentioned) > 1:
        call.respond(
            text=f"One person at a time, please, so each gets their own thank-you. Try {FORM}.",
            response_type="ephemeral",
        )
        return
    receiver = mentioned[0]
    reason = _reason(call.args)
    outcome = kudos.give_kudos(call.deps, call.user_id, receiver, reason)
    text = {
        KudosResult.POSTED: f":raised_hands: Thanks posted in <#{outcome.channel}>.",
        KudosResult.QUEUED: f":raised_hands: Slack is busy right now; your thanks will appear in "
        f"<#{outcome.channel}> shortly.",
        KudosResult.SELF: "Kudos are for thanking someone else, but I'm glad you're proud "
        "of your work! :slightly_smiling_face:",
        KudosResult.BOT: "Kudos are for colleagues; bots don't need them (but thank you!).",
        KudosResult.NO_REASON: f"Say what you're thanking them for: {FORM}.",
        KudosResult.NO_CLUB_CHANNEL: "The club channel isn't set up yet (CLUB_CHANNEL), "
        "so I can't post kudos. Tell an organiser.",
        KudosResult.POST_FAILED: f"I couldn't post in <#{outcome.channel}> "
        f"(Slack said `{outcome.slack_error}`), so nothing was counted. Please try again later.",
    }[outcome.result]
    call.respond(text=text, response_type="ephemeral")


def _reason(args: str) -> str:
    """What follows the mention, without a leading "for"."""
    rest = args.split(">", 1)[1] if ">" in args else args
    rest = rest.strip()
    if rest.lower().startswith("for "):
        rest = rest[4:]
    elif rest.lower() == "for":
        rest = ""
    return rest.strip()
