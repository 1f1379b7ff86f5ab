"""The trust boundary: what every request from Slack passes before a feature sees it,
and what every answer passes on its way back.

`requests` checks the raw HTTP request (signature, timestamp, body shape), `replay`
refuses a signed request seen before, `text` strips control characters from the text
inside it, and `limits` fits what the bot says within Slack's size limits.
"""
