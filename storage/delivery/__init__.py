"""The outbox's table: every message that must reach Slack, one row per recipient."""
