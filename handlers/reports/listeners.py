"""`/club report`: the organisers' workbook, sent to the organiser in a DM."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.deps import Deps
from bot.reports import report as reports
from bot.roles.policy import Action
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.reports")

GROUP = "Organisers"
SENT = (
    "I've sent you the club report in a DM: questions (unanswered first), FAQ usage, "
    "pairings, meetings and attendance, nudges and kudos, each with a chart."
)


def register(wire: Wiring, router: CommandRouter) -> None:
    router.add(
        Subcommand(
            "report",
            "report",
            "a spreadsheet of how the club is doing, sent to you in a DM",
            _command,
            Action.SEE_REPORTS,
            GROUP,
        )
    )


def send_report(deps: Deps, user_id: str) -> str | None:
    """Build the workbook and upload it to the person's DM. None when it arrived;
    otherwise an apology to show them. Only reads the database, so a failed upload
    leaves nothing half-done: it can simply be asked for again."""
    report = reports.build_report(deps.db, deps.clock.now())
    try:
        deps.client.files_upload_v2(
            channel=deps.notifier.open_dm(user_id),
            file=report.content,
            filename=report.filename,
            title=report.title,
            initial_comment=f"Here's the club report. {report.summary}.",
        )
    except (SlackApiError, SlackRequestError) as error:
        # SlackRequestError: the file itself could not be sent to the upload URL.
        code = error.response.get("error") if isinstance(error, SlackApiError) else "upload_failed"
        log.warning("report upload failed user=%s error=%s", user_id, code)
        return (
            f":warning: Sorry, Slack wouldn't take the report file just now ({code}), so "
            "nothing was sent. Please try `/club report` again in a minute."
        )
    log.info("report sent user=%s bytes=%d", user_id, len(report.content))
    return None


def _command(call: CommandCall) -> None:
    if call.args.strip():
        call.respond(
            text=f"`/club report` takes nothing after it (I don't know "
            f"“{_plain(call.args.strip())}”). Type just `/club report` and I'll DM you the "
            "whole workbook.",
            response_type="ephemeral",
        )
        return
    problem = send_report(call.deps, call.user_id)
    call.respond(text=problem or SENT, response_type="ephemeral")


def _plain(text: str) -> str:
    cut = text if len(text) <= 60 else text[:59] + "…"
    return cut.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
