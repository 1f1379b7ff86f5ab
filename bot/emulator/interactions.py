"""Interaction payloads (block_actions, view_submission, view_closed) for SlackSender."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from bot.emulator.payloads import Team, find_element, interaction_base, is_view
from bot.emulator.server import SlackEmulator
from bot.emulator.view_state import Given, Values, state_values

if TYPE_CHECKING:
    from bot.emulator.sender import Delivery


class InteractionsMixin:
    """Needs `emulator`, `team` and `_send_interaction` from SlackSender."""

    emulator: SlackEmulator
    team: Team

    # Provided by SlackSender, which mixes this in.
    _send_interaction: Callable[[dict[str, Any]], Delivery]

    def _name(self, user_id: str) -> str:
        return self.emulator.user_name(user_id)

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        selected_option: dict[str, Any] | None = None,
        action_type: str | None = None,
    ) -> Delivery:
        """A block_actions payload: a button press unless `selected_option`/`action_type` say."""
        payload = interaction_base(self.team, "block_actions", user_id, self._name(user_id))
        trigger_id = self.emulator.new_trigger_id()
        channel_id = channel_id or (message or {}).get("channel")
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": action_type or ("static_select" if selected_option else "button"),
            "action_ts": self.emulator.next_ts(),
        }
        if selected_option is not None:
            action["selected_option"] = selected_option
        if value is not None:
            action["value"] = value
        payload.update(trigger_id=trigger_id, actions=[action], state={"values": {}})
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id")}
        if message is not None:
            ts = message.get("ts")
            stored = self.emulator.stored_message(channel_id or "", ts or "")
            payload["message"] = stored or {"type": "message", **message}
            payload["container"] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel_id,
                "is_ephemeral": stored is None,  # ephemeral messages are never stored
            }
        if channel_id:
            payload["channel"] = {"id": channel_id, "name": self.emulator.channel_name(channel_id)}
            ts = (message or {}).get("ts")
            payload["response_url"] = self.emulator.new_response_url(channel_id, ts)
        if container is not None:
            payload["container"] = container
        return self._send_interaction(payload)

    def press(self, user_id: str, target: dict[str, Any], action_id: str) -> Delivery:
        """Press the button `action_id` in a message (from emulator.messages()) or a view."""
        block_id, element = find_element(target.get("blocks"), action_id)
        return self._act(user_id, target, action_id, block_id, element, value=element.get("value"))

    def press_element(
        self, user_id: str, target: dict[str, Any], block_id: str | None, element: dict[str, Any]
    ) -> Delivery:
        """Press this very button (several may share an action id, as a list's Accepts do)."""
        action_id = str(element.get("action_id") or "")
        return self._act(user_id, target, action_id, block_id, element, value=element.get("value"))

    def choose(self, user_id: str, target: dict[str, Any], action_id: str, value: str) -> Delivery:
        """Pick the option with `value` in a select or overflow menu of a message or view."""
        block_id, element = find_element(target.get("blocks"), action_id)
        options = list(element.get("options") or [])
        for group in element.get("option_groups") or []:
            options += group.get("options") or []
        option = next((o for o in options if o.get("value") == value), None)
        if option is None:
            raise ValueError(f"{action_id}: no option {value!r}")
        return self._act(user_id, target, action_id, block_id, element, selected_option=option)

    def _act(
        self,
        user_id: str,
        target: dict[str, Any],
        action_id: str,
        block_id: str | None,
        element: dict[str, Any],
        **chosen: Any,
    ) -> Delivery:
        kind = element.get("type")
        if is_view(target):
            view_id = self.emulator.view_id_for(target)
            view = (self.emulator.view(view_id) if view_id else None) or target
            return self.block_action(
                user_id, action_id, block_id=block_id or "b", view=view, action_type=kind, **chosen
            )
        return self.block_action(
            user_id, action_id, block_id=block_id or "b", message=target, action_type=kind, **chosen
        )

    def view_submission(
        self,
        user_id: str,
        callback_id: str,
        values: Values,
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> Delivery:
        view = {
            "id": view_id or self.emulator.workspace.new_id("V"),
            "team_id": self.team.id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "blocks": [],
        }
        return self._view_payload("view_submission", user_id, view, values)

    def submit(self, user_id: str, view: dict[str, Any], inputs: Mapping[str, Given]) -> Delivery:
        """Submit a modal as the bot opened it, filled in with `inputs` (block_id or action_id)."""
        values = state_values(view, inputs)
        return self._view_payload("view_submission", user_id, self._full_view(view), values)

    def view_closed(self, user_id: str, view: dict[str, Any], is_cleared: bool = False) -> Delivery:
        extra = {"is_cleared": is_cleared}
        return self._view_payload("view_closed", user_id, self._full_view(view), {}, extra)

    def _full_view(self, view: dict[str, Any]) -> dict[str, Any]:
        # Prefer the emulator's copy: it carries the id, hash and root ids Slack would send.
        view_id = self.emulator.view_id_for(view)
        stored = self.emulator.view(view_id) if view_id else None
        return stored or {"id": self.emulator.workspace.new_id("V"), **view}

    def _view_payload(
        self,
        kind: str,
        user_id: str,
        view: dict[str, Any],
        values: Values,
        extra: dict[str, Any] | None = None,
    ) -> Delivery:
        payload = interaction_base(self.team, kind, user_id, self._name(user_id))
        payload["view"] = {**view, "state": {"values": values}}
        if kind == "view_submission":
            payload.update(trigger_id=self.emulator.new_trigger_id(), response_urls=[])
        payload.update(extra or {})
        return self._send_interaction(payload)
