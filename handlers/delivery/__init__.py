"""The outbox's Slack side: the Web API sender the deliverer uses."""
