"""The rate limits the deliverer paces to are the tiers Slack documents for its methods."""

from __future__ import annotations

from bot.emulator.spec import methods
from bot.slack_limits import METHOD_TIERS, POST_WORKSPACE, TIERS, method_limit


def test_each_paced_method_has_the_tier_of_the_distilled_spec() -> None:
    table = methods()
    for method, tier in METHOD_TIERS.items():
        assert table[method].tier == tier, method


def test_tiers_follow_slacks_per_minute_figures() -> None:
    assert [TIERS[t].per_minute for t in ("Tier1", "Tier2", "Tier3", "Tier4")] == [1, 20, 50, 100]
    assert method_limit("SpecialTier_chat_postMessage") == POST_WORKSPACE
    assert method_limit("SpecialTier_auth_test") is None
