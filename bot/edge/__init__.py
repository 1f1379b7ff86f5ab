"""The trust boundary: what every request from Slack passes before a feature sees it.

`requests` checks the raw HTTP request (signature, timestamp, body shape), `replay`
refuses a signed request seen before, `text` cleans and bounds the text inside it.
"""
