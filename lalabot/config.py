"""Typed settings, built from a mapping of environment variables and validated at start."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from lalabot.errors import ConfigError

__all__ = ["Secret", "Settings"]

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class Secret:
    """A string that never shows itself in repr, str or logs."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __str__(self) -> str:
        return "********" if self._value else ""

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(
            f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}"
            f" (got {raw[:80]!r})."
        )
    return raw.rstrip("/")


def _snowflake(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**64:
        raise ConfigError(f"{name} must be a Discord server id (a number), got {raw[:40]!r}.")
    return int(raw)


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret = Secret("")
    db_path: Path = Path("data/lalabot.db")
    seeds_dir: Path = Path("seeds")
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    api_url: str | None = None
    gateway_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        token = env.get("DISCORD_TOKEN", "").strip()
        if any(ch.isspace() for ch in token):
            raise ConfigError("DISCORD_TOKEN must not contain spaces; paste the token alone.")
        db_raw = env.get("LALABOT_DB_PATH", "").strip() or "data/lalabot.db"
        if "\x00" in db_raw:
            raise ConfigError("LALABOT_DB_PATH is not a valid path.")
        db_path = Path(db_raw)
        if db_path.exists() and db_path.is_dir():
            raise ConfigError(f"LALABOT_DB_PATH points at a folder ({db_path}); name a file.")
        seeds_raw = env.get("LALABOT_SEEDS_DIR", "").strip() or "seeds"
        if "\x00" in seeds_raw:
            raise ConfigError("LALABOT_SEEDS_DIR is not a valid path.")
        level = (env.get("LALABOT_LOG_LEVEL", "").strip() or "INFO").upper()
        if level not in _LOG_LEVELS:
            raise ConfigError(
                f"LALABOT_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)} (got {level[:20]!r})."
            )
        return cls(
            token=Secret(token),
            db_path=db_path,
            seeds_dir=Path(seeds_raw),
            log_level=level,
            dev_guild_id=_snowflake(env, "LALABOT_DEV_GUILD_ID"),
            api_url=_url(env, "LALABOT_DISCORD_API_URL", ("http", "https")),
            gateway_url=_url(env, "LALABOT_DISCORD_GATEWAY_URL", ("ws", "wss")),
        )

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]
