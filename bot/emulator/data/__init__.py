"""Distilled Slack spec data (a package so setuptools ships the JSON beside it)."""
