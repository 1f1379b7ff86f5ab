from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings

BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults_for_http_mode() -> None:
    settings = load_settings(BASE)
    assert settings.port == 3000
    assert settings.database_url == "sqlite:///clubbot.db"
    assert settings.api_url == "https://slack.com/api/"
    assert not settings.socket_mode
    assert settings.reminder_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert settings.offer_timeout == timedelta(hours=24)
    assert settings.mentors_edit_faq is False


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.socket_mode


def test_every_setting_is_read() -> None:
    settings = load_settings(
        {
            **BASE,
            "SLACK_API_URL": "http://127.0.0.1:9999/api",
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/test",
            "PORT": "8080",
            "CLUB_CHANNEL": "C0CLUB",
            "CLUB_MENTORS_CHANNEL": "C0MENTORS",
            "CLUB_ORGANISERS": "U0AAA, U0BBB",
            "LOG_LEVEL": "debug",
            "OFFER_TIMEOUT": "12h",
            "CLUB_REMINDER_OFFSETS": "1h,2d",
            "CLUB_MENTORS_EDIT_FAQ": "On",
            "CLUB_DELIVERY_LEASE": "5m",
            "CLUB_TEST_CLOCK_FILE": "/tmp/now",
        }
    )
    assert settings.api_url == "http://127.0.0.1:9999/api/"
    assert settings.port == 8080
    assert settings.organisers == ("U0AAA", "U0BBB")
    assert settings.log_level == "DEBUG"
    assert settings.offer_timeout == timedelta(hours=12)
    assert settings.reminder_offsets == (timedelta(days=2), timedelta(hours=1))
    assert settings.mentors_edit_faq is True
    assert settings.delivery_lease == timedelta(minutes=5)
    assert settings.test_clock_file == "/tmp/now"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "nope", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({**BASE, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({**BASE, "PORT": "http"}, "PORT"),
        ({**BASE, "PORT": "70000"}, "PORT"),
        ({**BASE, "CLUB_CHANNEL": "#club"}, "CLUB_CHANNEL"),
        ({**BASE, "CLUB_MENTORS_CHANNEL": "mentors"}, "CLUB_MENTORS_CHANNEL"),
        ({**BASE, "CLUB_ORGANISERS": "U0AAA,@bob"}, "CLUB_ORGANISERS"),
        ({**BASE, "LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({**BASE, "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({**BASE, "SLACK_API_URL": "slack.com"}, "SLACK_API_URL"),
        ({**BASE, "OFFER_TIMEOUT": "soon"}, "OFFER_TIMEOUT"),
        ({**BASE, "CLUB_REMINDER_OFFSETS": "24h,later"}, "CLUB_REMINDER_OFFSETS"),
        ({**BASE, "CLUB_MENTORS_EDIT_FAQ": "sometimes"}, "CLUB_MENTORS_EDIT_FAQ"),
        ({**BASE, "CLUB_DELIVERY_LEASE": "a while"}, "CLUB_DELIVERY_LEASE"),
    ],
)
def test_a_bad_setting_names_itself(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.variable == variable
    assert str(caught.value).startswith(variable)
