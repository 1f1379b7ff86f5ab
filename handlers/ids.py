"""Every command, action id and callback id clubbot listens to.

tests/test_manifest.py checks these against app.yaml in both directions.
"""

COMMAND = "/club"
