from __future__ import annotations

from pathlib import Path

import pytest

from lalabot.config import Settings
from lalabot.errors import ConfigError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.db_path == Path("data/lalabot.db")
    assert settings.seeds_dir == Path("seeds")
    assert settings.log_level == "INFO"
    assert not settings.token
    assert settings.dev_guild_id is None
    assert settings.api_url is None


def test_the_token_never_shows_itself() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": "MTIz.secret.token"})
    assert settings.token.reveal() == "MTIz.secret.token"
    assert "secret" not in repr(settings)
    assert "secret" not in str(settings.token)
    assert "secret" not in f"{settings}"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"LALABOT_LOG_LEVEL": "chatty"}, "LALABOT_LOG_LEVEL"),
        ({"LALABOT_DEV_GUILD_ID": "my-server"}, "LALABOT_DEV_GUILD_ID"),
        ({"LALABOT_DEV_GUILD_ID": "0"}, "LALABOT_DEV_GUILD_ID"),
        ({"LALABOT_DISCORD_API_URL": "ftp://x"}, "LALABOT_DISCORD_API_URL"),
        ({"LALABOT_DISCORD_GATEWAY_URL": "http://127.0.0.1:1/gw"}, "LALABOT_DISCORD_GATEWAY_URL"),
        ({"DISCORD_TOKEN": "two words"}, "DISCORD_TOKEN"),
    ],
)
def test_invalid_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env(env)


def test_db_path_must_not_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LALABOT_DB_PATH"):
        Settings.from_env({"LALABOT_DB_PATH": str(tmp_path)})


def test_log_level_is_case_insensitive_and_urls_are_kept() -> None:
    settings = Settings.from_env(
        {
            "LALABOT_LOG_LEVEL": "debug",
            "LALABOT_DISCORD_API_URL": "http://127.0.0.1:8080/api/v10/",
            "LALABOT_DISCORD_GATEWAY_URL": "ws://127.0.0.1:8080/gateway",
            "LALABOT_DEV_GUILD_ID": "123456789012345678",
        }
    )
    assert settings.log_level == "DEBUG"
    assert settings.api_url == "http://127.0.0.1:8080/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:8080/gateway"
    assert settings.dev_guild_id == 123456789012345678
